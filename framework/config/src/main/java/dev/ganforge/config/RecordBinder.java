package dev.ganforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.spi.SpecField;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a YAML tree onto a record by reflection over its components, strictly: YAML keys are the
 * component names in snake_case; unknown keys, wrong types, out-of-range values, missing required
 * keys, unknown plugin names and rules broken in a compact constructor are all recorded as
 * problems, and binding carries on so every problem in a file is found in one pass.
 *
 * <p>Supported component types: the scalars of {@link ScalarBinder}, {@code List<E>} of any
 * supported type, nested records, and {@link PluginSection} (its component, or the component
 * holding a {@code List<PluginSection>}, must carry {@link SelectsPlugin}; the {@code type:} key
 * picks the plugin and the other keys bind onto the plugin's spec record). An absent or null key
 * takes its {@link SpecField#defaultValue()}, bound exactly as if written in the file; without a
 * default it is null when {@link SpecField#optional()}, else a problem.
 *
 * <p>Top-level keys starting with {@value #EXTENSION_PREFIX} (as in Docker Compose) are ignored,
 * not unknown: they give blocks that only hold YAML anchors a home, e.g. {@code x-adam: &adam
 * {type: adam, learning_rate: 0.0002}} and then {@code generator: *adam}.
 */
public final class RecordBinder {

    /** Prefix of the top-level keys the binder ignores. */
    public static final String EXTENSION_PREFIX = "x-";

    /** Marks a value that could not be bound; its problem is already recorded. */
    static final Object FAILED = new Object();

    private final PluginLookup registry;

    /**
     * @param registry the plugins that {@code type:} keys may name
     */
    public RecordBinder(PluginLookup registry) {
        this.registry = registry;
    }

    /**
     * Binds a standalone tree onto a record.
     *
     * @param type the record class
     * @param node the YAML tree of the record (a map)
     * @param sourceName the name problems give as their file
     * @return the bound record
     * @throws SpecException listing every problem found
     * @throws IllegalStateException if the record has a component type the binder does not support
     */
    public <R extends Record> R bind(Class<R> type, JsonNode node, String sourceName) {
        Problems problems = new Problems(sourceName, Map.of());
        Object bound = bindRecord(type, node, "", Set.of(), problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems.list());
        }
        return type.cast(bound);
    }

    /**
     * @return the bound record, or {@link #FAILED} after recording its problems
     */
    public Object bindRecord(
            Class<?> type, JsonNode node, String path, Set<String> alsoKnown, Problems problems) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys =
                Arrays.stream(components).map(c -> SpecNames.snakeCase(c.getName())).toList();
        if (!(node instanceof ObjectNode map)) {
            problems.add(path, node, "expected a map with keys: " + String.join(", ", keys));
            return FAILED;
        }
        reportUnknownKeys(map, keys, alsoKnown, path, problems);
        Object[] values = new Object[components.length];
        boolean complete = true;
        for (int i = 0; i < components.length; i++) {
            String childPath = SpecNames.child(path, keys.get(i));
            values[i] = bindComponent(components[i], map.get(keys.get(i)), childPath, problems);
            complete &= values[i] != FAILED;
        }
        return complete ? construct(type, components, values, path, problems) : FAILED;
    }

    private void reportUnknownKeys(
            ObjectNode map,
            List<String> keys,
            Set<String> alsoKnown,
            String path,
            Problems problems) {
        List<String> known = new ArrayList<>(alsoKnown);
        known.addAll(keys);
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            boolean extension = path.isEmpty() && entry.getKey().startsWith(EXTENSION_PREFIX);
            if (!known.contains(entry.getKey()) && !extension) {
                problems.add(
                        SpecNames.child(path, entry.getKey()),
                        entry.getValue(),
                        "unknown key"
                                + SpecNames.didYouMean(entry.getKey(), known)
                                + "; known keys: "
                                + String.join(", ", known));
            }
        }
    }

    private Object bindComponent(
            RecordComponent component, JsonNode node, String path, Problems problems) {
        SpecField field = component.getAnnotation(SpecField.class);
        if (node == null || node.isNull()) {
            if (field != null && !SpecField.NO_DEFAULT.equals(field.defaultValue())) {
                problems.forget(path);
                try {
                    node = YamlDocument.value(field.defaultValue());
                } catch (JsonProcessingException e) {
                    problems.addText(
                            path,
                            field.defaultValue(),
                            "the spec record's default is not valid YAML");
                    return FAILED;
                }
            } else if (field != null && field.optional() && !component.getType().isPrimitive()) {
                return null;
            } else {
                problems.addWithoutValue(path, "required key is missing");
                return FAILED;
            }
        }
        SelectsPlugin selects = component.getAnnotation(SelectsPlugin.class);
        if (selects != null) {
            node = withDefaultType(node, field);
        }
        return bindValue(component.getGenericType(), node, path, field, selects, problems);
    }

    /**
     * A plugin section given without {@code type:} takes the type of its default, so {@code --set
     * optimizers.generator.learning_rate=1e-4} tunes the default optimizer.
     */
    private static JsonNode withDefaultType(JsonNode node, SpecField field) {
        if (!(node instanceof ObjectNode map)
                || map.has("type")
                || field == null
                || SpecField.NO_DEFAULT.equals(field.defaultValue())) {
            return node;
        }
        try {
            JsonNode defaults = YamlDocument.value(field.defaultValue());
            if (defaults != null && defaults.hasNonNull("type")) {
                ObjectNode copy = map.deepCopy();
                copy.set("type", defaults.get("type"));
                return copy;
            }
        } catch (JsonProcessingException e) {
            // an invalid default is reported when it is used as a default
        }
        return node;
    }

    private Object bindValue(
            Type type,
            JsonNode node,
            String path,
            SpecField field,
            SelectsPlugin selects,
            Problems problems) {
        Class<?> raw = rawClass(type);
        if (raw == PluginSection.class) {
            if (selects == null) {
                throw new IllegalStateException(
                        "PluginSection at '" + path + "' lacks @SelectsPlugin");
            }
            return bindSection(selects.value(), node, path, problems);
        } else if (raw.isRecord()) {
            return bindRecord(raw, node, path, Set.of(), problems);
        } else if (raw == List.class) {
            return bindList(
                    ((ParameterizedType) type).getActualTypeArguments()[0],
                    node,
                    path,
                    field,
                    selects,
                    problems);
        } else if (ScalarBinder.supports(raw)) {
            return ScalarBinder.bind(raw, node, path, field, problems);
        }
        throw new IllegalStateException(
                "spec key '" + path + "' has unsupported type " + type.getTypeName());
    }

    /**
     * {@code selects} applies to each element, so a {@code List<PluginSection>} is a list of plugin
     * sections.
     */
    private Object bindList(
            Type elementType,
            JsonNode node,
            String path,
            SpecField field,
            SelectsPlugin selects,
            Problems problems) {
        if (!node.isArray()) {
            problems.add(path, node, "expected a list, e.g. [1, 2]");
            return FAILED;
        }
        List<Object> values = new ArrayList<>();
        boolean complete = true;
        for (int i = 0; i < node.size(); i++) {
            Object value =
                    bindValue(
                            elementType,
                            node.get(i),
                            path + "[" + i + "]",
                            field,
                            selects,
                            problems);
            complete &= value != FAILED;
            values.add(value);
        }
        return complete ? List.copyOf(values) : FAILED;
    }

    /**
     * Binds one plugin section on its own, keeping its problems to itself (they are reported by the
     * full binding).
     *
     * @return the section, or null if it does not bind
     */
    public PluginSection sectionOrNull(PluginKind kind, JsonNode node, String path) {
        Object section =
                node == null ? FAILED : bindSection(kind, node, path, new Problems("", Map.of()));
        return section == FAILED ? null : (PluginSection) section;
    }

    private Object bindSection(PluginKind kind, JsonNode node, String path, Problems problems) {
        List<String> names = registry.names(kind);
        String known =
                "known "
                        + kind.label()
                        + " plugins: "
                        + (names.isEmpty() ? "(none)" : String.join(", ", names));
        if (!(node instanceof ObjectNode map)) {
            problems.add(path, node, "expected a map with a 'type' key; " + known);
            return FAILED;
        }
        String typePath = SpecNames.child(path, "type");
        JsonNode typeNode = map.get("type");
        if (typeNode == null || typeNode.isNull()) {
            problems.addWithoutValue(typePath, "required key is missing; " + known);
            return FAILED;
        }
        String name = typeNode.isValueNode() ? typeNode.asText() : null;
        if (name == null || !registry.contains(kind, name)) {
            String hint = name == null ? "" : SpecNames.didYouMean(name, names);
            problems.add(
                    typePath,
                    typeNode,
                    "unknown " + kind.label() + " plugin" + hint + "; " + known);
            return FAILED;
        }
        GanPlugin<?> plugin = registry.get(kind, name);
        Object spec = bindRecord(plugin.specClass(), map, path, Set.of("type"), problems);
        return spec == FAILED ? FAILED : new PluginSection(name, plugin, (Record) spec);
    }

    private static Object construct(
            Class<?> type,
            RecordComponent[] components,
            Object[] values,
            String path,
            Problems problems) {
        Class<?>[] parameterTypes =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true); // plugin spec records need not be public
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException
                    || cause instanceof NullPointerException) {
                problems.addWithoutValue(path, String.valueOf(cause.getMessage()));
                return FAILED;
            }
            throw new IllegalStateException("constructing " + type.getName() + " failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    public static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported spec type " + type.getTypeName());
    }
}
