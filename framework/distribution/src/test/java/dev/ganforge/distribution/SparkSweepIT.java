package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ganforge sweep --executor spark} with ASHA against a real Spark standalone cluster (one
 * master, two one-core workers on 127.0.0.1, from the pyspark distribution) and a real MLflow
 * server. While the sweep runs, the worker that runs a promoted trial is killed with SIGKILL (a
 * replacement worker joins): Spark runs that segment again on the other worker and the trial
 * resumes from its checkpoint, without a duplicate step in metrics.csv or in MLflow. Then the sweep
 * process itself is killed with SIGKILL, and the same command run again finishes the sweep: every
 * trial ends FINISHED or PRUNED, the MLflow parent run is the same, and it has every trial as its
 * child, the pruned ones tagged PRUNED. A second test stops a sweep on the cluster with SIGTERM
 * (Ctrl-C) and continues it.
 */
class SparkSweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIALS = 9;

    @TempDir Path temp;

    /** The sweep processes, killed with their descendants after the test, however it ends. */
    private final List<Process> started = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void ashaOnASparkClusterSurvivesAKilledWorkerAndAKilledSweepProcess() throws Exception {
        try (MlflowServer server = MlflowServer.start(temp.resolve("mlflow"));
                SparkCluster cluster = SparkCluster.start(temp.resolve("spark"), 2)) {
            MlflowRest rest = new MlflowRest(server.uri());
            Path sweepFile =
                    write(
                            temp,
                            "sweep.yaml",
                            trialSpec("spark-asha", 180)
                                    + """
                                    tracking: {uri: '%s', experiment: spark-asha}
                                    sweep:
                                      method: grid
                                      metric: d_loss
                                      scheduler: {type: asha, min_steps: 20, reduction_factor: 3}
                                      parameters:
                                        seed: [1, 2, 3]
                                        optimizers.generator.learning_rate: [0.0001, 0.0002, 0.0004]
                                    """
                                            .formatted(server.uri()));
            Path folder = temp.resolve("sweep");
            List<String> args = sweepArgs(sweepFile, cluster, folder);
            List<String> jvm = List.of("-Dganforge.tracking.intervalSeconds=0.5");
            Map<String, String> env = Map.of("SPARK_HOME", cluster.home().toString());

            Path firstLog = temp.resolve("sweep-1.log");
            Process first = CliFixture.startProcess(firstLog, args, jvm, env);
            started.add(first);

            // 1. a worker dies in the middle of a promoted segment (from step 20 to 60)
            String victim = awaitTrialBetween(folder, 26, 50, firstLog, first);
            int worker = workerRunning(cluster, folder.resolve("trial-" + victim));
            cluster.killWorker(worker);
            cluster.startWorker();
            awaitLine(folder.resolve("trial-" + victim + ".log"), "task attempt 1", firstLog);

            // 2. the sweep process dies; its Spark application ends and the trials checkpoint
            String parent =
                    JSON.readTree(folder.resolve("sweep.json").toFile())
                            .path("properties")
                            .path("mlflow_parent_run_id")
                            .asText();
            assertThat(parent).isNotBlank();
            awaitStarts(folder, 12, firstLog, first);
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
            awaitNoApplication(cluster);

            // 3. the same command again finishes the sweep
            Path secondLog = temp.resolve("sweep-2.log");
            Process second = CliFixture.startProcess(secondLog, args, jvm, env);
            started.add(second);
            assertThat(second.waitFor(10, TimeUnit.MINUTES))
                    .as(Files.readString(secondLog))
                    .isTrue();
            String output = Files.readString(secondLog);
            assertThat(second.exitValue()).as(output).isZero();
            assertThat(output).contains("ASHA rungs at steps [20, 60, 180]");

            JsonNode sweep = JSON.readTree(folder.resolve("sweep.json").toFile());
            assertThat(sweep.path("properties").path("mlflow_parent_run_id").asText())
                    .as("the re-run reuses the MLflow parent run")
                    .isEqualTo(parent);
            List<JsonNode> trials = new ArrayList<>();
            sweep.path("trials").forEach(trials::add);
            assertThat(trials).hasSize(TRIALS);
            long finished =
                    trials.stream()
                            .filter(t -> t.path("status").asText().equals("FINISHED"))
                            .count();
            long pruned =
                    trials.stream().filter(t -> t.path("status").asText().equals("PRUNED")).count();
            assertThat(finished).isGreaterThanOrEqualTo(1);
            assertThat(finished + pruned).as(output).isEqualTo(TRIALS);
            for (JsonNode trial : trials) {
                Path run = folder.resolve("trial-" + trial.path("id").asText());
                List<Long> steps = CliFixture.loggedSteps(run);
                assertThat(steps).as(trial.toString()).isSorted().doesNotHaveDuplicates();
                assertThat(steps.get(steps.size() - 1)).isEqualTo(trial.path("steps").asLong());
            }
            // the killed segment ran again and continued from a checkpoint
            String victimLog = Files.readString(folder.resolve("trial-" + victim + ".log"));
            assertThat(victimLog)
                    .containsPattern("task attempt 1 on .*resuming from the last checkpoint");

            // MLflow: one parent, every trial its child, pruned ones tagged, no duplicate steps
            List<JsonNode> runs = new ArrayList<>();
            for (String id : rest.runIds("spark-asha")) {
                JsonNode run = rest.run(id);
                if (tag(run, "mlflow.parentRunId").equals(Optional.of(parent))) {
                    runs.add(run);
                }
            }
            assertThat(runs).hasSize(TRIALS);
            long taggedPruned =
                    runs.stream()
                            .filter(
                                    r ->
                                            tag(r, "ganforge.trial_status")
                                                    .equals(Optional.of("PRUNED")))
                            .count();
            assertThat(taggedPruned).isEqualTo(pruned);
            String victimRun =
                    JSON.readTree(folder.resolve("trial-" + victim).resolve("mlflow.json").toFile())
                            .path("run_id")
                            .asText();
            List<Long> mlflowSteps =
                    rest.history(victimRun, "d_loss").stream().map(MlflowRest.Point::step).toList();
            assertThat(mlflowSteps).isNotEmpty().doesNotHaveDuplicates();
        }
    }

    /**
     * SIGTERM (what Ctrl-C's SIGINT does too) to a sweep on a Spark cluster: the sweep cancels its
     * Spark jobs, each running trial gets SIGTERM, finishes its step, writes a checkpoint and ends
     * KILLED, and the sweep waits for that before it exits 143, with no RUNNING trial left in
     * sweep.json, no trial JVM and no Spark application left behind. The same command then finishes
     * the sweep from those checkpoints, without a repeated step.
     */
    @Test
    void aSweepStoppedBySigtermStopsItsTrialsOnTheClusterAtACheckpoint() throws Exception {
        try (SparkCluster cluster = SparkCluster.start(temp.resolve("spark"), 2)) {
            Path sweepFile =
                    write(
                            temp,
                            "stop.yaml",
                            trialSpec("spark-stop", 120)
                                    + """
                                    sweep:
                                      method: grid
                                      metric: d_loss
                                      parameters:
                                        seed: [1, 2, 3]
                                    """);
            Path folder = temp.resolve("sweep");
            List<String> args = sweepArgs(sweepFile, cluster, folder);
            Map<String, String> env = Map.of("SPARK_HOME", cluster.home().toString());
            Path firstLog = temp.resolve("stop-1.log");
            Process first = CliFixture.startProcess(firstLog, args, List.of(), env);
            started.add(first);
            awaitRunningTrialsPast(folder, 2, 6, firstLog, first);

            first.destroy(); // SIGTERM
            boolean ended = first.waitFor(200, TimeUnit.SECONDS);
            assertThat(ended).as("the sweep ended; %s", Files.readString(firstLog)).isTrue();
            String output = Files.readString(firstLog);
            assertThat(first.exitValue()).as(output).isEqualTo(143);
            assertThat(output).contains("stopped by a signal");
            List<JsonNode> killed = new ArrayList<>();
            for (JsonNode trial :
                    JSON.readTree(folder.resolve("sweep.json").toFile()).path("trials")) {
                assertThat(trial.path("status").asText())
                        .as(output)
                        .isIn("KILLED", "PENDING", "FINISHED");
                if (trial.path("status").asText().equals("KILLED")) {
                    killed.add(trial);
                }
            }
            assertThat(killed).as(output).hasSizeGreaterThanOrEqualTo(2);
            for (JsonNode trial : killed) {
                Path run = folder.resolve("trial-" + trial.path("id").asText());
                assertThat(run.resolve("status.json")).content().contains("KILLED");
                Path latest =
                        new dev.ganforge.core.run.CheckpointStore(run.resolve("checkpoints"))
                                .latest()
                                .orElseThrow();
                long checkpointed =
                        dev.ganforge.core.run.CheckpointStore.read(latest, false).step();
                List<Long> steps = CliFixture.loggedSteps(run);
                // the stop's checkpoint holds every step the trial logged
                assertThat(checkpointed).isGreaterThanOrEqualTo(steps.get(steps.size() - 1));
                assertThat(checkpointed).isLessThan(120);
            }
            awaitNoApplication(cluster);
            awaitNoTrialProcess(folder);

            Path secondLog = temp.resolve("stop-2.log");
            Process second = CliFixture.startProcess(secondLog, args, List.of(), env);
            started.add(second);
            assertThat(second.waitFor(10, TimeUnit.MINUTES))
                    .as(Files.readString(secondLog))
                    .isTrue();
            assertThat(second.exitValue()).as(Files.readString(secondLog)).isZero();
            for (JsonNode trial :
                    JSON.readTree(folder.resolve("sweep.json").toFile()).path("trials")) {
                assertThat(trial.path("status").asText()).isEqualTo("FINISHED");
                List<Long> steps =
                        CliFixture.loggedSteps(
                                folder.resolve("trial-" + trial.path("id").asText()));
                assertThat(steps).isSorted().doesNotHaveDuplicates().endsWith(120L);
            }
        }
    }

    /** {@code ganforge sweep FILE --executor spark --master URL --output FOLDER}'s arguments. */
    private static List<String> sweepArgs(Path sweepFile, SparkCluster cluster, Path folder) {
        return List.of(
                "sweep",
                sweepFile.toString(),
                "--executor",
                "spark",
                "--master",
                cluster.masterUrl(),
                "--output",
                folder.toString());
    }

    /**
     * The trials' spec up to {@code training:}: tiny networks on synthetic 8×8 images, each step at
     * least 40 ms (the slow sampler), so a trial can be stopped in the middle; a checkpoint every 5
     * steps.
     */
    private static String trialSpec(String experiment, int steps) {
        return """
        experiment: %s
        seed: 7
        dataset: {type: synthetic, size: 48, classes: 3, side: 8}
        model: {type: cgan, latent_dim: 4, layers: [4, 8], kernel_size: 3}
        sampler: {type: slow-uniform, delay_ms: 40}
        training:
          batch_size: 8
          steps: %d
          log_every: 2
          sample_every: 60
          checkpoint_every: 5
          sample_rows: 2
        """
                .formatted(experiment, steps);
    }

    /** Waits until {@code count} trials are RUNNING and have each logged a step ≥ {@code step}. */
    private static void awaitRunningTrialsPast(
            Path folder, int count, long step, Path log, Process process) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            int past = 0;
            if (Files.exists(folder.resolve("sweep.json"))) {
                for (JsonNode trial :
                        JSON.readTree(folder.resolve("sweep.json").toFile()).path("trials")) {
                    Path run = folder.resolve("trial-" + trial.path("id").asText());
                    if (trial.path("status").asText().equals("RUNNING")
                            && Files.exists(run.resolve("metrics.csv"))) {
                        List<Long> steps = CliFixture.loggedSteps(run);
                        if (!steps.isEmpty() && steps.get(steps.size() - 1) >= step) {
                            past++;
                        }
                    }
                }
            }
            if (past >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                count + " trials never ran past step " + step + "; " + Files.readString(log));
    }

    /** Waits until no process on this machine names the sweep folder (a trial JVM left behind). */
    private static void awaitNoTrialProcess(Path folder) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> left = List.of();
        while (System.currentTimeMillis() < deadline) {
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                left =
                        all.filter(p -> p.pid() != ProcessHandle.current().pid())
                                .map(p -> commandLine(p.pid()))
                                .filter(line -> line.contains(folder.toString() + "/trial-"))
                                .toList();
            }
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("trial processes left after the sweep stopped: " + left);
    }

    private static Optional<String> tag(JsonNode run, String key) {
        for (JsonNode tag : run.path("data").path("tags")) {
            if (tag.path("key").asText().equals(key)) {
                return Optional.of(tag.path("value").asText());
            }
        }
        return Optional.empty();
    }

    /** Waits until a RUNNING trial has logged a step in [low, high]; returns its id. */
    private static String awaitTrialBetween(
            Path folder, long low, long high, Path log, Process process) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            if (Files.exists(folder.resolve("sweep.json"))) {
                for (JsonNode trial :
                        JSON.readTree(folder.resolve("sweep.json").toFile()).path("trials")) {
                    if (!trial.path("status").asText().equals("RUNNING")) {
                        continue;
                    }
                    Path run = folder.resolve("trial-" + trial.path("id").asText());
                    if (!Files.exists(run.resolve("metrics.csv"))) {
                        continue;
                    }
                    List<Long> steps = CliFixture.loggedSteps(run);
                    if (!steps.isEmpty()
                            && steps.get(steps.size() - 1) >= low
                            && steps.get(steps.size() - 1) <= high) {
                        return trial.path("id").asText();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no trial reached step " + low + "; " + Files.readString(log));
    }

    /** The index of the worker whose executor runs the trial's JVM (looked for during 10 s). */
    private static int workerRunning(SparkCluster cluster, Path run) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            int worker = findWorker(cluster, run);
            if (worker >= 0) {
                return worker;
            }
            Thread.sleep(50);
        }
        StringBuilder tree = new StringBuilder();
        for (Process worker : cluster.workers()) {
            tree.append("\nworker ").append(worker.pid()).append(worker.isAlive() ? "" : " (dead)");
            worker.descendants()
                    .forEach(
                            p -> {
                                String line = commandLine(p.pid());
                                tree.append("\n  ")
                                        .append(p.pid())
                                        .append(" ")
                                        .append(line.substring(Math.max(0, line.length() - 160)));
                            });
        }
        throw new AssertionError("no worker runs " + run + tree);
    }

    /** The index of the worker whose executor runs the trial's JVM now, or -1. */
    private static int findWorker(SparkCluster cluster, Path run) {
        for (int i = 0; i < cluster.workers().size(); i++) {
            try (Stream<ProcessHandle> descendants = cluster.workers().get(i).descendants()) {
                // /proc/PID/cmdline: the JDK's ProcessHandle.Info cuts long command lines (a
                // classpath of a hundred jars) before the arguments
                if (descendants.anyMatch(p -> commandLine(p.pid()).contains(run.toString()))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .replace('\0', ' ');
        } catch (java.io.IOException gone) {
            return "";
        }
    }

    private static void awaitLine(Path file, String text, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(file + " never says '" + text + "'; " + Files.readString(log));
    }

    /** Waits until the sweep has started {@code segments} segments in all. */
    private static void awaitStarts(Path folder, int segments, Path log, Process process)
            throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            int started = 0;
            for (JsonNode trial :
                    JSON.readTree(folder.resolve("sweep.json").toFile()).path("trials")) {
                started += trial.path("attempts").asInt();
            }
            if (started >= segments) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "the sweep did not start " + segments + " segments; " + Files.readString(log));
    }

    /** Waits until the killed sweep's Spark application has ended, so the re-run gets the cores. */
    private static void awaitNoApplication(SparkCluster cluster) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (cluster.state().path("activeapps").isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the Spark application of the killed sweep did not end");
    }
}
