package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, keeping what the tree loses: the line and the original
 * text of every value (so problems can quote {@code 1e-4} as written, not as {@code 1.0E-4}), and
 * duplicate keys (which a plain tree silently overwrites).
 *
 * <p>Anchors, aliases and merge keys are resolved, so the tree holds no trace of them: {@code
 * generator: *adam} is a copy of the map anchored as {@code &adam}, and {@code <<: *adam} adds that
 * map's keys to the map it is in (keys written there win; of {@code <<: [*a, *b]} the earlier map
 * wins). Values brought in by an alias keep the lines where they are written. Against alias bombs,
 * at most 50 aliases may name a map or a list (SnakeYAML's {@code maxAliasesForCollections}) and a
 * document may expand to at most 100,000 values.
 *
 * @param root the first document's root; null for an empty document
 * @param positions line and original text per dotted path
 * @param duplicates dotted paths of keys given twice in one map
 */
public record YamlDocument(
        JsonNode root, Map<String, Position> positions, List<String> duplicates) {

    /**
     * @param line 1-based line of the key or value; 0 when unknown
     * @param text the scalar as written, or null for maps, lists and values not from the file
     */
    public record Position(int line, String text) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * @param yaml the document text
     * @return the tree of the first document, with positions
     * @throws JsonProcessingException on a YAML syntax error, an alias naming no anchor above it or
     *     its own value, a merge key whose value is not a map or list of maps, or aliases expanding
     *     past the limits above; its location has the line
     */
    public static YamlDocument parse(String yaml) throws JsonProcessingException {
        return YamlTreeReader.document(yaml);
    }

    /**
     * Parses a YAML scalar or flow value, as in a {@code @SpecField} default or a {@code --set}
     * value.
     *
     * @param text e.g. {@code 64}, {@code [64, 128]}, {@code {type: adam}}, {@code fail}
     * @return the value; a null node for empty text
     * @throws JsonProcessingException if the text is not valid YAML
     */
    public static JsonNode value(String text) throws JsonProcessingException {
        JsonNode root = parse(text).root();
        return root == null ? NODES.nullNode() : root;
    }
}
