package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.core.spec.ToyPlugins.Resize;
import dev.ganforge.core.spec.ToyPlugins.ToyAdamSpec;
import dev.ganforge.core.spec.ToyPlugins.ToyDatasetSpec;
import dev.ganforge.core.spec.ToyPlugins.ToyModelSpec;
import dev.ganforge.core.spec.ToyPlugins.ToyUniformSpec;
import dev.ganforge.spi.ModelPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    static final String FULL =
            """
            experiment: cgan_fashion_mnist
            seed: 7
            dataset:
              type: fashion-mnist
              split: test
              resize: stretch
            model:
              type: cgan
              latent_dim: 64
              layers: [32, 64, 128]
              kernel_size: 3
            optimizers:
              generator: {type: adam, learning_rate: 0.0001, beta1: 0.5}
              discriminator: {type: sgd, learning_rate: 1e-3}
            sampler: {type: uniform, scale: 2}
            training:
              batch_size: 32
              steps: 1500
              sample_every: 250
            """;

    static final String MINIMAL =
            """
            experiment: tiny
            dataset: {type: fashion-mnist}
            model: {type: cgan}
            training: {steps: 10}
            """;

    private final SpecLoader loader = new SpecLoader(ToyPlugins.registry());

    @Test
    void bindsSnakeCaseKeysOntoRecords() {
        ExperimentSpec spec = loader.parse(FULL, "full.yaml", List.of());

        assertThat(spec.experiment()).isEqualTo("cgan_fashion_mnist");
        assertThat(spec.seed()).isEqualTo(7L);
        assertThat(spec.dataset().spec()).isEqualTo(new ToyDatasetSpec("test", Resize.STRETCH));
        assertThat(spec.model().plugin(ModelPlugin.class).name()).isEqualTo("cgan");
        assertThat(spec.model().spec())
                .isEqualTo(new ToyModelSpec(64, List.of(32, 64, 128), 3, 0.3, null));
        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.0001, 0.5));
        assertThat(spec.optimizers().discriminator().type()).isEqualTo("sgd");
        assertThat(spec.sampler().spec()).isEqualTo(new ToyUniformSpec(2.0));
        assertThat(spec.training().batchSize()).isEqualTo(32);
        assertThat(spec.training().steps()).isEqualTo(1500);
        assertThat(spec.training().epochs()).isNull();
        assertThat(spec.training().sampleEvery()).isEqualTo(250);
    }

    @Test
    void fillsEveryDefault() {
        ExperimentSpec spec = loader.parse(MINIMAL, "tiny.yaml", List.of());

        assertThat(spec.seed()).isEqualTo(42L);
        assertThat(spec.dataset().spec())
                .isEqualTo(new ToyDatasetSpec("train", Resize.CENTER_CROP));
        assertThat(spec.model().spec())
                .isEqualTo(new ToyModelSpec(100, List.of(64, 128), 5, 0.3, null));
        assertThat(spec.optimizers().generator().type()).isEqualTo("adam");
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyAdamSpec(0.0002, 0.9));
        assertThat(spec.sampler().type()).isEqualTo("uniform");
        assertThat(spec.training().batchSize()).isEqualTo(64);
        assertThat(spec.training().logEvery()).isEqualTo(10);
        assertThat(spec.training().gcEvery()).isEqualTo(10);
    }

    @Test
    void explicitNullTakesTheDefault() {
        ExperimentSpec spec = loader.parse(MINIMAL + "seed: ~\n", "tiny.yaml", List.of());

        assertThat(spec.seed()).isEqualTo(42L);
    }

    @Test
    void unknownKeySuggestsTheClosestAndListsKnownKeys() {
        List<SpecProblem> problems =
                problems(
                        MINIMAL.replace(
                                "training: {steps: 10}", "training: {steps: 10, batch_szie: 32}"));

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training.batch_szie");
                            assertThat(problem.value()).isEqualTo("32");
                            assertThat(problem.rule())
                                    .contains(
                                            "unknown key",
                                            "did you mean 'batch_size'?",
                                            "known keys: batch_size, steps, epochs, log_every");
                        });
    }

    @Test
    void unknownKeyInPluginSectionListsTypeAndSpecKeys() {
        List<SpecProblem> problems =
                problems(MINIMAL.replace("model: {type: cgan}", "model: {type: cgan, layer: [8]}"));

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("model.layer");
                            assertThat(problem.rule())
                                    .contains(
                                            "did you mean 'layers'?",
                                            "known keys: type, latent_dim, layers");
                        });
    }

    @Test
    void wrongTypesAreProblems() {
        List<SpecProblem> problems =
                problems(
                        """
                        experiment: tiny
                        seed: abc
                        dataset: {type: fashion-mnist, resize: squash}
                        model: {type: cgan, kernel_size: 1.5, layers: {a: 1}, dropout: high}
                        training: {steps: 10}
                        """);

        assertThat(problems)
                .extracting(SpecProblem::path, SpecProblem::value)
                .containsExactly(
                        tuple("seed", "abc"),
                        tuple("dataset.resize", "squash"),
                        tuple("model.layers", "{\"a\":1}"),
                        tuple("model.kernel_size", "1.5"),
                        tuple("model.dropout", "high"));
        assertThat(problems.get(0).rule()).isEqualTo("expected an integer");
        assertThat(problems.get(1).rule()).isEqualTo("expected one of: center-crop, stretch");
        assertThat(problems.get(2).rule()).isEqualTo("expected a list, e.g. [1, 2]");
        assertThat(problems.get(4).rule()).isEqualTo("expected a number");
    }

    @Test
    void enumMatchesCaseInsensitivelyWithDashOrUnderscore() {
        ExperimentSpec spec =
                loader.parse(
                        MINIMAL.replace(
                                "{type: fashion-mnist}",
                                "{type: fashion-mnist, resize: Center_Crop}"),
                        "tiny.yaml",
                        List.of());

        assertThat(((ToyDatasetSpec) spec.dataset().spec()).resize()).isEqualTo(Resize.CENTER_CROP);
    }

    @Test
    void outOfRangeValueNamesTheBound() {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () ->
                                loader.parse(
                                        MINIMAL.replace(
                                                "training: {steps: 10}",
                                                "training:\n  steps: 10\n  batch_size: -3\n"),
                                        "tiny.yaml",
                                        List.of()));

        assertThat(e.problems())
                .singleElement()
                .hasToString("tiny.yaml:6: training.batch_size = -3: must be >= 1");
    }

    @Test
    void listElementOutOfRangeHasItsIndexInThePath() {
        List<SpecProblem> problems =
                problems(
                        MINIMAL.replace(
                                "model: {type: cgan}",
                                "model: {type: cgan, layers: [64, 0, 128, 5000]}"));

        assertThat(problems)
                .extracting(SpecProblem::path)
                .containsExactly("model.layers[1]", "model.layers[3]");
        assertThat(problems)
                .extracting(SpecProblem::rule)
                .containsExactly("must be >= 1", "must be <= 1024");
    }

    @Test
    void missingRequiredKeyIsAProblem() {
        List<SpecProblem> problems =
                problems(
                        """
                        dataset: {type: fashion-mnist}
                        model: {type: cgan}
                        training: {steps: 10}
                        """);

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("experiment");
                            assertThat(problem.value()).isNull();
                            assertThat(problem.rule()).isEqualTo("required key is missing");
                        });
    }

    @Test
    void anExperimentNameCannotLeaveTheRunsFolder() {
        for (String name : new String[] {"..", ".", ".hidden", "a/b"}) {
            List<SpecProblem> problems =
                    problems(MINIMAL.replace("experiment: tiny", "experiment: '" + name + "'"));
            assertThat(problems)
                    .as(name)
                    .singleElement()
                    .satisfies(
                            problem -> {
                                // the record's own check: reported on the spec, naming the key
                                assertThat(problem.rule())
                                        .contains("experiment name")
                                        .contains("must not start with '.'");
                            });
        }
    }

    @Test
    void unknownPluginTypeListsTheKnownNamesOfThatKind() {
        List<SpecProblem> problems =
                problems(
                        MINIMAL.replace("model: {type: cgan}", "model: {type: dcgan}")
                                .replace("{type: fashion-mnist}", "{type: image-foldr}"));

        assertThat(problems)
                .extracting(SpecProblem::path)
                .containsExactly("dataset.type", "model.type");
        assertThat(problems.get(0).rule())
                .isEqualTo(
                        "unknown dataset plugin; did you mean 'image-folder'?; "
                                + "known dataset plugins: fashion-mnist, image-folder");
        assertThat(problems.get(1).rule())
                .contains("unknown model plugin", "known model plugins: cgan");
    }

    @Test
    void theTrainingRecipeBindsAndAnAugmentationListedTwiceIsRefused() {
        ExperimentSpec spec =
                loader.parse(
                        MINIMAL.replace(
                                "training: {steps: 10}",
                                "training: {steps: 10, loss: least-squares, augment: [color,"
                                        + " cutout], ema_decay: 0.99, ema_start: 5}"),
                        "recipe.yaml",
                        List.of());
        assertThat(spec.training().loss()).isEqualTo(GanLoss.LEAST_SQUARES);
        assertThat(spec.training().augment())
                .containsExactly(Augmentation.COLOR, Augmentation.CUTOUT);
        assertThat(spec.training().emaDecay()).isEqualTo(0.99);

        assertThat(
                        problems(
                                MINIMAL.replace(
                                        "training: {steps: 10}",
                                        "training: {steps: 10, augment: [color, color]}")))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training");
                            assertThat(problem.rule())
                                    .isEqualTo(
                                            "'augment' lists an augmentation twice: [color,"
                                                    + " color]");
                        });
        assertThat(
                        problems(
                                MINIMAL.replace(
                                        "training: {steps: 10}",
                                        "training: {steps: 10, augment: [blur]}")))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.toString())
                                        .contains("training.augment")
                                        .contains("color, translation, cutout"));
    }

    @Test
    void aLearningRateDecayThatStartsAtTheLastStepIsRefused() {
        assertThat(
                        problems(
                                MINIMAL.replace(
                                        "training: {steps: 10}",
                                        "training: {steps: 10, lr_decay_start: 10}")))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training");
                            assertThat(problem.rule())
                                    .contains("'lr_decay_start' (10) must be below 'steps' (10)");
                        });
        ExperimentSpec accepted =
                loader.parse(
                        MINIMAL.replace(
                                "training: {steps: 10}",
                                "training: {steps: 10, lr_decay_start: 9}"),
                        "tiny.yaml",
                        List.of());
        assertThat(accepted.training().lrDecayStart()).isEqualTo(9);
    }

    @Test
    void theModeSeekingTermNeedsAnEvenBatchSize() {
        assertThat(
                        problems(
                                MINIMAL.replace(
                                        "training: {steps: 10}",
                                        "training: {steps: 10, batch_size: 7, mode_seeking: 1}")))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training");
                            assertThat(problem.rule())
                                    .contains("'mode_seeking'")
                                    .contains("even 'batch_size', got 7");
                        });
        ExperimentSpec accepted =
                loader.parse(
                        MINIMAL.replace(
                                "training: {steps: 10}",
                                "training: {steps: 10, batch_size: 8, mode_seeking: 0.5}"),
                        "tiny.yaml",
                        List.of());
        assertThat(accepted.training().modeSeeking()).isEqualTo(0.5);
        assertThat(loader.parse(MINIMAL, "tiny.yaml", List.of()).training().modeSeeking())
                .as("off by default")
                .isZero();
    }

    @Test
    void compactConstructorRuleIsReportedAtItsRecord() {
        List<SpecProblem> problems =
                problems(
                        MINIMAL.replace(
                                "training: {steps: 10}", "training: {steps: 10, epochs: 2}"));

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training");
                            assertThat(problem.rule())
                                    .isEqualTo("give exactly one of 'steps' and 'epochs'");
                        });
    }

    @Test
    void systemMetricsIntervalDefaultsToTenSecondsAndIsCheckedStrictly() {
        assertThat(
                        TrackingSpec.systemMetricsSeconds(
                                loader.parse(MINIMAL, "tiny.yaml", List.of()).tracking()))
                .isEqualTo(TrackingSpec.DEFAULT_SYSTEM_METRICS_SECONDS);
        assertThat(
                        loader.parse(MINIMAL + "tracking: {experiment: x}\n", "t.yaml", List.of())
                                .tracking()
                                .systemMetricsEvery())
                .isEqualTo(TrackingSpec.DEFAULT_SYSTEM_METRICS_SECONDS);
        assertThat(
                        loader.parse(
                                        MINIMAL,
                                        "t.yaml",
                                        List.of("tracking.system_metrics_every=0.5"))
                                .tracking()
                                .systemMetricsEvery())
                .isEqualTo(0.5);

        assertThat(problems(MINIMAL + "tracking: {system_metrics_every: -1}\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("tracking.system_metrics_every"));
        assertThat(problems(MINIMAL + "tracking: {system_metrics_every: 0.01}\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.rule()).contains("0 (off) or between 0.1"));
        assertThat(problems(MINIMAL + "tracking: {system_metric_every: 5}\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.rule()).contains("system_metrics_every"));
    }

    @Test
    void everyProblemInAFileIsReportedAtOnce() {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () ->
                                loader.parse(
                                        """
                                        experiment: bad name
                                        seed: 1.5
                                        dataset: {type: fashion-mnist, split: 3, colour: red}
                                        model:
                                          type: cgan
                                          latent_dim: 0
                                          layers: [64, -1]
                                        optimizers:
                                          generator: {type: adamw}
                                          discriminator: {type: sgd}
                                        training:
                                          batch_szie: 8
                                          steps: 10
                                          epochs: 1
                                        """,
                                        "bad.yaml",
                                        List.of()));

        assertThat(e.problems())
                .extracting(SpecProblem::path)
                .containsExactly(
                        "seed",
                        "dataset.colour",
                        "model.latent_dim",
                        "model.layers[1]",
                        "optimizers.generator.type",
                        "optimizers.discriminator.learning_rate",
                        "training.batch_szie",
                        "training");
        assertThat(e.getMessage())
                .startsWith("8 problems in the experiment spec:\n")
                .contains("bad.yaml:3: dataset.colour = red: unknown key")
                .contains(
                        "bad.yaml:9: optimizers.generator.type = adamw: unknown optimizer plugin; "
                                + "did you mean 'adam'?")
                .contains(
                        "bad.yaml:10: optimizers.discriminator.learning_rate: required key is"
                                + " missing");
        assertThat(e.getMessage().lines()).hasSize(9);
    }

    @Test
    void compactConstructorOfTheTopLevelRunsOnceEverythingElseBinds() {
        List<SpecProblem> problems =
                problems(MINIMAL.replace("experiment: tiny", "experiment: bad name"));

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEmpty();
                            assertThat(problem.rule()).contains("experiment name may contain only");
                        });
    }

    @Test
    void duplicateKeyIsAProblem() {
        List<SpecProblem> problems = problems(MINIMAL + "seed: 1\nseed: 2\n");

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("seed");
                            assertThat(problem.rule()).isEqualTo("key is given more than once");
                        });
    }

    @Test
    void yamlSyntaxErrorNamesTheFileAndLine() {
        List<SpecProblem> problems = problems("experiment: x\nmodel: [1,\ntraining: {steps: 1}\n");

        assertThat(problems)
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.file()).isEqualTo("bad.yaml");
                            assertThat(problem.line()).isPositive();
                            assertThat(problem.rule()).startsWith("not valid YAML: ");
                            assertThat(problem.toString())
                                    .startsWith("bad.yaml:" + problem.line() + ": not valid YAML");
                        });
    }

    @Test
    void emptyFileAndNonMapTopLevelAreOneProblemEach() {
        assertThat(problems(""))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.rule())
                                        .startsWith(
                                                "file is empty; expected a map with keys:"
                                                        + " experiment, seed"));
        assertThat(problems("# only a comment\n"))
                .singleElement()
                .satisfies(problem -> assertThat(problem.rule()).startsWith("file is empty"));
        assertThat(problems("- a\n- b\n"))
                .singleElement()
                .satisfies(
                        problem -> assertThat(problem.rule()).startsWith("top level is not a map"));
    }

    @Test
    void loadsAFileAndReportsAMissingOne(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("tiny.yaml");
        Files.writeString(file, MINIMAL);

        assertThat(loader.load(file, List.of()).experiment()).isEqualTo("tiny");
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () -> loader.load(folder.resolve("absent.yaml"), List.of()));
        assertThat(e.problems())
                .singleElement()
                .hasToString(folder.resolve("absent.yaml") + ": file not found");
    }

    @Test
    void pathsAreKeptAsWritten() {
        ExperimentSpec spec =
                loader.parse(
                        MINIMAL.replace(
                                "{type: fashion-mnist}",
                                "{type: image-folder, root: ../shared/data/att_faces}"),
                        "tiny.yaml",
                        List.of());

        assertThat(((ToyPlugins.ToyFolderSpec) spec.dataset().spec()).root())
                .isEqualTo(Path.of("../shared/data/att_faces"));
    }

    private List<SpecProblem> problems(String yaml) {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class, () -> loader.parse(yaml, "bad.yaml", List.of()));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e.problems();
    }
}
