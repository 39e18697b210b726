package dev.ganforge.tracking.mlflow;

import static dev.ganforge.tracking.mlflow.RunFolderFixture.rows;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.spec;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background mirror: it waits for the folder, survives failures, stops on refusals, and
 * finishes in time.
 */
class LiveSyncTest {

    @TempDir Path run;

    private final FakeTracker tracker = new FakeTracker();
    private final List<String> notices = new CopyOnWriteArrayList<>();

    private LiveSync live() {
        return new LiveSync(
                run,
                () -> new MlflowSync(run, tracker, "http://127.0.0.1:1", null, notices::add),
                Duration.ofMillis(20),
                notices::add);
    }

    @Test
    void aFailingServerIsRetriedAndTheFinalSyncCompletesTheRun() throws Exception {
        RunFolderFixture.create(run, spec(4));
        Files.writeString(
                run.resolve("run-info.json"),
                "{\"dataset\": {\"name\": \"synthetic\", \"size\": 10, \"classes\": 2}}");
        tracker.failAtCall = 1; // the first call fails with 503
        LiveSync live = live();
        live.start();
        rows(run, 1, 4, 1.0);
        status(run, "FINISHED", null);

        assertThat(live.finish(Duration.ofSeconds(20))).isTrue();
        assertThat(tracker.status).isEqualTo(RunStatus.FINISHED);
        assertThat(tracker.metrics).filteredOn(m -> m.key().equals("d_loss")).hasSize(4);
        assertThat(notices).anyMatch(n -> n.contains("retrying in the background"));
    }

    @Test
    void aRefusedRequestStopsTheMirrorAndFinishReturnsPromptly() throws Exception {
        RunFolderFixture.create(run, spec(4));
        Files.writeString(run.resolve("run-info.json"), "{}");
        tracker.failAtCall = 1;
        tracker.failRetryable = false;
        LiveSync live = live();
        live.start();
        Thread.sleep(200);
        status(run, "FINISHED", null);
        long started = System.nanoTime();
        assertThat(live.finish(Duration.ofSeconds(20))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(live.problem()).contains("scripted failure");
        assertThat(notices).anyMatch(n -> n.contains("not retried"));
        assertThat(tracker.runsCreated).isZero();
    }

    @Test
    void finishWaitsNoLongerThanAskedWhenTheServerStaysDown() throws Exception {
        RunFolderFixture.create(run, spec(4));
        Files.writeString(run.resolve("run-info.json"), "{}");
        Tracker down =
                new FakeTracker() {
                    @Override
                    public String experimentId(String name) {
                        throw new TrackingException("connection refused", true, 0, null);
                    }
                };
        LiveSync live =
                new LiveSync(
                        run,
                        () -> new MlflowSync(run, down, "http://127.0.0.1:1", null, notices::add),
                        Duration.ofMillis(20),
                        notices::add);
        live.start();
        status(run, "FINISHED", null);
        long started = System.nanoTime();
        assertThat(live.finish(Duration.ofSeconds(2))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aSecondSyncOfTheSameFolderAtTheSameTimeIsRefused() throws Exception {
        RunFolderFixture.create(run, spec(4));
        Tracker slow =
                new FakeTracker() {
                    @Override
                    public String experimentId(String name) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.experimentId(name);
                    }
                };
        Thread first =
                new Thread(
                        () ->
                                new MlflowSync(run, slow, "http://127.0.0.1:1", null, notices::add)
                                        .sync());
        first.start();
        Thread.sleep(300);
        try {
            new MlflowSync(run, tracker, "http://127.0.0.1:1", null, notices::add).sync();
            Assertions.fail("the second sync should be refused");
        } catch (TrackingException e) {
            assertThat(e.getMessage()).contains("another sync");
        }
        first.join();
        assertThat(tracker.runsCreated).isZero();
    }
}
