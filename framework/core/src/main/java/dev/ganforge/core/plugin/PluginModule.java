package dev.ganforge.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Names;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns discovered plugins into name-keyed Guice bindings, one {@link MapBinder} per kind, and
 * provides the {@link PluginRegistry}. Does no I/O: the plugin list is discovered beforehand.
 * Duplicate names fail in {@link #PluginModule(List)} with a message naming both classes, before
 * Guice reports its own, less readable, duplicate-key error.
 */
public final class PluginModule extends AbstractModule {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final List<GanPlugin<?>> plugins;

    /**
     * @param plugins the discovered plugins
     * @throws PluginLoadException on a duplicate name within a kind, or a name that is not
     *     lowercase letters, digits and dashes
     */
    public PluginModule(List<GanPlugin<?>> plugins) {
        Map<String, GanPlugin<?>> seen = new HashMap<>();
        for (GanPlugin<?> plugin : plugins) {
            if (plugin.name() == null || !NAME.matcher(plugin.name()).matches()) {
                throw new PluginLoadException(
                        "plugin "
                                + plugin.getClass().getName()
                                + " has name '"
                                + plugin.name()
                                + "'; expected lowercase letters, digits and dashes, starting with"
                                + " a letter");
            }
            GanPlugin<?> previous = seen.put(plugin.kind() + "/" + plugin.name(), plugin);
            if (previous != null) {
                throw new PluginLoadException(
                        "two "
                                + plugin.kind().label()
                                + " plugins are named '"
                                + plugin.name()
                                + "': "
                                + previous.getClass().getName()
                                + " and "
                                + plugin.getClass().getName()
                                + "; remove one jar from the classpath");
            }
        }
        this.plugins = List.copyOf(plugins);
    }

    @Override
    protected void configure() {
        for (PluginKind kind : PluginKind.values()) {
            MapBinder<String, GanPlugin<?>> binder = binderFor(kind);
            for (GanPlugin<?> plugin : plugins) {
                if (plugin.kind() == kind) {
                    binder.addBinding(plugin.name()).toInstance(plugin);
                }
            }
        }
    }

    private MapBinder<String, GanPlugin<?>> binderFor(PluginKind kind) {
        return MapBinder.newMapBinder(
                binder(),
                new TypeLiteral<String>() {},
                new TypeLiteral<GanPlugin<?>>() {},
                Names.named("plugins." + kind.label()));
    }

    @Provides
    @Singleton
    PluginRegistry registry(Injector injector) {
        Map<PluginKind, Map<String, GanPlugin<?>>> byKind = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            byKind.put(
                    kind,
                    injector.getInstance(
                            Key.get(
                                    new TypeLiteral<Map<String, GanPlugin<?>>>() {},
                                    Names.named("plugins." + kind.label()))));
        }
        return new PluginRegistry(byKind);
    }
}
