package dev.ganforge.core.plugin;

import dev.ganforge.config.PluginLookup;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every plugin the core knows, keyed by kind and name. Built once at start-up by {@link
 * PluginModule} from the plugins {@link java.util.ServiceLoader} found; immutable afterwards.
 */
public final class PluginRegistry implements PluginLookup {

    private final Map<PluginKind, Map<String, GanPlugin<?>>> byKind;

    /**
     * @param byKind plugins per kind, keyed by {@link GanPlugin#name()}; copied
     */
    public PluginRegistry(Map<PluginKind, Map<String, GanPlugin<?>>> byKind) {
        EnumMap<PluginKind, Map<String, GanPlugin<?>>> copy = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            copy.put(
                    kind,
                    Collections.unmodifiableMap(
                            new TreeMap<>(byKind.getOrDefault(kind, Map.of()))));
        }
        this.byKind = Collections.unmodifiableMap(copy);
    }

    /**
     * @param kind the plugin kind
     * @param name the YAML {@code type:} value
     * @return the plugin
     * @throws UnknownPluginException if no plugin of that kind has that name; the message lists the
     *     known names
     */
    @Override
    public GanPlugin<?> get(PluginKind kind, String name) {
        GanPlugin<?> plugin = byKind.get(kind).get(name);
        if (plugin == null) {
            throw new UnknownPluginException(kind, name, names(kind));
        }
        return plugin;
    }

    /**
     * Like {@link #get} but checked against the expected plugin interface.
     *
     * @param type the plugin interface, e.g. {@code ModelPlugin.class}
     * @throws UnknownPluginException if no plugin of that kind has that name
     */
    public <P extends GanPlugin<?>> P get(PluginKind kind, String name, Class<P> type) {
        return type.cast(get(kind, name));
    }

    /**
     * @return whether a plugin of that kind and name exists
     */
    @Override
    public boolean contains(PluginKind kind, String name) {
        return byKind.get(kind).containsKey(name);
    }

    /**
     * @return the names of the plugins of one kind, sorted
     */
    @Override
    public List<String> names(PluginKind kind) {
        return List.copyOf(byKind.get(kind).keySet());
    }

    /**
     * @return every plugin, grouped by kind, each group sorted by name
     */
    public Map<PluginKind, Map<String, GanPlugin<?>>> all() {
        return byKind;
    }
}
