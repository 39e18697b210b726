package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.config.YamlDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep block is bound by the strict spec binder: types, unknown keys and line numbers. */
class SweepFileTest {

    @TempDir Path folder;

    private Path write(String yaml) throws IOException {
        Path file = folder.resolve("sweep.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsTheBlockAndItsDomains() throws IOException {
        SweepFile sweep =
                SweepFile.read(
                        write(
                                """
                                experiment: x
                                sweep:
                                  method: random
                                  trials: 3
                                  seed: 7
                                  metric: eval/label_accuracy
                                  goal: maximize
                                  parameters:
                                    seed: {choice: [1, 2]}
                                    optimizers.generator.learning_rate: {log_uniform: [0.0001, 0.001]}
                                """));
        SweepSpec spec = sweep.sweep();
        assertThat(spec.method()).isEqualTo(SweepSpec.Method.RANDOM);
        assertThat(spec.trials()).isEqualTo(3);
        assertThat(spec.seed()).isEqualTo(7);
        assertThat(spec.goal()).isEqualTo(SweepSpec.Goal.MAXIMIZE);
        assertThat(spec.parameters())
                .containsOnlyKeys("seed", "optimizers.generator.learning_rate");
        assertThat(spec.parameters().get("optimizers.generator.learning_rate"))
                .isEqualTo(new SweepSpec.Range("log_uniform", 0.0001, 0.001));
        assertThat(sweep.baseYaml()).contains("experiment:").doesNotContain("sweep");
    }

    @Test
    void readsAnAshaSchedulerAndReportsItsProblemsByPath() throws IOException {
        SweepSpec spec =
                SweepFile.read(
                                write(
                                        """
                                        experiment: x
                                        sweep:
                                          scheduler: {type: asha, min_steps: 100}
                                          parameters:
                                            seed: [1, 2]
                                        """))
                        .sweep();
        assertThat(spec.scheduler()).isEqualTo(SchedulerSpec.asha(100, 3));

        Path bad =
                write(
                        """
                        experiment: x
                        sweep:
                          scheduler: {type: hyperband, min_steps: 0, reduction_factr: 2}
                          parameters:
                            seed: [1, 2]
                        """);
        assertThatThrownBy(() -> SweepFile.read(bad))
                .isInstanceOfSatisfying(
                        SpecException.class,
                        e ->
                                assertThat(e.problems())
                                        .extracting(SpecProblem::path)
                                        .contains(
                                                "sweep.scheduler.type",
                                                "sweep.scheduler.min_steps",
                                                "sweep.scheduler.reduction_factr"));
    }

    @Test
    void reportsEveryProblemWithItsLineAndAHint() throws IOException {
        Path file =
                write(
                        """
                        experiment: x
                        sweep:
                          method: random
                          seed: soon
                          metirc: g_loss
                          trials: 0
                          parameters:
                            model.latent_dim: {uniform: [5, 1]}
                        """);
        assertThatThrownBy(() -> SweepFile.read(file))
                .isInstanceOfSatisfying(
                        SpecException.class,
                        e -> {
                            assertThat(e.problems())
                                    .extracting(SpecProblem::path)
                                    .contains(
                                            "sweep.seed",
                                            "sweep.metirc",
                                            "sweep.trials",
                                            "sweep.parameters.model.latent_dim");
                            assertThat(e.getMessage()).contains(file.toString());
                            SpecProblem seed =
                                    e.problems().stream()
                                            .filter(p -> p.path().equals("sweep.seed"))
                                            .findFirst()
                                            .orElseThrow();
                            assertThat(seed.line()).isEqualTo(4);
                            assertThat(seed.value()).isEqualTo("soon");
                            SpecProblem typo =
                                    e.problems().stream()
                                            .filter(p -> p.path().equals("sweep.metirc"))
                                            .findFirst()
                                            .orElseThrow();
                            assertThat(typo.rule()).contains("metric");
                            assertThat(typo.line()).isEqualTo(5);
                        });
    }

    @Test
    void baseExperimentMayUseAnchorsAliasesAndMergeKeys() throws IOException {
        Files.writeString(
                folder.resolve("base.yaml"),
                """
                experiment: x
                x-adam: &adam {type: adam, learning_rate: 0.0001}
                optimizers:
                  generator: *adam
                  discriminator: {<<: *adam, beta1: 0.5}
                """);
        SweepFile sweep =
                SweepFile.read(
                        write(
                                """
                                base: base.yaml
                                sweep:
                                  parameters:
                                    seed: [1, 2]
                                """));

        JsonNode optimizers = YamlDocument.parse(sweep.baseYaml()).root().get("optimizers");
        assertThat(optimizers.at("/generator/type").asText()).isEqualTo("adam");
        assertThat(optimizers.at("/generator/learning_rate").asDouble()).isEqualTo(0.0001);
        assertThat(optimizers.at("/discriminator/learning_rate").asDouble()).isEqualTo(0.0001);
        assertThat(optimizers.at("/discriminator/beta1").asDouble()).isEqualTo(0.5);
    }
}
