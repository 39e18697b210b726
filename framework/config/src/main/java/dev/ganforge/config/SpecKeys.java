package dev.ganforge.config;

import dev.ganforge.spi.SpecField;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/** Lists the keys of a spec record with their documentation, default and range. */
public final class SpecKeys {

    private SpecKeys() {}

    /**
     * @return the record's keys in component order; nested records' keys follow, dotted
     */
    public static List<SpecKey> describe(Class<? extends Record> type) {
        List<SpecKey> keys = new ArrayList<>();
        describe(type, "", keys);
        return List.copyOf(keys);
    }

    private static void describe(Class<?> type, String prefix, List<SpecKey> keys) {
        for (RecordComponent component : type.getRecordComponents()) {
            String key = SpecNames.child(prefix, SpecNames.snakeCase(component.getName()));
            SpecField field = component.getAnnotation(SpecField.class);
            boolean hasDefault =
                    field != null && !SpecField.NO_DEFAULT.equals(field.defaultValue());
            String typeName =
                    typeName(
                            component.getGenericType(),
                            component.getAnnotation(SelectsPlugin.class));
            keys.add(
                    new SpecKey(
                            key,
                            typeName,
                            field == null ? "" : field.doc(),
                            hasDefault ? field.defaultValue() : null,
                            field == null || field.min() == Double.NEGATIVE_INFINITY
                                    ? null
                                    : field.min(),
                            field == null || field.max() == Double.POSITIVE_INFINITY
                                    ? null
                                    : field.max(),
                            !hasDefault && (field == null || !field.optional())));
            Class<?> raw = RecordBinder.rawClass(component.getGenericType());
            if (raw.isRecord() && raw != PluginSection.class) {
                describe(raw, key, keys);
            }
        }
    }

    private static String typeName(Type type, SelectsPlugin selects) {
        Class<?> raw = RecordBinder.rawClass(type);
        if (raw == PluginSection.class) {
            return (selects == null ? "plugin" : selects.value().label() + " plugin") + " section";
        } else if (raw == List.class) {
            return "list of "
                    + typeName(((ParameterizedType) type).getActualTypeArguments()[0], selects);
        } else if (raw.isRecord()) {
            return "map";
        }
        return ScalarBinder.describe(raw).replaceFirst("^an? ", "");
    }
}
