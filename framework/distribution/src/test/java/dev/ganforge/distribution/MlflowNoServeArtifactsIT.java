package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.tracking.mlflow.SyncState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started with --no-serve-artifacts: one clear message, metrics and status still mirrored,
 * files stay local.
 */
class MlflowNoServeArtifactsIT {

    @TempDir Path temp;

    @Test
    void aServerThatDoesNotServeArtifactsIsReportedOnce() throws Exception {
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        try (MlflowServer server =
                MlflowServer.start(temp.resolve("server"), false, "--no-serve-artifacts")) {
            Path out = temp.resolve("run");
            CliFixture.Result result =
                    run(
                            "run",
                            write(
                                            temp,
                                            "tiny.yaml",
                                            MlflowTrackingIT.trackedSpec(
                                                    6, server.uri(), "no-artifacts"))
                                    .toString(),
                            "--output",
                            out.toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.err()).contains("--no-serve-artifacts");
            assertThat(result.err().split("does not accept artifacts from clients", -1))
                    .hasSize(2); // reported once
            assertThat(result.out()).doesNotContain("not fully mirrored");
            MlflowRest rest = new MlflowRest(server.uri());
            String runId = SyncState.read(out).runId();
            assertThat(rest.status(runId)).isEqualTo("FINISHED");
            assertThat(rest.history(runId, "d_loss"))
                    .extracting(MlflowRest.Point::step)
                    .containsExactly(2L, 4L, 6L);
            assertThat(rest.tags(runId)).doesNotContainKey("mlflow.loggedImages");
            assertThat(Files.readString(out.resolve("mlflow.json")))
                    .contains("artifacts_unavailable")
                    .contains("no-serve-artifacts");
            assertThat(out.resolve("samples/step-00000006-fake1.png")).exists();
        } finally {
            System.clearProperty("ganforge.tracking.intervalSeconds");
        }
    }
}
