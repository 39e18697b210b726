package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.ganforge.cli.Main;
import dev.ganforge.core.assembly.CoreModule;
import dev.ganforge.core.plugin.PluginLoadException;
import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.tracking.RunTracker;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainerFactory;
import dev.ganforge.core.train.TrainingEngineProvider;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.tracking.mlflow.MlflowRunTracker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CPU distribution as the CLI assembles it: one Injector over everything ServiceLoader finds.
 */
class ApplicationAssemblyTest {

    private final Injector injector = Main.application(getClass().getClassLoader());

    @Test
    void bindsThePluginsEnginesAndTrackersOfTheDistribution() {
        PluginRegistry registry = injector.getInstance(PluginRegistry.class);
        assertThat(registry.names(PluginKind.MODEL))
                .containsExactly("cgan", "cgan-projection", "gan");
        assertThat(registry.names(PluginKind.DATASET))
                .contains("fashion-mnist", "idx", "image-folder", "random");
        assertThat(injector.getInstance(TrainingEngines.class).names())
                .containsExactly("dl4j", "onednn");
        Map<String, RunTracker> trackers =
                injector.getInstance(Key.get(new TypeLiteral<Map<String, RunTracker>>() {}));
        assertThat(trackers).containsOnlyKeys("mlflow");
        assertThat(trackers.get("mlflow")).isInstanceOf(MlflowRunTracker.class);
    }

    @Test
    void sharesOneSpecLoaderAndOneTrainerFactoryEngineSet() {
        assertThat(injector.getInstance(SpecLoader.class))
                .isSameAs(injector.getInstance(SpecLoader.class));
        assertThat(injector.getInstance(TrainerFactory.class).engines())
                .isSameAs(injector.getInstance(TrainingEngines.class));
    }

    @Test
    void twoEnginesWithOneNameAreRefusedNamingBothClasses() {
        assertThatThrownBy(
                        () -> new CoreModule(List.of(), List.of(new Twin(), new Twin()), List.of()))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("two training engines are named 'twin'")
                .hasMessageContaining(Twin.class.getName());
    }

    /** An engine that only has a name (this test never asks it for a step). */
    private static final class Twin implements TrainingEngineProvider {
        @Override
        public String name() {
            return "twin";
        }

        @Override
        public List<String> problems(StepSetup setup) {
            return List.of("a test double");
        }

        @Override
        public TrainingStep create(StepSetup setup) {
            throw new UnsupportedOperationException("a test double");
        }
    }
}
