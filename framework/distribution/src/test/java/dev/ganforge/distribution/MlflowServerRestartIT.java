package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.tracking.mlflow.SyncState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MLflow server dies mid-run and comes back: training goes on and the server ends up with
 * everything, once.
 */
class MlflowServerRestartIT {

    @TempDir Path temp;

    @Test
    void nothingIsLostOrDuplicatedWhenTheServerIsKilledAndRestartedMidRun() throws Exception {
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        try (MlflowServer server = MlflowServer.start(temp.resolve("server"))) {
            String spec =
                    MlflowTrackingIT.trackedSpec(80, server.uri(), "restart")
                            .replace("sample_every: 3", "sample_every: 10");
            Path out = temp.resolve("run");
            CompletableFuture<CliFixture.Result> training =
                    CompletableFuture.supplyAsync(
                            () ->
                                    CliFixture.run(
                                            "run",
                                            temp.resolve("spec.yaml").toString(),
                                            "--output",
                                            out.toString()));
            write(
                    temp,
                    "spec.yaml",
                    spec); // written before the first read: supplyAsync may start at once
            waitFor(() -> SyncState.read(out).metricStep() >= 2, "metrics reached the server");
            server.kill();
            long stepAtKill = SyncState.read(out).metricStep();
            waitFor(
                    () -> lastStep(out) >= stepAtKill + 8,
                    "training went on while the server was down");
            boolean trainingOutlivedTheServer = !training.isDone();
            server.restart();
            CliFixture.Result result = training.get(10, TimeUnit.MINUTES);

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(trainingOutlivedTheServer).isTrue();
            assertThat(result.err()).contains("retrying in the background");
            MlflowRest rest = new MlflowRest(server.uri());
            String runId = SyncState.read(out).runId();
            assertThat(rest.runIds("restart")).containsExactly(runId);
            List<Long> steps =
                    Files.readAllLines(out.resolve("metrics.csv")).stream()
                            .skip(1)
                            .map(line -> Long.parseLong(line.split(",")[0]))
                            .toList();
            assertThat(steps).hasSize(40);
            for (String metric : List.of("d_loss", "g_loss", "sec_per_step")) {
                assertThat(rest.history(runId, metric))
                        .extracting(MlflowRest.Point::step)
                        .containsExactlyElementsOf(steps);
            }
            List<String> images =
                    rest.artifacts(runId).stream().filter(a -> a.startsWith("images/")).toList();
            assertThat(images).hasSize(9 * 3 * 2).doesNotHaveDuplicates(); // steps 0, 10, ..., 80
            assertThat(rest.status(runId)).isEqualTo("FINISHED");
        } finally {
            System.clearProperty("ganforge.tracking.intervalSeconds");
        }
    }

    private static long lastStep(Path run) {
        try {
            List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
            return lines.size() < 2 ? 0 : Long.parseLong(lines.get(lines.size() - 1).split(",")[0]);
        } catch (Exception e) {
            return 0;
        }
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }
}
