package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.ganforge.config.YamlDocument.Position;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Reads the first document of a YAML text into a Jackson tree with the positions of {@link
 * YamlDocument}, resolving what Jackson's streaming parser passes through as plain text: anchors
 * ({@code &name}), aliases ({@code *name}) and merge keys ({@code <<: *name}).
 *
 * <p>An alias stands for a copy of the value anchored before it; the copied values keep the lines
 * where they are written. A merge key takes a map, or a list of maps, and adds their keys to the
 * map it is in with YAML 1.1 semantics (https://yaml.org/type/merge.html): keys written in the map
 * win, and of a list the earlier maps win. As SnakeYAML's composer does, at most {@link
 * LoaderOptions#getMaxAliasesForCollections()} aliases may name a map or a list; in addition the
 * whole document may expand to at most {@link #MAX_VALUES} values, so that alias bombs ("billion
 * laughs") are refused before they use up memory.
 */
final class YamlTreeReader {

    /** Most values (maps, lists and scalars) a document may hold once aliases are expanded. */
    static final int MAX_VALUES = 100_000;

    private static final String MERGE_KEY = "<<";
    private static final LoaderOptions OPTIONS = new LoaderOptions();
    private static final EventFactory FACTORY = new EventFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EventParser parser;
    private final TreeMap<String, Position> positions = new TreeMap<>();
    private final List<String> duplicates = new ArrayList<>();
    private final Map<String, Anchored> anchors = new HashMap<>();

    /**
     * Anchors whose value is being read: an alias to one of them would make a value contain itself.
     */
    private final Set<String> open = new HashSet<>();

    private int values;
    private int aliases;

    /**
     * An anchored value, its positions keyed by the path suffix below it ({@code ""} for itself,
     * {@code .type}, {@code [0]}), and the number of values it holds.
     */
    private record Anchored(JsonNode node, Map<String, Position> positions, int size) {}

    /** A map a merge key brings in, and the path it was read at. */
    private record MergeSource(String path, ObjectNode map) {}

    private YamlTreeReader(EventParser parser) {
        this.parser = parser;
    }

    /**
     * @see YamlDocument#parse(String)
     */
    static YamlDocument document(String yaml) throws JsonProcessingException {
        try (EventParser parser = (EventParser) FACTORY.createParser(yaml)) {
            YamlTreeReader reader = new YamlTreeReader(parser);
            JsonNode root = parser.nextToken() == null ? null : reader.read("");
            return new YamlDocument(root, reader.positions, reader.duplicates);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
    }

    private JsonNode read(String path) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        if (parser.isCurrentAlias()) {
            return alias(path, line);
        }
        String anchor = parser.anchor();
        int start = values;
        count(1);
        if (anchor != null) {
            open.add(anchor);
        }
        JsonNode node =
                switch (parser.currentToken()) {
                    case START_OBJECT -> map(path, line);
                    case START_ARRAY -> list(path, line);
                    default -> {
                        positions.put(path, new Position(line, parser.getText()));
                        yield scalar();
                    }
                };
        if (anchor != null) {
            open.remove(anchor);
            anchors.put(anchor, new Anchored(node, below(path), values - start));
        }
        return node;
    }

    private ObjectNode map(String path, int line) throws IOException {
        positions.putIfAbsent(path, new Position(line, null));
        ObjectNode map = NODES.objectNode();
        List<MergeSource> merged = new ArrayList<>();
        String mergePath = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            String childPath = SpecNames.child(path, key);
            boolean merge = parser.isMergeKey();
            JsonLocation keyLocation = parser.currentTokenLocation();
            positions.put(childPath, new Position(keyLocation.getLineNr(), null));
            parser.nextToken();
            JsonNode value = read(childPath);
            if (!merge) {
                if (map.replace(key, value) != null) {
                    duplicates.add(childPath);
                }
            } else if (mergePath != null) {
                duplicates.add(childPath);
            } else {
                mergePath = childPath;
                merged = mergeSources(childPath, value, keyLocation);
            }
        }
        if (mergePath != null) {
            merge(map, path, merged, mergePath);
        }
        return map;
    }

    private ArrayNode list(String path, int line) throws IOException {
        positions.putIfAbsent(path, new Position(line, null));
        ArrayNode list = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String childPath = path + "[" + list.size() + "]";
            positions.put(childPath, new Position(parser.currentTokenLocation().getLineNr(), null));
            list.add(read(childPath));
        }
        return list;
    }

    private JsonNode alias(String path, int line) throws IOException {
        String name = parser.getText();
        if (open.contains(name)) {
            throw error(
                    "alias *"
                            + name
                            + " is used inside the value anchored as &"
                            + name
                            + "; a value cannot contain itself");
        }
        Anchored target = anchors.get(name);
        if (target == null) {
            throw error(
                    "alias *" + name + " names no anchor; write &" + name + " on a value above it");
        }
        if (target.node().isContainerNode() && ++aliases > OPTIONS.getMaxAliasesForCollections()) {
            throw error(
                    "more than "
                            + OPTIONS.getMaxAliasesForCollections()
                            + " aliases of maps or lists, the YAML parser's limit against alias"
                            + " bombs");
        }
        count(target.size());
        target.positions()
                .forEach(
                        (suffix, position) -> {
                            if (!suffix.isEmpty()) {
                                positions.put(path + suffix, position);
                            }
                        });
        if (target.node().isContainerNode()) {
            positions.putIfAbsent(path, new Position(line, null));
        } else {
            positions.put(path, new Position(line, target.positions().get("").text()));
        }
        return target.node().deepCopy();
    }

    /** The maps a merge key's value names: one map, or a list of maps. */
    private List<MergeSource> mergeSources(String mergePath, JsonNode value, JsonLocation location)
            throws JsonParseException {
        List<MergeSource> sources = new ArrayList<>();
        if (value instanceof ObjectNode map) {
            sources.add(new MergeSource(mergePath, map));
        } else if (value instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof ObjectNode map)) {
                    sources.clear();
                    break;
                }
                sources.add(new MergeSource(mergePath + "[" + i + "]", map));
            }
        }
        if (sources.isEmpty()) {
            throw new JsonParseException(
                    parser,
                    "the merge key '"
                            + MERGE_KEY
                            + "' at "
                            + mergePath
                            + " takes a map, an alias of a map (<<: *name) or a list of them (<<:"
                            + " [*a, *b])",
                    location);
        }
        return sources;
    }

    /** Adds the merged keys the map does not have, earlier sources first, with their positions. */
    private void merge(ObjectNode map, String path, List<MergeSource> sources, String mergePath) {
        Map<String, Position> adopted = new HashMap<>();
        for (MergeSource source : sources) {
            for (Iterator<Map.Entry<String, JsonNode>> it = source.map().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!map.has(field.getKey())) {
                    map.set(field.getKey(), field.getValue());
                    String from = SpecNames.child(source.path(), field.getKey());
                    String to = SpecNames.child(path, field.getKey());
                    below(from).forEach((suffix, position) -> adopted.put(to + suffix, position));
                }
            }
        }
        // the merge key's own line stays, for the problem of a second merge key in the map
        below(mergePath).keySet().stream()
                .filter(suffix -> !suffix.isEmpty())
                .forEach(suffix -> positions.remove(mergePath + suffix));
        positions.putAll(adopted);
    }

    /**
     * @return the positions at and below a path, keyed by the suffix below it
     */
    private Map<String, Position> below(String path) {
        Map<String, Position> below = new HashMap<>();
        positions
                .subMap(path, true, path + Character.MAX_VALUE, true)
                .forEach(
                        (key, position) -> {
                            String suffix = key.substring(path.length());
                            if (suffix.isEmpty()
                                    || suffix.startsWith(".")
                                    || suffix.startsWith("[")) {
                                below.put(suffix, position);
                            }
                        });
        return below;
    }

    private void count(int added) throws JsonParseException {
        values += added;
        if (values > MAX_VALUES) {
            throw error(
                    "the document expands to more than "
                            + MAX_VALUES
                            + " values through its aliases; refused as a likely alias bomb");
        }
    }

    private JsonParseException error(String message) {
        return new JsonParseException(parser, message, parser.currentTokenLocation());
    }

    private JsonNode scalar() throws IOException {
        JsonToken token = parser.currentToken();
        if (token.isNumeric()) {
            try {
                return token == JsonToken.VALUE_NUMBER_INT
                        ? NODES.numberNode(parser.getBigIntegerValue())
                        : NODES.numberNode(parser.getDoubleValue());
            } catch (JsonProcessingException e) {
                // YAML number forms Jackson cannot convert (.nan, .inf) stay text; the binder
                // refuses them
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

    /** Jackson's YAML factory, making parsers that show the SnakeYAML event behind each token. */
    private static final class EventFactory extends YAMLFactory {

        EventFactory() {
            super(YAMLFactory.builder().loaderOptions(OPTIONS));
        }

        @Override
        protected YAMLParser _createParser(Reader reader, IOContext context) {
            return new EventParser(
                    context,
                    _parserFeatures,
                    _yamlParserFeatures,
                    _loaderOptions,
                    _objectCodec,
                    reader);
        }
    }

    /**
     * Jackson's YAML parser with the anchor and the style of the current token, which it keeps to
     * itself.
     */
    private static final class EventParser extends YAMLParser {

        EventParser(
                IOContext context,
                int parserFeatures,
                int yamlFeatures,
                LoaderOptions options,
                ObjectCodec codec,
                Reader reader) {
            super(context, parserFeatures, yamlFeatures, options, codec, reader);
        }

        /**
         * @return the anchor ({@code &name}) on the current value, or null
         */
        String anchor() {
            Event event = _lastEvent;
            return event instanceof NodeEvent node ? node.getAnchor() : null;
        }

        /**
         * @return whether the current field name is the merge key: {@code <<} unquoted
         */
        boolean isMergeKey() {
            return _lastEvent instanceof ScalarEvent scalar
                    && scalar.isPlain()
                    && MERGE_KEY.equals(scalar.getValue());
        }
    }
}
