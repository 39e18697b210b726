package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.tracking.mlflow.SyncState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with MLflow's basic-auth app: credentials from the environment work, none give one clear
 * error.
 */
class MlflowBasicAuthIT {

    private static MlflowServer server;

    @TempDir static Path serverFolder;

    @TempDir Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        server = MlflowServer.start(serverFolder.resolve("server"), true);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void withoutCredentialsTrainingFinishesAndTheErrorSaysWhatToSet() throws Exception {
        assertThat(System.getenv("MLFLOW_TRACKING_USERNAME"))
                .as("this test needs no credentials in its environment")
                .isNull();
        Path out = temp.resolve("run");
        CliFixture.Result result =
                run(
                        "run",
                        write(
                                        temp,
                                        "tiny.yaml",
                                        MlflowTrackingIT.trackedSpec(
                                                4, server.uri(), "no-credentials"))
                                .toString(),
                        "--output",
                        out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("FINISHED after 4 steps")
                .contains("ganforge sync " + out);
        assertThat(result.err())
                .contains("HTTP 401")
                .contains("set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD")
                .contains("not retried");
        assertThat(SyncState.read(out).runId()).isNull();
        assertThatThrownBy(
                        () ->
                                new MlflowRest(
                                                server.uri(),
                                                MlflowServer.ADMIN,
                                                MlflowServer.ADMIN_PASSWORD)
                                        .runIds("no-credentials"))
                .hasMessageContaining("404");
    }

    @Test
    void withCredentialsFromTheEnvironmentTheRunArrivesAndThePasswordAppearsNowhere()
            throws Exception {
        Path spec =
                write(
                        temp,
                        "tiny.yaml",
                        MlflowTrackingIT.trackedSpec(4, server.uri(), "with-credentials"));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        ProcessBuilder builder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dganforge.tracking.intervalSeconds=0.5",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.ganforge.cli.Main",
                                "run",
                                spec.toString(),
                                "--output",
                                out.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("MLFLOW_TRACKING_USERNAME", MlflowServer.ADMIN);
        builder.environment().put("MLFLOW_TRACKING_PASSWORD", MlflowServer.ADMIN_PASSWORD);
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        MlflowRest rest =
                new MlflowRest(server.uri(), MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD);
        String runId = SyncState.read(out).runId();
        assertThat(rest.runIds("with-credentials")).containsExactly(runId);
        assertThat(rest.status(runId)).isEqualTo("FINISHED");
        assertThat(rest.history(runId, "d_loss"))
                .extracting(MlflowRest.Point::step)
                .containsExactly(2L, 4L);
        assertThat(rest.artifacts(runId)).contains("spec.yaml", "metrics.csv");
        assertThat(output).doesNotContain(MlflowServer.ADMIN_PASSWORD);
        assertThat(rest.params(runId).values())
                .noneMatch(v -> v.contains(MlflowServer.ADMIN_PASSWORD));
        assertThat(rest.tags(runId).values())
                .noneMatch(v -> v.contains(MlflowServer.ADMIN_PASSWORD));
        FlakyMlflowServerIT.assertNothingHolds(
                out,
                output,
                MlflowServer.ADMIN_PASSWORD,
                Base64.getEncoder()
                        .encodeToString(
                                (MlflowServer.ADMIN + ":" + MlflowServer.ADMIN_PASSWORD)
                                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void syncSendsNoCredentialsToAServerNamedOnlyByTheRunFolder() throws Exception {
        Path out = temp.resolve("run");
        trainTinyRun(out);
        try (FlakyProxy elsewhere = new FlakyProxy(server.uri(), false)) {
            // someone edited mlflow.json to name their server
            Files.writeString(
                    out.resolve(SyncState.FILE), "{\"tracking_uri\": \"" + elsewhere.uri() + "\"}");
            Map<String, String> credentials =
                    Map.of(
                            "MLFLOW_TRACKING_USERNAME", MlflowServer.ADMIN,
                            "MLFLOW_TRACKING_PASSWORD", MlflowServer.ADMIN_PASSWORD);

            Process fromFolder =
                    CliFixture.startProcess(
                            temp.resolve("sync-1.txt"),
                            List.of("sync", out.toString()),
                            List.of(),
                            credentials);
            assertThat(fromFolder.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String said = Files.readString(temp.resolve("sync-1.txt"));
            assertThat(fromFolder.exitValue()).as(said).isEqualTo(5);
            assertThat(said)
                    .contains("not sending credentials to " + elsewhere.uri())
                    .contains("--tracking-uri");
            assertThat(elsewhere.authorizations).isNotEmpty().allMatch(String::isEmpty);

            Process named =
                    CliFixture.startProcess(
                            temp.resolve("sync-2.txt"),
                            List.of("sync", out.toString(), "--tracking-uri", elsewhere.uri()),
                            List.of(),
                            credentials);
            assertThat(named.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(named.exitValue()).as(Files.readString(temp.resolve("sync-2.txt"))).isZero();
            assertThat(elsewhere.authorizations).anyMatch(value -> value.startsWith("Basic "));
        }
    }

    @Test
    void syncWithoutCredentialsFailsWithItsOwnExitCode() throws Exception {
        Path runs = temp.resolve("runs");
        trainTinyRun(runs.resolve("a"));
        CliFixture.Result sync = run("sync", runs.toString(), "--tracking-uri", server.uri());
        assertThat(sync.exitCode()).isEqualTo(5);
        assertThat(sync.err()).contains("HTTP 401").contains("MLFLOW_TRACKING_USERNAME");
        assertThat(List.of(sync.out(), sync.err()))
                .noneMatch(text -> text.contains(MlflowServer.ADMIN_PASSWORD));
    }

    /**
     * Trains a 2-step run into {@code out} (in this JVM, whose environment has no credentials),
     * waiting at most 1 s for a tracking server.
     */
    private void trainTinyRun(Path out) throws Exception {
        System.setProperty("ganforge.tracking.finalWaitSeconds", "1");
        try {
            assertThat(
                            run(
                                            "run",
                                            write(temp, "tiny.yaml", CliFixture.tinySpec(2))
                                                    .toString(),
                                            "--output",
                                            out.toString())
                                    .exitCode())
                    .isZero();
        } finally {
            System.clearProperty("ganforge.tracking.finalWaitSeconds");
        }
    }
}
