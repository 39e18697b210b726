package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepSpec;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped experiment and sweep in {@code experiments/} runs end to end for two steps, as a
 * user would start it (face specs pointed at the ORL faces in {@code ../shared/data/att_faces}), so
 * a shipped file cannot rot into one that validates but fails at run time. Evaluation is switched
 * off ({@code --set evaluation=~}): its classifier takes minutes and has its own tests
 * (EvaluationIT).
 */
class ShippedExperimentsIT {

    private static final Path FACES =
            Path.of("../../../shared/data/att_faces").toAbsolutePath().normalize();

    @TempDir Path temp;

    static Stream<Path> experiments() throws Exception {
        return ExperimentFilesTest.experiments();
    }

    static Stream<Path> sweeps() throws Exception {
        return ExperimentFilesTest.sweeps();
    }

    private static List<String> shortRun(Path file) throws Exception {
        List<String> overrides =
                new ArrayList<>(
                        List.of(
                                "--set",
                                "training.steps=2",
                                "--set",
                                "training.epochs=~",
                                "--set",
                                "training.batch_size=8",
                                "--set",
                                "training.log_every=1",
                                "--set",
                                "training.sample_every=2",
                                "--set",
                                "training.checkpoint_every=2",
                                "--set",
                                "evaluation=~"));
        String text = Files.readString(file);
        if (text.contains("image-folder")) {
            assertThat(FACES).as("the ORL faces (see README)").isDirectory();
            overrides.addAll(List.of("--set", "dataset.root=" + FACES));
        }
        if (text.contains("fashion-mnist")) {
            overrides.addAll(List.of("--set", "dataset.limit=64"));
        }
        return overrides;
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void eachExperimentTrainsTwoSteps(Path file) throws Exception {
        Path out = temp.resolve("run");
        List<String> args =
                new ArrayList<>(List.of("run", file.toString(), "--output", out.toString()));
        args.addAll(shortRun(file));

        CliFixture.Result result = run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(new RunDirectory(out).readStatusRecord().orElseThrow().status())
                .isEqualTo(RunStatus.FINISHED);
        assertThat(Files.readAllLines(out.resolve(RunDirectory.METRICS_FILE)))
                .hasSize(3); // header + 2 steps
        assertThat(new RunDirectory(out).sampleFile(2, "fake1")).exists();
    }

    @ParameterizedTest
    @MethodSource("sweeps")
    void eachSweepRunsAllItsTrials(Path file) throws Exception {
        Path out = temp.resolve("sweep");
        Path sweepFile = file;
        String text = Files.readString(file);
        if (text.contains("scheduler:")) {
            // rungs at steps 1 and 2 instead of 30, 90, 270: the short run trains 2 steps
            sweepFile = temp.resolve(file.getFileName());
            Files.writeString(
                    sweepFile,
                    text.replace("base: ", "base: " + file.toAbsolutePath().getParent() + "/")
                            .replaceAll("min_steps: [0-9]+", "min_steps: 1"));
        }
        int trialCount = 1;
        for (var domain : SweepFile.read(sweepFile).sweep().parameters().values()) {
            trialCount *= ((SweepSpec.Values) domain).values().size();
        }
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "sweep",
                                sweepFile.toString(),
                                "--output",
                                out.toString(),
                                "--parallel",
                                "2"));
        args.addAll(shortRun(file));

        CliFixture.Result result = run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        try (Stream<Path> trials = Files.list(out)) {
            List<Path> folders =
                    trials.filter(Files::isDirectory)
                            .filter(p -> p.getFileName().toString().startsWith("trial-"))
                            .toList();
            assertThat(folders).hasSize(trialCount);
            for (Path trial : folders) {
                assertThat(new RunDirectory(trial).readStatusRecord().orElseThrow().status())
                        .as(trial.toString())
                        .isEqualTo(RunStatus.FINISHED);
            }
        }
    }
}
