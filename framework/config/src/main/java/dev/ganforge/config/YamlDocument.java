package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, keeping what the tree loses: the line and the original
 * text of every value (so problems can quote {@code 1e-4} as written, not as {@code 1.0E-4}), and
 * duplicate keys (which a plain tree silently overwrites).
 *
 * @param root the first document's root; null for an empty document
 * @param positions line and original text per dotted path
 * @param duplicates dotted paths of keys given twice in one map
 */
public record YamlDocument(JsonNode root, Map<String, Position> positions, List<String> duplicates) {

    /**
     * @param line 1-based line of the key or value; 0 when unknown
     * @param text the scalar as written, or null for maps, lists and values not from the file
     */
    public record Position(int line, String text) {}

    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * @param yaml the document text
     * @return the tree of the first document, with positions
     * @throws JsonProcessingException on a YAML syntax error; its location has the line
     */
    public static YamlDocument parse(String yaml) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            Map<String, Position> positions = new HashMap<>();
            List<String> duplicates = new ArrayList<>();
            JsonNode root = parser.nextToken() == null ? null : read(parser, "", positions, duplicates);
            return new YamlDocument(root, positions, duplicates);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
    }

    /**
     * Parses a YAML scalar or flow value, as in a {@code @SpecField} default or a {@code --set} value.
     *
     * @param text e.g. {@code 64}, {@code [64, 128]}, {@code {type: adam}}, {@code fail}
     * @return the value; a null node for empty text
     * @throws JsonProcessingException if the text is not valid YAML
     */
    public static JsonNode value(String text) throws JsonProcessingException {
        JsonNode root = parse(text).root();
        return root == null ? NODES.nullNode() : root;
    }

    private static JsonNode read(JsonParser parser, String path, Map<String, Position> positions,
            List<String> duplicates) throws IOException {
        JsonToken token = parser.currentToken();
        int line = parser.currentTokenLocation().getLineNr();
        switch (token) {
            case START_OBJECT -> {
                positions.putIfAbsent(path, new Position(line, null));
                ObjectNode map = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String childPath = SpecNames.child(path, key);
                    positions.put(childPath, new Position(parser.currentTokenLocation().getLineNr(), null));
                    parser.nextToken();
                    JsonNode value = read(parser, childPath, positions, duplicates);
                    if (map.replace(key, value) != null) {
                        duplicates.add(childPath);
                    }
                }
                return map;
            }
            case START_ARRAY -> {
                positions.putIfAbsent(path, new Position(line, null));
                ArrayNode list = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    String childPath = path + "[" + list.size() + "]";
                    positions.put(childPath, new Position(parser.currentTokenLocation().getLineNr(), null));
                    list.add(read(parser, childPath, positions, duplicates));
                }
                return list;
            }
            default -> {
                positions.put(path, new Position(line, parser.getText()));
                return scalar(parser, token);
            }
        }
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        if (token.isNumeric()) {
            try {
                return token == JsonToken.VALUE_NUMBER_INT ? NODES.numberNode(parser.getBigIntegerValue())
                        : NODES.numberNode(parser.getDoubleValue());
            } catch (JsonProcessingException e) {
                // YAML number forms Jackson cannot convert (.nan, .inf) stay text; the binder refuses them
                return NODES.textNode(parser.getText());
            }
        }
        return switch (token) {
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> NODES.textNode(parser.getText());
        };
    }
}
