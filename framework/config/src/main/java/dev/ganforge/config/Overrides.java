package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set path=value} overrides to a YAML tree before binding, e.g.
 * {@code training.steps=100}, {@code model.layers=[32,64]}, {@code model.layers[0]=32},
 * {@code dataset.type=idx}. The value is parsed as a YAML scalar or flow value; missing
 * intermediate maps are created. A key an override adds that the spec does not know is reported by
 * the binder like any unknown key.
 */
public final class Overrides {

    private static final Pattern SEGMENT = Pattern.compile("([^\\[\\]]+)(?:\\[([0-9]+)])?");

    private Overrides() {}

    /**
     * @param root the top-level map; changed in place
     * @param overrides the {@code path=value} strings, applied in order
     * @param problems where malformed overrides are recorded (path and value of the override, no line)
     */
    public static void apply(ObjectNode root, List<String> overrides, Problems problems) {
        for (String override : overrides) {
            int equals = override.indexOf('=');
            String path = equals < 0 ? override.trim() : override.substring(0, equals).trim();
            if (equals < 0) {
                problems.addText("", null, "override '" + override + "' has no '='; expected path=value");
                continue;
            }
            String[] segments = path.split("\\.", -1);
            for (String segment : segments) {
                if (!SEGMENT.matcher(segment).matches()) {
                    problems.addText("", null, "override '" + override
                            + "' has a malformed path; expected dotted keys like training.steps");
                    segments = null;
                    break;
                }
            }
            if (segments == null) {
                continue;
            }
            String text = override.substring(equals + 1);
            JsonNode value;
            try {
                value = YamlDocument.value(text);
            } catch (JsonProcessingException e) {
                problems.addText(path, text, "override '" + override + "' has a value that is not valid YAML");
                continue;
            }
            String failure = set(root, segments, value);
            if (failure != null) {
                problems.addText(path, text, "override '" + override + "' " + failure);
            } else {
                problems.overridden(path, override.trim());
            }
        }
    }

    /** @return null when set, else why not */
    private static String set(ObjectNode root, String[] segments, JsonNode value) {
        JsonNode current = root;
        for (int i = 0; i < segments.length; i++) {
            Matcher segment = SEGMENT.matcher(segments[i]);
            segment.matches();
            String key = segment.group(1);
            boolean last = i == segments.length - 1;
            if (!(current instanceof ObjectNode map)) {
                return "cannot set '" + key + "' inside a value that is not a map";
            }
            if (segment.group(2) != null) {
                JsonNode list = map.get(key);
                int index = Integer.parseInt(segment.group(2));
                if (!(list instanceof ArrayNode array) || index >= array.size()) {
                    return "names element " + index + " of '" + key + "', which is not there";
                }
                if (last) {
                    array.set(index, value);
                    return null;
                }
                current = array.get(index);
            } else if (last) {
                map.set(key, value);
            } else {
                JsonNode next = map.get(key);
                current = next == null || next.isNull() ? map.putObject(key) : next;
            }
        }
        return null;
    }
}
