package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.EvaluationLog;
import dev.ganforge.core.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real training process at random moments, several times in a row, with a
 * checkpoint and a sample grid written at every step so that kills land inside those writes too:
 * after each kill the run folder stays readable (status.json parses, the latest checkpoint loads,
 * metrics.csv and eval.csv have no duplicate row, the best checkpoint loads), and {@code resume}
 * continues from the newest complete checkpoint; at the end the steps in metrics.csv are strictly
 * increasing and cover the run. Bounded: 8 kills by default, each after the run has made progress
 * (about 5-10 s each, most of it the JVM starting); {@code -Dganforge.test.kills=N} repeats it more
 * often.
 */
class KillNineIT {

    /** How many times the run is killed. */
    private static final int KILLS = Integer.getInteger("ganforge.test.kills", 8);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path temp;

    @Test
    void repeatedKillNineLosesNothingButTheStepsSinceTheLastCheckpoint() throws Exception {
        Path spec =
                write(
                        temp,
                        "kill.yaml",
                        tinySpec(1_000_000)
                                        .replace("checkpoint_every: 4", "checkpoint_every: 1")
                                        .replace("sample_every: 3", "sample_every: 1")
                                        .replace("log_every: 2", "log_every: 1")
                                + """
                                evaluation:
                                  every: 2
                                  samples_per_class: 8
                                  classifier: {cache: '%s', min_updates: 20, batch_size: 8}
                                  best_metric: eval/fd_ganforge_cnn
                                """
                                        .formatted(temp.resolve("classifiers")));
        Path out = temp.resolve("run");
        RunDirectory run = new RunDirectory(out);
        SplittableRandom random = new SplittableRandom(9);
        long lastCheckpoint = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process process =
                    start(
                            kill == 0
                                    ? List.of("run", spec.toString(), "--output", out.toString())
                                    : List.of("resume", out.toString()),
                            kill);
            long seen = waitForSteps(run, lastCheckpoint + 3, process, kill);
            Thread.sleep(random.nextInt(400)); // somewhere inside a step, a checkpoint or a grid
            process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);

            JSON.readTree(out.resolve(RunDirectory.STATUS_FILE).toFile()); // whole, parseable
            Path latest = run.checkpoints().latest().orElseThrow();
            long step = CheckpointStore.read(latest, false).step();
            assertThat(step)
                    .as("kill %d after step %d", kill, seen)
                    .isGreaterThanOrEqualTo(lastCheckpoint);
            lastCheckpoint = step;
            assertThat(CliFixture.loggedSteps(out)).doesNotHaveDuplicates();
            assertThat(evaluationRows(out)).doesNotHaveDuplicates();
            if (run.checkpoints().best().isPresent()) {
                CheckpointStore.read(run.checkpoints().best().get(), false); // whole
            }
        }
        Process finish =
                start(
                        List.of(
                                "resume",
                                out.toString(),
                                "--set",
                                "training.steps=" + (lastCheckpoint + 3)),
                        9);
        assertThat(finish.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(finish.exitValue()).as(Files.readString(temp.resolve("log-9.txt"))).isZero();
        List<Long> steps = CliFixture.loggedSteps(out);
        assertThat(steps).isSorted().doesNotHaveDuplicates();
        assertThat(steps.get(steps.size() - 1)).isEqualTo(lastCheckpoint + 3);
        assertThat(steps).startsWith(1L, 2L, 3L);
        List<String> evaluations = evaluationRows(out);
        assertThat(evaluations).doesNotHaveDuplicates().contains("2,eval/fd_ganforge_cnn");
    }

    /**
     * The (step, metric) pairs of eval.csv's whole rows; a last row cut off by the kill is not one.
     */
    private static List<String> evaluationRows(Path out) throws Exception {
        Path file = out.resolve(RunDirectory.EVALUATION_FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file);
        return Arrays.stream(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"))
                .filter(line -> !line.isEmpty() && !line.equals(EvaluationLog.HEADER))
                .map(line -> line.substring(0, line.indexOf(',', line.indexOf(',') + 1)))
                .toList();
    }

    private Process start(List<String> args, int index) throws Exception {
        return CliFixture.startProcess(temp.resolve("log-" + index + ".txt"), args);
    }

    /**
     * @return the last logged step once it reaches {@code atLeast}
     */
    private long waitForSteps(RunDirectory run, long atLeast, Process process, int index)
            throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            List<Long> steps =
                    Files.exists(run.metricsFile())
                            ? CliFixture.loggedSteps(run.root())
                            : List.of();
            if (!steps.isEmpty() && steps.get(steps.size() - 1) >= atLeast) {
                return steps.get(steps.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "no progress to step "
                        + atLeast
                        + ": "
                        + Files.readString(temp.resolve("log-" + index + ".txt")));
    }
}
