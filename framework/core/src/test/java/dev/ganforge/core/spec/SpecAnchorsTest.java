package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.core.spec.ToyPlugins.ToyAdamSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YAML anchors, aliases and merge keys in spec files, and the top-level x- keys that hold anchors.
 */
class SpecAnchorsTest {

    private static final String HEAD =
            """
            experiment: tiny
            dataset: {type: fashion-mnist}
            model: {type: cgan}
            training: {steps: 10}
            """;

    @TempDir Path folder;

    private final SpecLoader loader = new SpecLoader(ToyPlugins.registry());

    private Path write(String yaml) throws IOException {
        Path file = folder.resolve("anchors.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ExperimentSpec load(String yaml, String... overrides) throws IOException {
        return loader.load(write(yaml), List.of(overrides));
    }

    private List<SpecProblem> problems(String yaml) throws IOException {
        Path file = write(yaml);
        SpecException e =
                catchThrowableOfType(SpecException.class, () -> loader.load(file, List.of()));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e.problems();
    }

    @Test
    void aliasOfAnAnchoredMapInAnXKeyIsACopyOfTheMap() throws IOException {
        ExperimentSpec spec =
                load(
                        HEAD
                                + """
                                x-adam: &adam {type: adam, learning_rate: 0.0001, beta1: 0.5}
                                optimizers:
                                  generator: *adam
                                  discriminator: *adam
                                """);

        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.0001, 0.5));
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyAdamSpec(0.0001, 0.5));
    }

    @Test
    void aliasOfAScalar() throws IOException {
        ExperimentSpec spec =
                load(
                        HEAD
                                + """
                                optimizers:
                                  generator: {type: adam, learning_rate: &rate 0.0003}
                                  discriminator: {type: sgd, learning_rate: *rate}
                                """);

        assertThat(((ToyAdamSpec) spec.optimizers().generator().spec()).learningRate())
                .isEqualTo(0.0003);
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyPlugins.ToySgdSpec(0.0003));
    }

    @Test
    void mergeKeyAddsTheAnchoredKeysAndKeysWrittenInTheMapWinWhereverTheyStand()
            throws IOException {
        ExperimentSpec spec =
                load(
                        HEAD
                                + """
                                x-adam: &adam {type: adam, learning_rate: 0.0001, beta1: 0.5}
                                optimizers:
                                  generator: {<<: *adam, learning_rate: 0.003}
                                  discriminator:
                                    beta1: 0.7
                                    <<: *adam
                                """);

        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.003, 0.5));
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyAdamSpec(0.0001, 0.7));
    }

    @Test
    void mergeOfAListTakesEachKeyFromTheEarliestMapThatHasIt() throws IOException {
        ExperimentSpec spec =
                load(
                        HEAD
                                + """
                                x-fast: &fast {learning_rate: 0.01}
                                x-adam: &adam {type: adam, learning_rate: 0.0001, beta1: 0.5}
                                optimizers:
                                  generator:
                                    <<: [*fast, *adam]
                                  discriminator:
                                    <<: [*adam, *fast]
                                """);

        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.01, 0.5));
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyAdamSpec(0.0001, 0.5));
    }

    @Test
    void problemInAnAliasedValueNamesEachPathAndTheLineWhereTheValueIsWritten() throws IOException {
        List<SpecProblem> problems =
                problems(
                        HEAD
                                + """
                                x-adam: &adam
                                  type: adam
                                  beta1: 2
                                optimizers:
                                  generator: *adam
                                  discriminator: {<<: *adam}
                                """);

        String file = folder.resolve("anchors.yaml").toString();
        assertThat(problems)
                .extracting(SpecProblem::toString)
                .containsExactly(
                        file + ":7: optimizers.generator.beta1 = 2: must be <= 1",
                        file + ":7: optimizers.discriminator.beta1 = 2: must be <= 1");
    }

    @Test
    void overrideOfAnAliasedValueChangesOnlyThatCopy() throws IOException {
        ExperimentSpec spec =
                load(
                        HEAD
                                + """
                                x-adam: &adam {type: adam, learning_rate: 0.0001, beta1: 0.5}
                                optimizers: {generator: *adam, discriminator: *adam}
                                """,
                        "optimizers.generator.learning_rate=0.5");

        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.5, 0.5));
        assertThat(spec.optimizers().discriminator().spec())
                .isEqualTo(new ToyAdamSpec(0.0001, 0.5));
    }

    @Test
    void xKeysAreIgnoredAtTheTopLevelOnlyAndAQuotedMergeKeyIsAnOrdinaryKey() throws IOException {
        List<SpecProblem> problems =
                problems(
                        HEAD.replace(
                                        "training: {steps: 10}",
                                        "training: {steps: 10, x-note: 1, \"<<\": {log_every: 5}}")
                                + "x-note: anything\n");

        assertThat(problems)
                .extracting(SpecProblem::path)
                .containsExactly("training.x-note", "training.<<");
        assertThat(problems)
                .allSatisfy(problem -> assertThat(problem.rule()).startsWith("unknown key"));
    }

    @Test
    void secondMergeKeyInAMapIsADuplicateKey() throws IOException {
        assertThat(
                        problems(
                                HEAD
                                        + """
                                        x-adam: &adam {type: adam}
                                        optimizers:
                                          generator:
                                            <<: *adam
                                            <<: {beta1: 0.5}
                                        """))
                .singleElement()
                .hasToString(
                        folder.resolve("anchors.yaml")
                                + ":9: optimizers.generator.<<: key is given more than once");
    }

    @Test
    void aliasOfNoAnchorIsAProblemWithItsLine() throws IOException {
        assertThat(problems(HEAD + "optimizers: {generator: *adma}\n"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.line()).isEqualTo(5);
                            assertThat(problem.rule()).contains("alias *adma names no anchor");
                        });
    }

    @Test
    void mergeKeyOfAScalarIsAProblem() throws IOException {
        assertThat(problems(HEAD + "x-rate: &rate 0.1\noptimizers:\n  generator: {<<: *rate}\n"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.line()).isEqualTo(7);
                            assertThat(problem.rule())
                                    .contains(
                                            "merge key '<<' at optimizers.generator.<< takes a"
                                                    + " map");
                        });
    }

    @Test
    void valueThatContainsItselfIsRefused() throws IOException {
        assertThat(problems(HEAD + "x-loop: &loop [1, *loop]\n"))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.rule())
                                        .contains("a value cannot contain itself"));
    }

    @Test
    void billionLaughsIsRefused() throws IOException {
        StringBuilder yaml =
                new StringBuilder(HEAD)
                        .append("x-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level <= 9; level++) {
            String previous = "*l" + (level - 1);
            yaml.append("x-")
                    .append(level)
                    .append(": &l")
                    .append(level)
                    .append(" [")
                    .append(
                            IntStream.range(0, 9)
                                    .mapToObj(i -> previous)
                                    .collect(Collectors.joining(", ")))
                    .append("]\n");
        }

        assertThat(problems(yaml.toString()))
                .singleElement()
                .satisfies(problem -> assertThat(problem.rule()).contains("alias bomb"));
    }

    @Test
    void moreThan50AliasesOfMapsOrListsAreRefusedAsByTheYamlParser() throws IOException {
        String aliases =
                IntStream.range(0, 51).mapToObj(i -> "*one").collect(Collectors.joining(", "));

        assertThat(problems(HEAD + "x-one: &one [1]\nx-many: [" + aliases + "]\n"))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.rule())
                                        .contains("more than 50 aliases of maps or lists"));
        assertThat(
                        load(HEAD
                                        + "x-one: &one [1]\nx-many: ["
                                        + aliases.substring("*one, ".length())
                                        + "]\n")
                                .experiment())
                .isEqualTo("tiny");
    }

    @Test
    void fewAliasesThatDoubleAtEveryLevelAreRefusedByTheValueLimit() throws IOException {
        StringBuilder yaml = new StringBuilder(HEAD).append("x-0: &l0 [lol, lol]\n");
        for (int level = 1; level <= 24; level++) {
            yaml.append("x-")
                    .append(level)
                    .append(": &l")
                    .append(level)
                    .append(" [*l")
                    .append(level - 1)
                    .append(", *l")
                    .append(level - 1)
                    .append("]\n");
        }

        assertThat(problems(yaml.toString()))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.rule())
                                        .contains(
                                                "expands to more than 100000 values through its"
                                                        + " aliases"));
    }
}
