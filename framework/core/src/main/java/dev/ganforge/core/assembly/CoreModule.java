package dev.ganforge.core.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.ganforge.core.eval.EvaluationMonitors;
import dev.ganforge.core.plugin.PluginDiscovery;
import dev.ganforge.core.plugin.PluginModule;
import dev.ganforge.core.plugin.PluginLoadException;
import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.Dl4jEngine;
import dev.ganforge.core.train.TrainingEngineProvider;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingMonitor;
import dev.ganforge.spi.GanPlugin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.ServiceConfigurationError;

/**
 * The core's part of the application: the plugins (through {@link PluginModule}), the training engines
 * keyed by name ({@link MapBinder}), the spec loader, the evaluation that watches training, and the
 * {@link dev.ganforge.core.train.TrainerFactory}. Does no I/O and holds no conditionals: what was found
 * on the class path is passed in, see {@link #discover}.
 */
public final class CoreModule extends AbstractModule {

    private final List<GanPlugin<?>> plugins;
    private final List<TrainingEngineProvider> engines;

    /**
     * @param plugins the plugins to bind
     * @param engines the training engines besides DL4J's (which is always bound)
     * @throws PluginLoadException on a duplicate or malformed plugin name, or two engines with one name
     */
    public CoreModule(List<GanPlugin<?>> plugins, List<TrainingEngineProvider> engines) {
        this.plugins = List.copyOf(plugins);
        List<TrainingEngineProvider> all = new ArrayList<>(List.of(new Dl4jEngine()));
        all.addAll(engines);
        Map<String, TrainingEngineProvider> seen = new HashMap<>();
        for (TrainingEngineProvider engine : all) {
            TrainingEngineProvider previous = seen.put(engine.name(), engine);
            if (previous != null) {
                throw new PluginLoadException("two training engines are named '" + engine.name() + "': "
                        + previous.getClass().getName() + " and " + engine.getClass().getName()
                        + "; remove one jar from the classpath");
            }
        }
        this.engines = List.copyOf(all);
    }

    /**
     * Finds the plugins ({@code META-INF/services/dev.ganforge.spi.GanPlugin}) and the training engines
     * ({@code META-INF/services/dev.ganforge.core.train.TrainingEngineProvider}) on a class loader.
     *
     * @param classLoader where to look
     * @return the module binding what was found
     * @throws PluginLoadException if an entry cannot be loaded or names clash
     */
    public static CoreModule discover(ClassLoader classLoader) {
        List<TrainingEngineProvider> engines = new ArrayList<>();
        try {
            ServiceLoader.load(TrainingEngineProvider.class, classLoader).forEach(engines::add);
        } catch (ServiceConfigurationError e) {
            throw new PluginLoadException("cannot load a training engine: " + e.getMessage(), e);
        }
        return new CoreModule(PluginDiscovery.discover(classLoader), engines);
    }

    @Override
    protected void configure() {
        install(new PluginModule(plugins));
        MapBinder<String, TrainingEngineProvider> engineBinder =
                MapBinder.newMapBinder(binder(), String.class, TrainingEngineProvider.class);
        for (TrainingEngineProvider engine : engines) {
            engineBinder.addBinding(engine.name()).toInstance(engine);
        }
        bind(TrainingMonitor.Factory.class).to(EvaluationMonitors.class);
    }

    @Provides
    @Singleton
    SpecLoader specLoader(PluginRegistry registry) {
        return new SpecLoader(registry);
    }

    @Provides
    @Singleton
    TrainingEngines trainingEngines(Map<String, TrainingEngineProvider> engines) {
        return new TrainingEngines(engines);
    }
}
