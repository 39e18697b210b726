package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ganforge.config.Overrides;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.core.spec.ToyPlugins.ToyAdamSpec;
import dev.ganforge.core.spec.ToyPlugins.ToyFolderSpec;
import dev.ganforge.core.spec.ToyPlugins.ToyModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecOverridesTest {

    private final SpecLoader loader = new SpecLoader(ToyPlugins.registry());

    @Test
    void anOverrideSplitsAtItsFirstEqualsSign() {
        assertThat(Overrides.path(" training.steps = 5")).isEqualTo("training.steps");
        assertThat(Overrides.valueText(" training.steps = 5")).isEqualTo(" 5");
        assertThat(Overrides.path("tracking.uri=http://h/?a=b")).isEqualTo("tracking.uri");
        assertThat(Overrides.valueText("tracking.uri=http://h/?a=b")).isEqualTo("http://h/?a=b");
        assertThat(Overrides.path("model.layers ")).isEqualTo("model.layers");
        assertThat(Overrides.valueText("model.layers")).isNull();
    }

    @TempDir Path folder;

    /** Writes the spec to a file, as users give it, and loads it with the overrides. */
    private List<SpecProblem> fileProblems(String yaml, String... overrides) throws IOException {
        Path file = folder.resolve("spec.yaml");
        Files.writeString(file, yaml);
        SpecException e =
                catchThrowableOfType(
                        SpecException.class, () -> loader.load(file, List.of(overrides)));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e.problems();
    }

    private ExperimentSpec load(String... overrides) {
        return loader.parse(SpecLoaderTest.FULL, "full.yaml", List.of(overrides));
    }

    private List<SpecProblem> problems(String... overrides) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> load(overrides));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e.problems();
    }

    @Test
    void scalarOverrideReplacesTheValue() {
        ExperimentSpec spec = load("training.steps=100", "optimizers.generator.learning_rate=1e-4");

        assertThat(spec.training().steps()).isEqualTo(100);
        assertThat(((ToyAdamSpec) spec.optimizers().generator().spec()).learningRate())
                .isEqualTo(1e-4);
    }

    @Test
    void listOverrideAndListElementOverride() {
        assertThat(((ToyModelSpec) load("model.layers=[32,64]").model().spec()).layers())
                .containsExactly(32, 64);
        assertThat(((ToyModelSpec) load("model.layers[0]=16").model().spec()).layers())
                .containsExactly(16, 64, 128);
    }

    @Test
    void overrideCreatesMissingIntermediateMaps() {
        ExperimentSpec spec =
                loader.parse(
                        SpecLoaderTest.MINIMAL,
                        "tiny.yaml",
                        List.of(
                                "optimizers.generator.type=sgd",
                                "optimizers.generator.learning_rate=0.01"));

        assertThat(spec.optimizers().generator().type()).isEqualTo("sgd");
        assertThat(spec.optimizers().discriminator().type()).isEqualTo("adam");
    }

    @Test
    void overrideCanSwitchThePluginType() {
        ExperimentSpec spec = load("dataset={type: image-folder, root: ../shared/data/att_faces}");

        assertThat(spec.dataset().spec())
                .isEqualTo(new ToyFolderSpec(Path.of("../shared/data/att_faces"), false));
    }

    @Test
    void switchingTypeLeavesTheOldKeysAsUnknownKeys() {
        assertThat(problems("dataset.type=image-folder", "dataset.root=../data"))
                .extracting(SpecProblem::path)
                .containsExactly("dataset.split", "dataset.resize");
    }

    @Test
    void overrideOfAnUnknownKeyIsAnUnknownKeyProblem() {
        assertThat(problems("training.stpes=5"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEqualTo("training.stpes");
                            assertThat(problem.file()).isEqualTo("--set training.stpes=5");
                            assertThat(problem.value()).isEqualTo("5");
                            assertThat(problem.line()).isZero();
                            assertThat(problem.rule()).contains("did you mean 'steps'?");
                        });
    }

    @Test
    void overriddenValueOutOfRangeNamesTheOverrideNotTheFile() {
        assertThat(problems("training.batch_size=0"))
                .singleElement()
                .hasToString("--set training.batch_size=0: training.batch_size = 0: must be >= 1");
        assertThat(problems("training={batch_size: x, steps: 5}"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.file())
                                    .isEqualTo("--set training={batch_size: x, steps: 5}");
                            assertThat(problem.path()).isEqualTo("training.batch_size");
                        });
    }

    @Test
    void problemsInTheFileStillNameTheFileNextToOverrideProblems() {
        String yaml = SpecLoaderTest.FULL.replace("steps: 1500", "steps: -3");
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () -> loader.parse(yaml, "full.yaml", List.of("training.log_every=abc")));
        assertThat(e.problems())
                .extracting(SpecProblem::file)
                .containsExactlyInAnyOrder("full.yaml", "--set training.log_every=abc");
    }

    @Test
    void malformedOverridesAreProblemsNamingTheOverride() {
        List<SpecProblem> problems =
                problems(
                        "training.steps",
                        "=5",
                        "a..b=1",
                        "model.layers=[1,",
                        "model.layers[9]=1",
                        "training.steps.x=1");

        assertThat(problems).hasSize(6);
        assertThat(problems.get(0))
                .hasToString(
                        "full.yaml: override 'training.steps' has no '='; expected path=value");
        assertThat(problems.get(1).rule()).contains("override '=5' has a malformed path");
        assertThat(problems.get(2).rule()).contains("override 'a..b=1' has a malformed path");
        assertThat(problems.get(3).rule())
                .contains("override 'model.layers=[1,' has a value that is not valid YAML");
        assertThat(problems.get(4).rule())
                .contains("names element 9 of 'layers', which is not there");
        assertThat(problems.get(5).rule())
                .contains("cannot set 'x' inside a value that is not a map");
    }

    @Test
    void emptyValueMeansAbsentSoTheDefaultApplies() {
        assertThat(load("training.batch_size=").training().batchSize()).isEqualTo(64);
    }

    @Test
    void unknownKeyInAMapAnOverrideCreatedNamesTheOverrideNotALineOfTheFile() throws IOException {
        String yaml = "# an experiment\n# with comments first\n" + SpecLoaderTest.MINIMAL;

        assertThat(fileProblems(yaml, "nosuch.key=1"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.file()).isEqualTo("--set nosuch.key=1");
                            assertThat(problem.path()).isEqualTo("nosuch");
                            assertThat(problem.line()).isZero();
                            assertThat(problem.rule()).startsWith("unknown key");
                        });
        assertThat(fileProblems(yaml, "training.extra.deeper.x=1"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.file()).isEqualTo("--set training.extra.deeper.x=1");
                            assertThat(problem.path()).isEqualTo("training.extra");
                            assertThat(problem.line()).isZero();
                        });
    }

    @Test
    void everyProblemUnderAMapAnOverrideSetNamesTheOverride() throws IOException {
        String override = "sampler={type: uniform, scale: -1, bogus: 1}";

        assertThat(fileProblems(SpecLoaderTest.FULL, override))
                .extracting(SpecProblem::toString)
                .containsExactly(
                        "--set "
                                + override
                                + ": sampler.bogus = 1: unknown key; known keys: type, scale",
                        "--set " + override + ": sampler.scale = -1: must be >= 0");
    }

    @Test
    void nullOverrideRemovesTheKeySoTheTypeCanBeSwitchedOnTheCommandLine() throws IOException {
        Path file = folder.resolve("spec.yaml");
        Files.writeString(file, SpecLoaderTest.FULL);

        ExperimentSpec spec =
                loader.load(
                        file,
                        List.of(
                                "dataset.type=image-folder",
                                "dataset.root=../data",
                                "dataset.split=~",
                                "dataset.resize=null"));

        assertThat(spec.dataset().spec()).isEqualTo(new ToyFolderSpec(Path.of("../data"), false));
    }

    @Test
    void removingAnAbsentKeyIsFineAndCreatesNothing() {
        ExperimentSpec spec =
                loader.parse(
                        SpecLoaderTest.MINIMAL,
                        "tiny.yaml",
                        List.of(
                                "training.batch_size=~",
                                "nosuch.key=~",
                                "optimizers.generator.beta1=~",
                                "model.layers[7]=~"));

        assertThat(spec.training().batchSize()).isEqualTo(64);
        assertThat(spec.optimizers().generator().spec()).isEqualTo(new ToyAdamSpec(0.0002, 0.9));
    }

    @Test
    void removingARequiredKeyIsAMissingKeyNamingTheOverride() throws IOException {
        assertThat(fileProblems(SpecLoaderTest.FULL, "model.type=~"))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.file()).isEqualTo("--set model.type=~");
                            assertThat(problem.path()).isEqualTo("model.type");
                            assertThat(problem.rule()).startsWith("required key is missing");
                        });
    }

    @Test
    void nullOverrideRemovesAListElement() {
        assertThat(((ToyModelSpec) load("model.layers[0]=~").model().spec()).layers())
                .containsExactly(64, 128);
    }

    @Test
    void removingInsideAScalarIsAProblem() {
        assertThat(problems("training.steps.x=~"))
                .singleElement()
                .satisfies(
                        problem ->
                                assertThat(problem.rule())
                                        .isEqualTo(
                                                "override 'training.steps.x=~' cannot remove 'x'"
                                                        + " inside a value that is not a map"));
    }
}
