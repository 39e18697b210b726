package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real ganforge process: a final checkpoint, status KILLED, metrics kept, resumable;
 * also while the domain classifier trains or an evaluation runs, which stop within one update.
 */
class SignalIT {

    @TempDir Path temp;

    @Test
    void sigtermWritesAFinalCheckpointAndMarksTheRunKilled() throws Exception {
        Path spec =
                write(
                        temp,
                        "long.yaml",
                        tinySpec(1_000_000)
                                .replace("checkpoint_every: 4", "checkpoint_every: 100000"));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        Process process =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        CliFixture.awaitMetricsLines(out, 3, log);

        String running = Files.readString(out.resolve("status.json"));
        assertThat(running)
                .contains("RUNNING")
                .doesNotContain("\"step\" : 0,"); // progress is visible

        process.destroy(); // SIGTERM on Linux
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        RunDirectory run = new RunDirectory(out);
        assertThat(run.readStatusRecord().orElseThrow().status()).isEqualTo(RunStatus.KILLED);
        assertThat(run.checkpoints().latest()).isPresent();
        String checkpointStep =
                run.checkpoints().latest().orElseThrow().getFileName().toString().substring(5);
        assertThat(Long.parseLong(checkpointStep)).isGreaterThanOrEqualTo(4);
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(rows.get(0)).startsWith("step,");
        assertThat(Files.readString(out.resolve("status.json"))).contains("stopped by signal");
        assertThat(Files.readString(temp.resolve("log.txt")))
                .contains("KILLED after")
                .contains("continue it with: ./ganforge resume " + out);
    }

    @Test
    void sigtermWhileTheDomainClassifierTrainsStopsWithinAnUpdateAndCachesNothing()
            throws Exception {
        Path classifiers = temp.resolve("classifiers");
        Path spec =
                write(
                        temp,
                        "slow-classifier.yaml",
                        tinySpec(100)
                                + """
                                evaluation:
                                  every: 3
                                  samples_per_class: 8
                                  classifier: {cache: %s, min_updates: 100000000, batch_size: 8}
                                """
                                        .formatted(classifiers));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        Process process =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        // the announcement, then the bar's first plain line (task name, updates done / planned)
        awaitLog(
                log, Pattern.compile("domain classifier: none cached for this data; training one"));
        awaitLog(log, Pattern.compile("(?m)^domain classifier .* \\d+/\\d+ "));

        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();

        RunDirectory run = new RunDirectory(out);
        assertThat(run.readStatusRecord().orElseThrow().status()).isEqualTo(RunStatus.KILLED);
        assertThat(run.checkpoints().latest()).isPresent(); // the untrained step 0: resumable
        if (Files.exists(classifiers)) { // created only when a classifier is stored
            try (Stream<Path> files = Files.walk(classifiers)) {
                assertThat(files.filter(f -> f.getFileName().toString().equals("classifier.json")))
                        .as("a cancelled classifier is not cached")
                        .isEmpty();
            }
        }
        assertThat(Files.readString(log)).contains("KILLED after");
    }

    @Test
    void sigtermDuringAnEvaluationStopsWithinAnUpdateAndLogsNoHalfEvaluation() throws Exception {
        Path spec =
                write(
                        temp,
                        "slow-evaluation.yaml",
                        tinySpec(100)
                                + """
                                evaluation:
                                  every: 4
                                  samples_per_class: 8
                                  classifier: {cache: %s, min_updates: 20, batch_size: 8}
                                  cas: {epochs: 1000, batch_size: 1}
                                """
                                        .formatted(temp.resolve("classifiers")));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        Process process =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        // the training bar's message while the evaluation at step 4 trains its CAS classifier
        awaitLog(log, Pattern.compile("evaluating: eval/cas \\d+/\\d+"));

        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();

        RunDirectory run = new RunDirectory(out);
        RunDirectory.StatusRecord status = run.readStatusRecord().orElseThrow();
        assertThat(status.status()).isEqualTo(RunStatus.KILLED);
        long step = status.step();
        assertThat(step % 4).as("stopped at an evaluation step, not after it").isZero();
        assertThat(
                        Long.parseLong(
                                run.checkpoints()
                                        .latest()
                                        .orElseThrow()
                                        .getFileName()
                                        .toString()
                                        .substring(5)))
                .isEqualTo(step);
        Path evaluations = run.evaluationFile();
        assertThat(
                        Files.exists(evaluations)
                                ? Files.readAllLines(evaluations).stream()
                                        .filter(row -> row.startsWith(step + ","))
                                        .toList()
                                : List.of())
                .as("the unfinished evaluation at step " + step + " is not logged")
                .isEmpty();
    }

    /** Waits at most 120 s until the process's log has a match of {@code pattern}. */
    private static void awaitLog(Path log, Pattern pattern) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
                && !(Files.exists(log) && pattern.matcher(Files.readString(log)).find())) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(log)).containsPattern(pattern);
    }
}
