package dev.ganforge.tracking.mlflow;

import static dev.ganforge.tracking.mlflow.RunFolderFixture.checkpoint;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.rows;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.sample;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.spec;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.run.SystemMetricsLog;
import dev.ganforge.core.runtime.SystemSample;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MlflowSync against an in-memory tracker: watermarks, order, limits, failures, resume. */
class MlflowSyncTest {

    @TempDir Path run;

    /** Metrics per row of these runs: all but mode_seeking_ratio, which needs that term. */
    private static final int ROW_POINTS = RunFolderReader.METRICS.size() - 1;

    private final FakeTracker tracker = new FakeTracker();
    private final List<String> notices = new ArrayList<>();

    private MlflowSync sync() {
        return new MlflowSync(run, tracker, "http://127.0.0.1:1", null, notices::add);
    }

    @Test
    void mirrorsAnEndedRunOnceAndASecondSyncSendsNothing() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.25);
        sample(run, 2, "real", 10, 5);
        sample(run, 2, "fake1", 10, 5);
        checkpoint(run, 4);
        status(run, "FINISHED", null);

        MlflowSync.Report first = sync().sync();
        MlflowSync.Report second = sync().sync();

        assertThat(first.complete()).isTrue();
        assertThat(second.nothingSent()).isTrue();
        assertThat(tracker.runsCreated).isEqualTo(1);
        assertThat(tracker.experiments).containsKey("toy");
        assertThat(tracker.params)
                .containsEntry("training.steps", "4")
                .containsEntry("model.layers", "[4, 8]")
                .containsEntry("experiment", "toy")
                .doesNotContainKeys("tracking.uri", "tracking.experiment");
        assertThat(tracker.tags)
                .containsEntry("mlflow.source.type", "LOCAL")
                .containsEntry("mlflow.runName", "toy-" + run.getFileName())
                .containsEntry("mlflow.loggedImages", "True")
                .containsKey("mlflow.user");
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("d_loss"))
                .extracting(MetricPoint::step)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("d_loss"))
                .extracting(MetricPoint::timestampMs)
                .containsExactly(
                        1_700_000_000_001L,
                        1_700_000_000_002L,
                        1_700_000_000_003L,
                        1_700_000_000_004L);
        assertThat(tracker.metrics).hasSize(4 * ROW_POINTS);
        assertThat(tracker.artifacts.keySet())
                .contains(
                        "spec.yaml",
                        "classes.txt",
                        "metrics.csv",
                        "status.json",
                        "checkpoints/step-00000004/generator.zip",
                        "checkpoints/step-00000004/discriminator.zip");
        assertThat(tracker.artifacts.keySet().stream().filter(k -> k.startsWith("images/")))
                .hasSize(4)
                .allMatch(
                        k ->
                                k.matches(
                                        "images/(real|fake1)\\+step\\+2\\+timestamp\\+\\d+\\+[0-9a-f-]{36}"
                                            + "(\\.png|\\+compressed\\.webp)"));
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    void theTrainingDataIsSentOnceAsTheRunsDatasetInput() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        fashionRunInfo("48fa68a7d87c773161241228a9d13e1c7c8ecc25", true, "fp32").write(run);

        sync().sync();
        sync().sync();

        assertThat(tracker.datasetInputs)
                .containsExactly(
                        new Tracker.DatasetRef(
                                "fashion-mnist",
                                "0123456789abcdef",
                                "fashion-mnist:/data/fashion",
                                60000,
                                10));
        // run-info.json's commit, and that it was built with uncommitted changes
        assertThat(tracker.tags)
                .containsEntry(
                        "mlflow.source.git.commit", "48fa68a7d87c773161241228a9d13e1c7c8ecc25")
                .containsEntry("ganforge.git_dirty", "true")
                .containsEntry("ganforge.precision", "fp32");

        // a resume with committed code in bf16: run-info.json describes the latest start
        status(run, "RUNNING", null);
        fashionRunInfo("5ab91b62337a677f160e7c39a2f7413673b4d7c4", false, "bf16").write(run);
        sync().sync();
        assertThat(tracker.tags)
                .containsEntry(
                        "mlflow.source.git.commit", "5ab91b62337a677f160e7c39a2f7413673b4d7c4")
                .containsEntry("ganforge.git_dirty", "false")
                .containsEntry("ganforge.precision", "bf16");
    }

    /** The run-info.json of a Fashion-MNIST run built from {@code commit}. */
    private static dev.ganforge.core.run.RunInfo fashionRunInfo(
            String commit, boolean dirty, String precision) {
        return new dev.ganforge.core.run.RunInfo(
                "fashion-mnist",
                60000,
                10,
                java.util.Map.of(),
                "me",
                commit,
                dirty,
                1,
                "0123456789abcdef",
                "fashion-mnist:/data/fashion",
                precision);
    }

    @Test
    void aRefusedDatasetInputDoesNotKeepTheRunFromFinishing() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        status(run, "FINISHED", null);
        new dev.ganforge.core.run.RunInfo(
                        "fashion-mnist",
                        60000,
                        10,
                        java.util.Map.of(),
                        "me",
                        null,
                        null,
                        1,
                        "ab",
                        "x",
                        null)
                .write(run);
        tracker.refuseDatasetInputs = true;

        MlflowSync.Report report = sync().sync();

        assertThat(report.complete()).isTrue();
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
        assertThat(tracker.calls.stream().filter("logDatasetInput"::equals))
                .as("tried twice: a concurrent insert may have just committed")
                .hasSize(2);
        assertThat(notices).anyMatch(n -> n.contains("dataset input was refused"));
        assertThat(sync().sync().nothingSent()).isTrue();
    }

    @Test
    void evaluationMetricsAreMirroredWithTheirStepsOnce() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        Files.writeString(
                run.resolve("eval.csv"),
                "step,metric,value,timestamp_ms\n"
                        + "2,eval/label_accuracy,0.5,1700000000100\n"
                        + "2,eval/fd_ganforge_cnn,12.5,1700000000100\n"
                        + "4,eval/label_accuracy,0.75,1700000000200\n"
                        + "4,eval/fd_ganforge_cnn,NaN,1700000000200\n");

        sync().sync();
        Files.writeString(
                run.resolve("eval.csv"),
                "4,eval/precision,0.25,1700000000200\n",
                StandardOpenOption.APPEND);
        sync().sync(); // a later evaluation step's rows arrive whole; step 4 was already sent
        status(run, "FINISHED", null);
        sync().sync();

        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("eval/label_accuracy"))
                .extracting(MetricPoint::step, MetricPoint::value, MetricPoint::timestampMs)
                .containsExactly(
                        Tuple.tuple(2L, 0.5, 1_700_000_000_100L),
                        Tuple.tuple(4L, 0.75, 1_700_000_000_200L));
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("eval/fd_ganforge_cnn"))
                .hasSize(1);
        assertThat(tracker.metrics).filteredOn(m -> m.key().equals("eval/precision")).isEmpty();
        assertThat(tracker.artifacts).containsKey("eval.csv");
    }

    @Test
    void systemMetricsGoOutUnderMlflowsSystemNamesOnceEachAlsoAfterAResume() throws Exception {
        RunFolderFixture.create(run, spec(8));
        rows(run, 1, 6, 1.0);
        Path file = run.resolve(RunDirectory.SYSTEM_METRICS_FILE);
        try (SystemMetricsLog log = new SystemMetricsLog(file)) {
            log.append(0, new SystemSample(10, 2000, 25, 300, 40, 5000, 6000, 45.5), 1_000L);
            log.append(6, new SystemSample(90, 2100, 26, Double.NaN, 41, 5001, 5999, 45.6), 2_000L);
        }
        sync().sync();
        Files.writeString(file, "6,95.0,2", StandardOpenOption.APPEND); // cut off by kill -9
        sync().sync(); // the cut-off row is not read
        try (SystemMetricsLog resumed = new SystemMetricsLog(file)) { // resume from step 4
            resumed.append(4, new SystemSample(70, 2200, 27, 310, 42, 5002, 5998, 45.7), 3_000L);
        }
        status(run, "FINISHED", null);
        sync().sync();
        sync().sync();

        List<String> keys =
                tracker.metrics.stream()
                        .map(MetricPoint::key)
                        .filter(key -> key.startsWith("system/"))
                        .distinct()
                        .toList();
        assertThat(keys)
                .containsExactlyInAnyOrderElementsOf(
                        SystemSample.NAMES.stream().map(name -> "system/" + name).toList())
                .contains(
                        "system/cpu_utilization_percentage",
                        "system/system_memory_usage_megabytes",
                        "system/system_memory_usage_percentage",
                        "system/disk_usage_percentage",
                        "system/disk_usage_megabytes",
                        "system/disk_available_megabytes",
                        "system/process_rss_megabytes",
                        "system/jvm_heap_used_megabytes");
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("system/cpu_utilization_percentage"))
                .extracting(MetricPoint::step, MetricPoint::value, MetricPoint::timestampMs)
                .containsExactly(
                        Tuple.tuple(0L, 10.0, 1_000L),
                        Tuple.tuple(6L, 90.0, 2_000L),
                        Tuple.tuple(4L, 70.0, 3_000L));
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("system/process_rss_megabytes"))
                .extracting(MetricPoint::value)
                .as("a value the system could not read is left out")
                .containsExactly(300.0, 310.0);
        assertThat(tracker.tags).doesNotContainKey("ganforge.non_finite_metric_values");
        assertThat(tracker.artifacts).containsKey(RunDirectory.SYSTEM_METRICS_FILE);
        assertThat(SyncState.read(run).systemTimeMs).isEqualTo(3_000L);
    }

    @Test
    void aFailureMidWayResumesWhereItStoppedWithoutDuplicates() throws Exception {
        RunFolderFixture.create(run, spec(400));
        rows(run, 1, 400, 1.0); // 2800 points: three metric batches
        sample(run, 100, "real", 4, 4);
        sample(run, 200, "real", 4, 4);
        status(run, "FINISHED", null);
        for (int failAt = 2; failAt < 30; failAt += 3) {
            tracker.failAtCall = tracker.calls.size() + failAt;
            try {
                sync().sync();
            } catch (TrackingException expected) {
                assertThat(expected.retryable()).isTrue();
            }
        }
        tracker.failAtCall = 0;
        assertThat(sync().sync().complete()).isTrue();

        assertThat(tracker.runsCreated).isEqualTo(1);
        List<Long> steps =
                tracker.metrics.stream()
                        .filter(m -> m.key().equals("g_loss"))
                        .map(MetricPoint::step)
                        .toList();
        assertThat(steps).hasSize(400).isSorted().doesNotHaveDuplicates();
        assertThat(tracker.batchMetricCounts)
                .allMatch(n -> n <= 1000 && n % ROW_POINTS == 0); // whole rows per batch
        assertThat(tracker.artifacts.keySet().stream().filter(k -> k.startsWith("images/")))
                .hasSize(4);
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    void theModeSeekingRatioIsMirroredWhenTheRunLogsIt() throws Exception {
        RunFolderFixture.create(run, spec(2));
        Files.writeString(
                run.resolve("metrics.csv"),
                "step,epoch,d_loss,g_loss,d_real,d_fake,sec_per_step,samples_per_sec,timestamp_ms,"
                        + "mode_seeking_ratio\n"
                        + "1,0,1.0,0.5,0.6,0.4,0.01,100.0,1700000000001,0.031\n"
                        + "2,0,1.0,0.5,0.6,0.4,0.01,100.0,1700000000002,0.029\n"
                        // resumed with the term off: not a non-finite value to warn about
                        + "3,0,1.0,0.5,0.6,0.4,0.01,100.0,1700000000003,NaN\n");
        status(run, "FINISHED", null);

        sync().sync();

        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("mode_seeking_ratio"))
                .extracting(MetricPoint::step, MetricPoint::value)
                .containsExactly(tuple(1L, 0.031), tuple(2L, 0.029));
        sync().sync();
        assertThat(tracker.tags).doesNotContainKey("ganforge.non_finite_metric_values");
    }

    @Test
    void nonFiniteValuesAreSkippedAndCounted() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 2, 1.0);
        rows(run, 3, 3, Double.NaN);
        rows(run, 4, 4, Double.POSITIVE_INFINITY);
        sync().sync();
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("d_loss"))
                .extracting(MetricPoint::step)
                .containsExactly(1L, 2L);
        assertThat(tracker.metrics).filteredOn(m -> m.key().equals("g_loss")).hasSize(4);
        assertThat(tracker.metrics).allMatch(m -> Double.isFinite(m.value()));
        sync().sync(); // the count goes out as a tag once known
        assertThat(tracker.tags).containsEntry("ganforge.non_finite_metric_values", "2");
    }

    @Test
    void resumeKeepsTheRunParamsAndStepsAndReportsChangedSpecValuesAsTags() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        status(run, "KILLED", "stopped by signal at step 4");
        sync().sync();
        assertThat(tracker.status).isEqualTo(RunStatus.KILLED);
        assertThat(tracker.tags)
                .containsEntry("ganforge.status_reason", "stopped by signal at step 4");

        Files.writeString(
                run.resolve("spec.yaml"), spec(8)); // ganforge resume --set training.steps=8
        status(run, "RUNNING", null);
        sync().sync();
        assertThat(tracker.status).isEqualTo(RunStatus.RUNNING);
        rows(run, 5, 8, 2.0);
        status(run, "FINISHED", null);
        sync().sync();

        assertThat(tracker.runsCreated).isEqualTo(1);
        assertThat(tracker.params).containsEntry("training.steps", "4");
        assertThat(tracker.tags).containsEntry("ganforge.changed_param.training.steps", "8");
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("d_loss"))
                .extracting(MetricPoint::step)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    void stepsAtOrBelowTheWatermarkAreNotSentAgainAfterAResumeFromAnOlderCheckpoint()
            throws Exception {
        RunFolderFixture.create(run, spec(8));
        rows(run, 1, 6, 1.0);
        sync().sync();
        // the process died at step 6; resume from the checkpoint of step 4 truncates and retrains
        // 5..8
        Files.writeString(
                run.resolve("metrics.csv"),
                Files.readString(run.resolve("metrics.csv"))
                        .lines()
                        .limit(5)
                        .reduce("", (a, b) -> a + b + "\n"));
        rows(run, 5, 8, 9.0);
        sync().sync();
        assertThat(tracker.metrics)
                .filteredOn(m -> m.key().equals("d_loss"))
                .extracting(MetricPoint::step, MetricPoint::value)
                .containsExactly(
                        Tuple.tuple(1L, 1.0), Tuple.tuple(2L, 1.0),
                        Tuple.tuple(3L, 1.0), Tuple.tuple(4L, 1.0),
                        Tuple.tuple(5L, 1.0), Tuple.tuple(6L, 1.0),
                        Tuple.tuple(7L, 9.0), Tuple.tuple(8L, 9.0));
    }

    @Test
    void aServerWithoutArtifactServingIsReportedOnceAndMetricsStillGoOut() throws Exception {
        tracker.artifactUri = "/srv/mlflow/artifacts/1/run-1/artifacts";
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        sample(run, 2, "real", 4, 4);
        status(run, "FINISHED", null);
        assertThat(sync().sync().complete()).isTrue();
        sync().sync();
        assertThat(notices).filteredOn(n -> n.contains("--no-serve-artifacts")).hasSize(1);
        assertThat(tracker.metrics).isNotEmpty();
        assertThat(tracker.artifacts).isEmpty();
        assertThat(tracker.tags).doesNotContainKey("mlflow.loggedImages");
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    void aCreatedRunWhoseAnswerWasLostIsFoundAgainNotCreatedTwice() throws Exception {
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 2, 1.0);
        tracker.loseCreateRunAnswer = true;
        assertThatThrownBy(() -> sync().sync()).isInstanceOf(TrackingException.class);
        assertThat(SyncState.read(run).runId()).isNull();

        sync().sync();

        assertThat(tracker.runsCreated).isEqualTo(1);
        assertThat(SyncState.read(run).runId()).isEqualTo("run-1");
        assertThat(tracker.metrics).filteredOn(m -> m.key().equals("d_loss")).hasSize(2);
    }

    @Test
    void aRefusedRequestIsNotRetryable() throws Exception {
        RunFolderFixture.create(run, spec(4));
        tracker.failAtCall = 1;
        tracker.failRetryable = false;
        assertThatThrownBy(() -> sync().sync())
                .isInstanceOfSatisfying(
                        TrackingException.class, e -> assertThat(e.retryable()).isFalse());
        assertThat(SyncState.read(run).runId()).isNull();
    }
}
