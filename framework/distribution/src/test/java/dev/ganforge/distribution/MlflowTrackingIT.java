package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs mirrored into a real MLflow server and read back over its REST API. */
class MlflowTrackingIT {

    private static MlflowServer.Use server;
    private static MlflowRest rest;
    private static String uri;

    @TempDir static Path serverFolder;

    @TempDir Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        server = MlflowServer.sharedOrStart(serverFolder.resolve("server"));
        uri = server.uri();
        rest = new MlflowRest(uri);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static String trackedSpec(int steps, String uri, String experiment) {
        return tinySpec(steps) + "tracking: {uri: '" + uri + "', experiment: " + experiment + "}\n";
    }

    @Test
    void exploreLogsItsPicturesToTheRunsMlflowRun() throws Exception {
        Path out = temp.resolve("explored");
        CliFixture.Result trained =
                run(
                        "run",
                        write(temp, "tiny.yaml", trackedSpec(6, uri, "explore")).toString(),
                        "--output",
                        out.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        CliFixture.Result explored =
                run(
                        "explore",
                        out.toString(),
                        "--rows",
                        "2",
                        "--steps",
                        "3",
                        "--tracking-uri",
                        uri);

        assertThat(explored.exitCode()).as(explored.err()).isZero();
        String runId = SyncState.read(out).runId();
        assertThat(explored.out()).contains("logged 5 pictures to MLflow run " + runId);
        assertThat(rest.artifacts(runId))
                .contains(
                        "explore/interpolation.png",
                        "explore/interpolation.gif",
                        "explore/morph.png",
                        "explore/morph.gif",
                        "explore/truncation.png");
        assertThat(rest.artifact(runId, "explore/morph.gif"))
                .isEqualTo(Files.readAllBytes(out.resolve("explore/morph.gif")));
    }

    @Test
    void aRunShowsItsParamsMetricsStepImagesArtifactsAndStatus() throws Exception {
        Path out = temp.resolve("run");
        // system metrics every 0.2 s, so that a run of a few seconds has several rows
        String spec =
                trackedSpec(6, uri, "normal")
                        .replace(
                                "experiment: normal}",
                                "experiment: normal," + " system_metrics_every: 0.2}");
        CliFixture.Result result =
                run("run", write(temp, "tiny.yaml", spec).toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        String runId = SyncState.read(out).runId();
        assertThat(rest.runIds("normal")).containsExactly(runId);
        assertThat(result.out()).contains("MLflow run: " + uri + "/#/experiments/");
        assertThat(result.out())
                .containsPattern(
                        "MLflow charts: .*/#/experiments/[0-9]+/runs\\?compareRunsMode=CHART");
        assertThat(
                        rest.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=normal")
                                .path("experiment")
                                .path("tags")
                                .findValuesAsText("value"))
                .as("marked as a model-training experiment (MLflow 3)")
                .contains("custom_model_development");
        assertThat(
                        rest.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=normal")
                                .path("experiment")
                                .path("tags")
                                .findValuesAsText("key"))
                .as("the saved view that the MLflow charts link opens (MlflowUiBrowserIT)")
                .contains("mlflow.sharedViewState.ganforge-sample-grids");
        assertThat(rest.status(runId)).isEqualTo("FINISHED");

        Map<String, String> params = rest.params(runId);
        assertThat(params)
                .containsEntry("experiment", "tiny")
                .containsEntry("training.steps", "6")
                .containsEntry("model.type", "cgan")
                .containsEntry("model.layers", "[4, 8]")
                .containsEntry("optimizers.generator.type", "adam")
                .containsEntry("dataset_info.name", "synthetic")
                .containsEntry("dataset_info.size", "48")
                .containsEntry("dataset_info.class_count", "3")
                .containsKey("optimizers.generator.learning_rate")
                .doesNotContainKey("tracking.uri");
        assertThat(params.get("plugin.model")).startsWith("cgan ");
        Map<String, String> tags = rest.tags(runId);
        assertThat(tags)
                .containsEntry("mlflow.runName", "tiny-run")
                .containsEntry("mlflow.source.type", "LOCAL")
                .containsEntry("mlflow.source.name", "ganforge")
                .containsEntry("mlflow.loggedImages", "True")
                .containsEntry("mlflow.user", System.getProperty("user.name"))
                .containsEntry("ganforge.status", "FINISHED");
        assertThat(tags.get("mlflow.source.git.commit")).matches("[0-9a-f]{40}");
        assertThat(tags.get("ganforge.git_dirty")).isIn("true", "false");
        com.fasterxml.jackson.databind.JsonNode input =
                rest.run(runId).path("inputs").path("dataset_inputs").path(0);
        assertThat(input.path("dataset").path("name").asText()).isEqualTo("synthetic");
        assertThat(input.path("dataset").path("digest").asText())
                .as("the data fingerprint of run-info.json")
                .isEqualTo(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(out.resolve("run-info.json").toFile())
                                .path("dataset")
                                .path("digest")
                                .asText())
                .matches("[0-9a-f]{16}");
        assertThat(input.path("tags").findValuesAsText("value")).contains("training");
        // the run is found by its sync id, as a sync does when the answer to its create request was
        // lost
        MlflowTracker tracker = new MlflowTracker(TrackingSettings.withUri(uri, null, Map.of()), 1);
        assertThat(
                        tracker.findRun(
                                SyncState.read(out).experimentId(),
                                "ganforge.sync_id",
                                tags.get("ganforge.sync_id")))
                .hasValueSatisfying(found -> assertThat(found.runId()).isEqualTo(runId));
        assertThat(
                        tracker.findRun(
                                SyncState.read(out).experimentId(),
                                "ganforge.sync_id",
                                "no-such-id"))
                .isEmpty();

        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        for (String metric :
                List.of(
                        "d_loss",
                        "g_loss",
                        "d_real",
                        "d_fake",
                        "sec_per_step",
                        "samples_per_sec")) {
            List<MlflowRest.Point> history = rest.history(runId, metric);
            assertThat(history).extracting(MlflowRest.Point::step).containsExactly(2L, 4L, 6L);
            for (int i = 0; i < 3; i++) {
                String[] cells = rows.get(i + 1).split(",");
                assertThat(history.get(i).value())
                        .isEqualTo(Double.parseDouble(cells[header.indexOf(metric)]));
                assertThat(history.get(i).timestamp())
                        .isEqualTo(Long.parseLong(cells[header.indexOf("timestamp_ms")]));
            }
        }

        List<String> system = Files.readAllLines(out.resolve("system.csv"));
        List<String> systemHeader = List.of(system.get(0).split(","));
        assertThat(system).hasSizeGreaterThan(1);
        for (String name : List.of("cpu_utilization_percentage", "process_rss_megabytes")) {
            List<MlflowRest.Point> history = rest.history(runId, "system/" + name);
            assertThat(history).as(name).hasSize(system.size() - 1);
            for (int i = 0; i < history.size(); i++) {
                String[] cells = system.get(i + 1).split(",", -1);
                assertThat(history.get(i).step())
                        .isEqualTo(Long.parseLong(cells[0]))
                        .isBetween(0L, 6L);
                assertThat(history.get(i).timestamp())
                        .isEqualTo(Long.parseLong(cells[systemHeader.indexOf("timestamp_ms")]));
                assertThat(history.get(i).value())
                        .isEqualTo(Double.parseDouble(cells[systemHeader.indexOf(name)]));
            }
        }
        assertThat(rest.history(runId, "system/cpu_utilization_percentage"))
                .extracting(MlflowRest.Point::value)
                .allMatch(percent -> percent >= 0 && percent <= 100);
        assertThat(rest.history(runId, "system/process_rss_megabytes"))
                .extracting(MlflowRest.Point::value)
                .allMatch(megabytes -> megabytes > 0);
        assertThat(rest.artifact(runId, "system.csv"))
                .isEqualTo(Files.readAllBytes(out.resolve("system.csv")));

        List<String> artifacts = rest.artifacts(runId);
        assertThat(artifacts)
                .contains(
                        "spec.yaml",
                        "classes.txt",
                        "metrics.csv",
                        "status.json",
                        "checkpoints/step-00000006/generator.zip",
                        "checkpoints/step-00000006/discriminator.zip",
                        "checkpoints/step-00000006/state.properties");
        List<String> images = artifacts.stream().filter(a -> a.startsWith("images/")).toList();
        // steps 0 (before training), 3 and 6, real/fake1/fake2, PNG and thumbnail
        assertThat(images).hasSize(3 * 3 * 2);
        for (String key : List.of("real", "fake1", "fake2")) {
            for (int step : List.of(0, 3, 6)) {
                String stem = "images/" + key + "+step+" + step + "+timestamp+";
                assertThat(images)
                        .filteredOn(i -> i.startsWith(stem))
                        .hasSize(2)
                        .anyMatch(
                                i ->
                                        i.matches(
                                                "images/\\w+\\+step\\+\\d+\\+timestamp\\+\\d+\\+[0-9a-f-]{36}\\.png"))
                        .anyMatch(i -> i.endsWith("+compressed.webp"));
            }
        }
        String fake1 =
                images.stream()
                        .filter(
                                i ->
                                        i.startsWith("images/fake1+step+6+")
                                                && i.endsWith(".png")
                                                && !i.contains("compressed"))
                        .findFirst()
                        .orElseThrow();
        assertThat(rest.artifact(runId, fake1))
                .isEqualTo(Files.readAllBytes(out.resolve("samples/step-00000006-fake1.png")));
        byte[] thumbnail = rest.artifact(runId, fake1.replace(".png", "+compressed.webp"));
        assertThat(new String(thumbnail, 0, 16, StandardCharsets.US_ASCII))
                .startsWith("RIFF")
                .endsWith("WEBPVP8L");
        int vp8l = ByteBuffer.wrap(thumbnail, 21, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        BufferedImage grid = ImageIO.read(out.resolve("samples/step-00000006-fake1.png").toFile());
        assertThat((vp8l & 0x3fff) + 1).isEqualTo(256); // the grid is wider than high
        assertThat((vp8l >>> 14 & 0x3fff) + 1).isEqualTo(grid.getHeight() * 256 / grid.getWidth());
        assertThat(rest.artifact(runId, "spec.yaml"))
                .isEqualTo(Files.readAllBytes(out.resolve("spec.yaml")));
    }

    @Test
    void resumeContinuesTheSameRunAndSteps() throws Exception {
        Path out = temp.resolve("run");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "four.yaml", trackedSpec(4, uri, "resumed"))
                                                .toString(),
                                        "--output",
                                        out.toString())
                                .exitCode())
                .isZero();
        String runId = SyncState.read(out).runId();
        assertThat(rest.status(runId)).isEqualTo("FINISHED");

        CliFixture.Result resumed = run("resume", out.toString(), "--set", "training.steps=8");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(rest.runIds("resumed")).containsExactly(runId);
        assertThat(rest.history(runId, "d_loss"))
                .extracting(MlflowRest.Point::step)
                .containsExactly(2L, 4L, 6L, 8L);
        assertThat(rest.params(runId)).containsEntry("training.steps", "4");
        assertThat(rest.tags(runId)).containsEntry("ganforge.changed_param.training.steps", "8");
        assertThat(rest.status(runId)).isEqualTo("FINISHED");
        assertThat(rest.artifacts(runId))
                .contains(
                        "checkpoints/step-00000004/generator.zip",
                        "checkpoints/step-00000008/generator.zip");
    }

