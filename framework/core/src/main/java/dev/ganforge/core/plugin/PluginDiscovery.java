package dev.ganforge.core.plugin;

import dev.ganforge.spi.GanPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds plugins with {@link ServiceLoader}: every {@code
 * META-INF/services/dev.ganforge.spi.GanPlugin} entry.
 */
public final class PluginDiscovery {

    private PluginDiscovery() {}

    /**
     * @param classLoader where to look (the launcher's class loader sees {@code plugins/*.jar})
     * @return the plugins found, in classpath order
     * @throws PluginLoadException if an entry names a class that cannot be loaded or created
     */
    public static List<GanPlugin<?>> discover(ClassLoader classLoader) {
        List<GanPlugin<?>> found = new ArrayList<>();
        try {
            for (GanPlugin<?> plugin : ServiceLoader.load(GanPlugin.class, classLoader)) {
                found.add(plugin);
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginLoadException("a plugin could not be loaded: " + e.getMessage(), e);
        }
        return found;
    }
}
