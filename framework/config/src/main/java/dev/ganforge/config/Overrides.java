package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set path=value} overrides to a YAML tree before binding, e.g. {@code
 * training.steps=100}, {@code model.layers=[32,64]}, {@code model.layers[0]=32}, {@code
 * dataset.type=idx}. The value is parsed as a YAML scalar or flow value; missing intermediate maps
 * are created. A null value ({@code path=~}, {@code path=null} or {@code path=}) removes the key,
 * or the list element, so its default applies: with {@code dataset.type=idx dataset.split=~} a key
 * the new type does not know goes away; removing a key that is not there does nothing. A key an
 * override adds that the spec does not know is reported by the binder like any unknown key.
 * Problems at, below or in a map created by an override name the override instead of the file.
 */
public final class Overrides {

    private static final Pattern SEGMENT = Pattern.compile("([^\\[\\]]+)(?:\\[([0-9]+)])?");

    private Overrides() {}

    /**
     * @param override a {@code path=value} string
     * @return its path, trimmed (the whole string, trimmed, when it has no '=')
     */
    public static String path(String override) {
        int equals = override.indexOf('=');
        return (equals < 0 ? override : override.substring(0, equals)).trim();
    }

    /**
     * @param override a {@code path=value} string
     * @return the text after the first '=', as written; null when there is no '='
     */
    public static String valueText(String override) {
        int equals = override.indexOf('=');
        return equals < 0 ? null : override.substring(equals + 1);
    }

    /**
     * @param root the top-level map; changed in place
     * @param overrides the {@code path=value} strings, applied in order
     * @param problems where malformed overrides are recorded (path and value of the override, no
     *     line)
     */
    public static void apply(ObjectNode root, List<String> overrides, Problems problems) {
        for (String override : overrides) {
            String path = path(override);
            String text = valueText(override);
            if (text == null) {
                problems.addText(
                        "", null, "override '" + override + "' has no '='; expected path=value");
                continue;
            }
            String[] segments = path.split("\\.", -1);
            for (String segment : segments) {
                if (!SEGMENT.matcher(segment).matches()) {
                    problems.addText(
                            "",
                            null,
                            "override '"
                                    + override
                                    + "' has a malformed path; expected dotted keys like"
                                    + " training.steps");
                    segments = null;
                    break;
                }
            }
            if (segments == null) {
                continue;
            }
            JsonNode value;
            try {
                value = YamlDocument.value(text);
            } catch (JsonProcessingException e) {
                problems.addText(
                        path,
                        text,
                        "override '" + override + "' has a value that is not valid YAML");
                continue;
            }
            Outcome outcome = value.isNull() ? remove(root, segments) : set(root, segments, value);
            if (outcome.failure() != null) {
                problems.addText(path, text, "override '" + override + "' " + outcome.failure());
                continue;
            }
            if (outcome.createdMap() != null) {
                problems.overridden(outcome.createdMap(), override.trim());
            }
            if (outcome.changedPath() != null) {
                problems.overridden(outcome.changedPath(), override.trim());
            }
        }
    }

    /**
     * @param failure why the override could not be applied, or null
     * @param changedPath the dotted path whose value the override changed (for a removed list
     *     element, the list, whose later elements moved), or null when nothing changed
     * @param createdMap the dotted path of the outermost map the override created, or null
     */
    private record Outcome(String failure, String changedPath, String createdMap) {

        static Outcome failed(String failure) {
            return new Outcome(failure, null, null);
        }
    }

    private static Outcome set(ObjectNode root, String[] segments, JsonNode value) {
        JsonNode current = root;
        String path = "";
        String createdMap = null;
        for (int i = 0; i < segments.length; i++) {
            Matcher segment = SEGMENT.matcher(segments[i]);
            segment.matches();
            String key = segment.group(1);
            boolean last = i == segments.length - 1;
            path = SpecNames.child(path, key);
            if (!(current instanceof ObjectNode map)) {
                return Outcome.failed("cannot set '" + key + "' inside a value that is not a map");
            }
            if (segment.group(2) != null) {
                JsonNode list = map.get(key);
                int index = Integer.parseInt(segment.group(2));
                if (!(list instanceof ArrayNode array) || index >= array.size()) {
                    return Outcome.failed(
                            "names element " + index + " of '" + key + "', which is not there");
                }
                if (last) {
                    array.set(index, value);
                    return new Outcome(null, path + "[" + index + "]", createdMap);
                }
                current = array.get(index);
                path += "[" + index + "]";
            } else if (last) {
                map.set(key, value);
            } else {
                JsonNode next = map.get(key);
                if (next == null || next.isNull()) {
                    next = map.putObject(key);
                    createdMap = createdMap == null ? path : createdMap;
                }
                current = next;
            }
        }
        return new Outcome(null, path, createdMap);
    }

    /** Removes the key or list element the segments name; nothing to remove is no failure. */
    private static Outcome remove(ObjectNode root, String[] segments) {
        JsonNode current = root;
        String path = "";
        for (int i = 0; i < segments.length; i++) {
            Matcher segment = SEGMENT.matcher(segments[i]);
            segment.matches();
            String key = segment.group(1);
            boolean last = i == segments.length - 1;
            if (current == null || current.isNull()) {
                return new Outcome(null, null, null);
            }
            path = SpecNames.child(path, key);
            if (!(current instanceof ObjectNode map)) {
                return Outcome.failed(
                        "cannot remove '" + key + "' inside a value that is not a map");
            }
            JsonNode next = map.get(key);
            if (segment.group(2) != null) {
                int index = Integer.parseInt(segment.group(2));
                if (!(next instanceof ArrayNode array) || index >= array.size()) {
                    return new Outcome(null, null, null);
                }
                if (last) {
                    array.remove(index);
                    return new Outcome(null, path, null);
                }
                next = array.get(index);
                path += "[" + index + "]";
            } else if (last) {
                return new Outcome(null, map.remove(key) != null ? path : null, null);
            }
            current = next;
        }
        return new Outcome(null, null, null);
    }
}