    @Test
    void runsTrainedWhileTheServerIsUnreachableAreSentBySyncAndASecondSyncChangesNothing()
            throws Exception {
        String nowhere = "http://127.0.0.1:" + MlflowServer.freePort();
        Path runs = temp.resolve("runs");
        System.setProperty("ganforge.tracking.finalWaitSeconds", "2");
        CliFixture.Result first;
        CliFixture.Result second;
        try {
            first =
                    run(
                            "run",
                            write(temp, "a.yaml", trackedSpec(4, nowhere, "offline")).toString(),
                            "--output",
                            runs.resolve("tiny/a").toString());
            second =
                    run(
                            "run",
                            write(temp, "b.yaml", trackedSpec(6, nowhere, "offline")).toString(),
                            "--output",
                            runs.resolve("tiny/b").toString());
        } finally {
            System.clearProperty("ganforge.tracking.finalWaitSeconds");
        }
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).isZero();
        assertThat(first.err()).contains("MLflow").contains("training goes on");
        assertThat(first.out()).contains("ganforge sync " + runs.resolve("tiny/a"));

        CliFixture.Result sync = run("sync", runs.toString(), "--tracking-uri", uri);

        assertThat(sync.exitCode()).as(sync.err()).isZero();
        List<String> ids = rest.runIds("offline");
        assertThat(ids).hasSize(2);
        String a = SyncState.read(runs.resolve("tiny/a")).runId();
        String b = SyncState.read(runs.resolve("tiny/b")).runId();
        assertThat(ids).containsExactlyInAnyOrder(a, b);
        assertThat(rest.history(a, "g_loss"))
                .extracting(MlflowRest.Point::step)
                .containsExactly(2L, 4L);
        assertThat(rest.history(b, "g_loss"))
                .extracting(MlflowRest.Point::step)
                .containsExactly(2L, 4L, 6L);
        assertThat(rest.status(b)).isEqualTo("FINISHED");
        List<String> artifactsBefore = rest.artifacts(b);
        Map<String, String> tagsBefore = rest.tags(b);

        CliFixture.Result again = run("sync", runs.toString(), "--tracking-uri", uri);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already up to date").doesNotContain("sent ");
        assertThat(rest.runIds("offline")).hasSize(2);
        assertThat(rest.history(b, "g_loss")).hasSize(3);
        assertThat(rest.artifacts(b)).isEqualTo(artifactsBefore);
        assertThat(rest.tags(b)).isEqualTo(tagsBefore);
    }
}
