package dev.ganforge.core.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.ganforge.core.eval.EvaluationMonitors;
import dev.ganforge.core.plugin.PluginDiscovery;
import dev.ganforge.core.plugin.PluginLoadException;
import dev.ganforge.core.plugin.PluginModule;
import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.tracking.RunTracker;
import dev.ganforge.core.train.Dl4jEngine;
import dev.ganforge.core.train.TrainingEngineProvider;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingMonitor;
import dev.ganforge.spi.GanPlugin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The core's part of the application: the plugins (through {@link PluginModule}), the training
 * engines and the run trackers keyed by name ({@link MapBinder}), the spec loader, the evaluation
 * that watches training, and the {@link dev.ganforge.core.train.TrainerFactory}. Does no I/O and
 * holds no conditionals: what was found on the class path is passed in, see {@link #discover}.
 */
public final class CoreModule extends AbstractModule {

    private final List<GanPlugin<?>> plugins;
    private final Map<String, TrainingEngineProvider> engines;
    private final Map<String, RunTracker> trackers;

    /**
     * @param plugins the plugins to bind
     * @param engines the training engines besides DL4J's (which is always bound)
     * @param trackers the run trackers (e.g. MLflow)
     * @throws PluginLoadException on a duplicate or malformed plugin name, or two engines or
     *     trackers with one name
     */
    public CoreModule(
            List<GanPlugin<?>> plugins,
            List<TrainingEngineProvider> engines,
            List<RunTracker> trackers) {
        this.plugins = List.copyOf(plugins);
        List<TrainingEngineProvider> all = new ArrayList<>(List.of(new Dl4jEngine()));
        all.addAll(engines);
        this.engines = byName(all, TrainingEngineProvider::name, "training engines");
        this.trackers = byName(trackers, RunTracker::name, "run trackers");
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name, String what) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T item : items) {
            T previous = byName.put(name.apply(item), item);
            if (previous != null) {
                throw new PluginLoadException(
                        "two "
                                + what
                                + " are named '"
                                + name.apply(item)
                                + "': "
                                + previous.getClass().getName()
                                + " and "
                                + item.getClass().getName()
                                + "; remove one jar from the classpath");
            }
        }
        return byName;
    }

    /**
     * Finds the plugins ({@code META-INF/services/dev.ganforge.spi.GanPlugin}), the training
     * engines ({@code …/dev.ganforge.core.train.TrainingEngineProvider}) and the run trackers
     * ({@code …/dev.ganforge.core.tracking.RunTracker}) on a class loader.
     *
     * @param classLoader where to look
     * @return the module binding what was found
     * @throws PluginLoadException if an entry cannot be loaded or names clash
     */
    public static CoreModule discover(ClassLoader classLoader) {
        return new CoreModule(
                PluginDiscovery.discover(classLoader),
                load(TrainingEngineProvider.class, classLoader, "training engine"),
                load(RunTracker.class, classLoader, "run tracker"));
    }

    private static <T> List<T> load(Class<T> type, ClassLoader classLoader, String what) {
        List<T> found = new ArrayList<>();
        try {
            ServiceLoader.load(type, classLoader).forEach(found::add);
        } catch (ServiceConfigurationError e) {
            throw new PluginLoadException("cannot load a " + what + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    protected void configure() {
        install(new PluginModule(plugins));
        MapBinder<String, TrainingEngineProvider> engineBinder =
                MapBinder.newMapBinder(binder(), String.class, TrainingEngineProvider.class);
        engines.forEach((name, engine) -> engineBinder.addBinding(name).toInstance(engine));
        MapBinder<String, RunTracker> trackerBinder =
                MapBinder.newMapBinder(binder(), String.class, RunTracker.class);
        trackers.forEach((name, tracker) -> trackerBinder.addBinding(name).toInstance(tracker));
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
