package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.tracking.mlflow.SyncState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MLflow server behind {@link FlakyProxy}: bursts of 503 and 429, answers lost after the
 * server acted, slow responses, and at first no answer at all. Training must not wait for it (the
 * run trains every step while not one request has been answered), everything must arrive once (each
 * metric step once, each grid once, the artifacts, the final status), and the bearer token from the
 * environment must reach the server on every request yet appear in nothing the run writes: not in
 * any file of the run folder (binary checkpoints included), not in its output. Bounded: about a
 * minute.
 */
class FlakyMlflowServerIT {

    private static final String TOKEN = "gf-token-Q8v2XkP4";

    @TempDir Path temp;

    @Test
    void trainingDoesNotWaitAndEverythingArrivesOnceThroughBurstsLostAnswersAndSlowness()
            throws Exception {
        try (MlflowServer server = MlflowServer.start(temp.resolve("server"));
                FlakyProxy proxy = new FlakyProxy(server.uri(), true)) {
            Path spec =
                    CliFixture.write(
                            temp,
                            "flaky.yaml",
                            MlflowTrackingIT.trackedSpec(40, proxy.uri(), "flaky")
                                    .replace("sample_every: 3", "sample_every: 10"));
            Path out = temp.resolve("run");
            Path log = temp.resolve("log.txt");
            proxy.hold();
            Process process =
                    CliFixture.startProcess(
                            log,
                            List.of("run", spec.toString(), "--output", out.toString()),
                            List.of(
                                    "-Dganforge.tracking.intervalSeconds=0.5",
                                    "-Dganforge.tracking.finalWaitSeconds=240"),
                            Map.of("MLFLOW_TRACKING_TOKEN", TOKEN));

            MlflowServerRestartIT.waitFor(
                    () -> lastLoggedStep(out) == 40 || !process.isAlive(),
                    "training reached its last step");
            assertThat(lastLoggedStep(out)).as(Files.readString(log)).isEqualTo(40);
            assertThat(proxy.forwarded.get())
                    .as("requests answered while training ran all its steps")
                    .isZero();
            proxy.release();
            assertThat(process.waitFor(6, TimeUnit.MINUTES)).as(Files.readString(log)).isTrue();
            String output = Files.readString(log);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).doesNotContain("not fully mirrored");

            assertThat(proxy.refused.get()).as("503/429 bursts happened").isGreaterThan(3);
            assertThat(proxy.answersLost.get()).as("answers were lost").isGreaterThan(1);
            assertThat(proxy.authorizations).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);

            MlflowRest rest = new MlflowRest(server.uri());
            String runId = SyncState.read(out).runId();
            assertThat(rest.runIds("flaky")).containsExactly(runId);
            assertThat(rest.status(runId)).isEqualTo("FINISHED");
            List<Long> steps = CliFixture.loggedSteps(out);
            assertThat(steps).hasSize(20);
            for (String metric : List.of("d_loss", "g_loss", "sec_per_step")) {
                assertThat(rest.history(runId, metric))
                        .extracting(MlflowRest.Point::step)
                        .as(metric)
                        .containsExactlyElementsOf(steps);
            }
            List<String> artifacts = rest.artifacts(runId);
            assertThat(artifacts.stream().filter(a -> a.startsWith("images/")))
                    .hasSize(5 * 3 * 2) // steps 0, 10, 20, 30, 40
                    .doesNotHaveDuplicates();
            assertThat(artifacts).contains("spec.yaml", "metrics.csv", "status.json");
            assertThat(rest.params(runId).values()).noneMatch(v -> v.contains(TOKEN));
            assertThat(rest.tags(runId).values()).noneMatch(v -> v.contains(TOKEN));

            assertNothingHolds(out, output, TOKEN);
        }
    }

    /**
     * Asserts that no file under {@code folder} (read as bytes, binary checkpoints included) and
     * not the process output contain any of the secret's forms.
     *
     * @param forms the secret as text and as it travels (a Base64 basic-auth value, say)
     */
    static void assertNothingHolds(Path folder, String output, String... forms) throws Exception {
        for (String form : forms) {
            assertThat(output).doesNotContain(form);
        }
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular).hasSizeGreaterThan(10);
            for (Path file : regular) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String form : forms) {
                    assertThat(bytes).as(file.toString()).doesNotContain(form);
                }
            }
        }
    }

    private static long lastLoggedStep(Path run) {
        try {
            List<Long> steps = CliFixture.loggedSteps(run);
            return steps.isEmpty() ? 0 : steps.get(steps.size() - 1);
        } catch (Exception e) {
            return 0;
        }
    }
}
