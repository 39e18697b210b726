package dev.ganforge.config;

import dev.ganforge.spi.GanPlugin;
import java.util.Objects;

/**
 * One plugin section of an experiment spec: the YAML {@code type:} and the plugin's bound spec
 * record.
 *
 * @param type the plugin name given as {@code type:}
 * @param plugin the plugin of that name
 * @param spec the section's other keys, bound onto {@code plugin.specClass()}
 */
public record PluginSection(String type, GanPlugin<?> plugin, Record spec) {

    /**
     * @throws IllegalArgumentException if the spec record is not the plugin's spec class
     */
    public PluginSection {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(spec, "spec");
        if (!plugin.specClass().isInstance(spec)) {
            throw new IllegalArgumentException(
                    "spec "
                            + spec.getClass().getName()
                            + " is not a "
                            + plugin.specClass().getName());
        }
    }

    /**
     * @param pluginType the expected plugin interface
     * @return the plugin as that interface
     * @throws ClassCastException if the plugin is of another kind
     */
    public <P extends GanPlugin<?>> P plugin(Class<P> pluginType) {
        return pluginType.cast(plugin);
    }
}
