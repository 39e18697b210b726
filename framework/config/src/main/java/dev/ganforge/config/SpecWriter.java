package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Writes a bound spec back out: as a YAML tree and text (snake_case keys in component order, {@code
 * type:} first in plugin sections, null optional keys left out), and as flat dotted keys. Reading
 * the YAML text again gives an equal spec.
 */
public final class SpecWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLMapper YAML =
            new YAMLMapper(
                    YAMLFactory.builder()
                            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                            .build());

    private SpecWriter() {}

    /**
     * @return the YAML text of a record
     */
    public static String toYaml(Record spec) {
        try {
            return YAML.writeValueAsString(toTree(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write a spec tree as YAML", e); // a tree always writes
        }
    }

    /**
     * @return dotted keys to string values, lists written as {@code [64, 128]}, in component order
     */
    public static Map<String, String> flatten(Record spec) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten(toTree(spec), "", flat);
        return flat;
    }

    /**
     * @return dotted keys to string values of a YAML tree, lists written as {@code [64, 128]}
     */
    public static Map<String, String> flatten(JsonNode tree) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (tree != null && !tree.isNull()) {
            flatten(tree, "", flat);
        }
        return flat;
    }

    /**
     * @return the YAML tree of a record
     */
    public static ObjectNode toTree(Record spec) {
        ObjectNode map = NODES.objectNode();
        if (spec instanceof PluginSection section) {
            map.put("type", section.type());
            spec = section.spec();
        }
        for (RecordComponent component : spec.getClass().getRecordComponents()) {
            JsonNode value = toNode(read(component, spec));
            if (value != null) {
                map.set(SpecNames.snakeCase(component.getName()), value);
            }
        }
        return map;
    }

    private static JsonNode toNode(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof Record record) {
            return toTree(record);
        } else if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(element -> array.add(toNode(element)));
            return array;
        } else if (value instanceof Integer number) {
            return NODES.numberNode(number);
        } else if (value instanceof Long number) {
            return NODES.numberNode(number);
        } else if (value instanceof Double number) {
            return NODES.numberNode(number);
        } else if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        } else if (value instanceof Enum<?> constant) {
            return NODES.textNode(SpecNames.enumText(constant));
        } else if (value instanceof Path path) {
            return NODES.textNode(path.toString());
        }
        return NODES.textNode(value.toString());
    }

    private static Object read(RecordComponent component, Record spec) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true); // plugin spec records need not be public
            return accessor.invoke(spec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot read " + component.getName() + " of " + spec.getClass(), e);
        }
    }

    /**
     * Every leaf of a YAML tree by its full path, list elements by index: {@code
     * evaluation.evaluators[0].type}. Unlike {@link #flatten(JsonNode)}, an element's own keys are
     * separate entries, and an empty map, an empty list and a null are leaves (they mean something:
     * {@code evaluation: {}} turns evaluation on with its defaults).
     *
     * @param tree a YAML tree (a spec file's, or {@link #toTree} of a resolved spec)
     * @return paths to scalar text ({@link #flatten}'s), {@code {}}, {@code []} or {@code ~}, in
     *     tree order
     */
    public static Map<String, String> leaves(JsonNode tree) {
        Map<String, String> leaves = new LinkedHashMap<>();
        if (tree != null) {
            leaves(tree, "", leaves);
        }
        return leaves;
    }

    private static void leaves(JsonNode node, String path, Map<String, String> leaves) {
        if (node.isObject() && !node.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                leaves(entry.getValue(), SpecNames.child(path, entry.getKey()), leaves);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), path + "[" + i + "]", leaves);
            }
        } else if (node.isObject()) {
            leaves.put(path, "{}");
        } else if (node.isArray()) {
            leaves.put(path, "[]");
        } else if (node.isNull() || node.isMissingNode()) {
            leaves.put(path, "~");
        } else {
            leaves.put(path, text(node));
        }
    }

    private static void flatten(JsonNode node, String path, Map<String, String> flat) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                flatten(entry.getValue(), SpecNames.child(path, entry.getKey()), flat);
            }
        } else if (node.isArray()) {
            flat.put(
                    path,
                    StreamSupport.stream(node.spliterator(), false)
                            .map(
                                    element ->
                                            element.isValueNode()
                                                    ? text(element)
                                                    : element.toString())
                            .collect(Collectors.joining(", ", "[", "]")));
        } else {
            flat.put(path, text(node));
        }
    }

    /**
     * Scalar text; floating-point numbers in plain decimal notation ({@code 0.0002}, not {@code
     * 2.0E-4}).
     */
    private static String text(JsonNode node) {
        if (node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())) {
            String plain = new BigDecimal(Double.toString(node.doubleValue())).toPlainString();
            return plain.contains(".")
                    ? plain.replaceAll("0+$", "").replaceAll("\\.$", ".0")
                    : plain;
        }
        return node.asText();
    }
}
