package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ganforge.config.SpecKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecWriterTest {

    private final SpecLoader loader = new SpecLoader(ToyPlugins.registry());

    @Test
    void resolvedYamlRoundTripsToAnEqualSpec() {
        for (String yaml : List.of(SpecLoaderTest.FULL, SpecLoaderTest.MINIMAL)) {
            ExperimentSpec spec = loader.parse(yaml, "in.yaml", List.of());

            String written = loader.toYaml(spec);

            assertThat(loader.parse(written, "resolved.yaml", List.of())).isEqualTo(spec);
        }
    }

    @Test
    void resolvedYamlIsSnakeCaseWithTypeFirstAndEveryDefault() {
        String written =
                loader.toYaml(loader.parse(SpecLoaderTest.MINIMAL, "tiny.yaml", List.of()));

        assertThat(written)
                .startsWith(
                        "experiment: tiny\n"
                                + "seed: 42\n"
                                + "dataset:\n"
                                + "  type: fashion-mnist\n"
                                + "  split: train\n"
                                + "  resize: center-crop\n"
                                + "model:\n"
                                + "  type: cgan\n"
                                + "  latent_dim: 100\n");
        assertThat(written)
                .contains("  batch_size: 64\n", "  steps: 10\n", "  gc_every: 10\n")
                .doesNotContain("epochs", "label_smoothing");
    }

    @Test
    void stringsThatLookLikeOtherScalarsRoundTrip() {
        ExperimentSpec spec =
                loader.parse(
                        SpecLoaderTest.MINIMAL
                                .replace(
                                        "{type: fashion-mnist}",
                                        "{type: fashion-mnist, split: 1e-4}")
                                .replace("experiment: tiny", "experiment: '2024'"),
                        "x.yaml",
                        List.of());

        ExperimentSpec again = loader.parse(loader.toYaml(spec), "resolved.yaml", List.of());

        assertThat(again).isEqualTo(spec);
        assertThat(again.experiment()).isEqualTo("2024");
    }

    @Test
    void flattenGivesDottedKeysInFileOrder() {
        Map<String, String> flat =
                loader.flatten(loader.parse(SpecLoaderTest.FULL, "full.yaml", List.of()));

        assertThat(flat)
                .containsEntry("experiment", "cgan_fashion_mnist")
                .containsEntry("seed", "7")
                .containsEntry("model.type", "cgan")
                .containsEntry("model.layers", "[32, 64, 128]")
                .containsEntry("optimizers.generator.type", "adam")
                .containsEntry("optimizers.discriminator.learning_rate", "0.001")
                .containsEntry("training.batch_size", "32")
                .containsEntry("dataset.resize", "stretch")
                .doesNotContainKeys("training.epochs", "model.label_smoothing");
        assertThat(flat.keySet()).startsWith("experiment", "seed", "dataset.type", "dataset.split");
        assertThat(flat).contains(entry("sampler.scale", "2.0"));
    }

    @Test
    void describeListsKeysWithDocDefaultAndRange() {
        List<SpecKey> keys = SpecLoader.describe(ToyPlugins.ToyModelSpec.class);

        assertThat(keys)
                .extracting(SpecKey::key)
                .containsExactly(
                        "latent_dim", "layers", "kernel_size", "dropout", "label_smoothing");
        assertThat(keys.get(1))
                .isEqualTo(
                        new SpecKey(
                                "layers",
                                "list of integer",
                                "channels per layer",
                                "[64, 128]",
                                1.0,
                                1024.0,
                                false));
        assertThat(keys.get(4).required()).isFalse();
        assertThat(keys.get(4).defaultValue()).isNull();
    }

    @Test
    void describeOfTheExperimentNamesPluginSectionsAndNestedKeys() {
        List<SpecKey> keys = SpecLoader.describe(ExperimentSpec.class);

        assertThat(keys)
                .extracting(SpecKey::key)
                .contains(
                        "experiment",
                        "dataset",
                        "optimizers",
                        "optimizers.generator",
                        "training.batch_size");
        assertThat(keys)
                .filteredOn(key -> key.key().equals("model"))
                .singleElement()
                .satisfies(key -> assertThat(key.type()).isEqualTo("model plugin section"));
        assertThat(keys)
                .filteredOn(key -> key.key().equals("experiment"))
                .singleElement()
                .satisfies(key -> assertThat(key.required()).isTrue());
    }
}
