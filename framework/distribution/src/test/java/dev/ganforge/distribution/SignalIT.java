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
        awaitLog(log, Pattern.compile("domain classifier: none cached in .* training one"));
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
    void sigtermDuringAnEvaluationStopsWithinAnUpdateAndResumeRunsThatEvaluationFirst()
            throws Exception {
        // evaluations at steps 4 and 8; at step 4 two CAS trainings of 24,000 updates each
        // (eval/cas, then eval/cas_real): tens of seconds, so the signal lands inside it
        Path spec =
                write(
                        temp,
                        "slow-evaluation.yaml",
                        tinySpec(8)
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
        RunDirectory run = new RunDirectory(out);
        // step 4's status row is written before its evaluation starts; the training bar shows
        // the evaluation's progress in a line of its own as soon as its first task starts
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
                && run.readStatusRecord().map(r -> r.step() < 4).orElse(true)) {
            Thread.sleep(100);
        }
        awaitLog(log, Pattern.compile("evaluating: eval/cas(_real)? \\d+/\\d+"));

        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();

        RunDirectory.StatusRecord status = run.readStatusRecord().orElseThrow();
        assertThat(status.status()).isEqualTo(RunStatus.KILLED);
        assertThat(status.step()).as("stopped inside step 4's evaluation").isEqualTo(4);
        assertThat(run.checkpoints().latest().orElseThrow().getFileName().toString())
                .isEqualTo("step-00000004");
        assertThat(evaluatedSteps(run)).as("the unfinished evaluation is not logged").isEmpty();

        // resume runs the stopped evaluation before training on (with a short CAS this time)
        CliFixture.Result resumed =
                CliFixture.run("resume", out.toString(), "--set", "evaluation.cas.epochs=1");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(run.readStatusRecord().orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
        assertThat(evaluatedSteps(run)).containsExactly(4L, 8L);
    }

    /** The steps of a run's eval.csv rows, each once, in file order. */
    private static List<Long> evaluatedSteps(RunDirectory run) throws Exception {
        if (!Files.exists(run.evaluationFile())) {
            return List.of();
        }
        return Files.readAllLines(run.evaluationFile()).stream()
                .skip(1)
                .map(row -> Long.parseLong(row.substring(0, row.indexOf(','))))
                .distinct()
                .toList();
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
