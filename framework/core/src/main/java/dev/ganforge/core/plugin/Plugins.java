package dev.ganforge.core.plugin;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.ganforge.spi.GanPlugin;
import java.util.List;

/**
 * A plugin registry without the rest of the application, for tests and for code that embeds
 * ganforge's spec loader. The application itself is assembled by {@code
 * dev.ganforge.core.assembly.CoreModule} in the CLI's one Injector.
 */
public final class Plugins {

    private Plugins() {}

    /**
     * Discovers plugins on the given class loader and builds the registry through Guice.
     *
     * @param classLoader where to look for {@code META-INF/services/dev.ganforge.spi.GanPlugin}
     * @return the registry of every plugin found
     * @throws PluginLoadException on a duplicate or malformed plugin name, or an unloadable entry
     */
    public static PluginRegistry load(ClassLoader classLoader) {
        return fromList(PluginDiscovery.discover(classLoader));
    }

    /**
     * Builds the registry from an explicit plugin list (tests create plugins with {@code new}).
     *
     * @throws PluginLoadException on a duplicate or malformed plugin name
     */
    public static PluginRegistry fromList(List<GanPlugin<?>> plugins) {
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new PluginModule(plugins));
        return injector.getInstance(PluginRegistry.class);
    }
}
