package dev.ganforge.config;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import java.util.List;

/**
 * The plugins that a {@code type:} key may name, as the binder sees them. The core's plugin
 * registry implements it; a test can pass a small map-backed lookup.
 */
public interface PluginLookup {

    /** A lookup with no plugins, for records that select none (e.g. a sweep block). */
    PluginLookup NONE =
            new PluginLookup() {
                @Override
                public List<String> names(PluginKind kind) {
                    return List.of();
                }

                @Override
                public boolean contains(PluginKind kind, String name) {
                    return false;
                }

                @Override
                public GanPlugin<?> get(PluginKind kind, String name) {
                    throw new IllegalArgumentException(
                            "no " + kind.label() + " plugin '" + name + "'");
                }
            };

    /**
     * @param kind the plugin kind
     * @return the names of the plugins of that kind, sorted; empty if none
     */
    public List<String> names(PluginKind kind);

    /**
     * @param kind the plugin kind
     * @param name the YAML {@code type:} value
     * @return whether a plugin of that kind has that name
     */
    public boolean contains(PluginKind kind, String name);

    /**
     * @param kind the plugin kind
     * @param name the YAML {@code type:} value, one that {@link #contains} accepts
     * @return the plugin
     * @throws IllegalArgumentException (or a subclass) if no plugin of that kind has that name
     */
    public GanPlugin<?> get(PluginKind kind, String name);
}
