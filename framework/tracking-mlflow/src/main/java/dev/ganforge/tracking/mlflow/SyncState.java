package dev.ganforge.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.core.io.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code mlflow.json} in a run folder: how far the run has been mirrored into MLflow. Each sync
 * reads it, sends only what lies beyond it, and rewrites it (atomically) after every request that
 * succeeded, so an interrupted sync resumes where it stopped and a repeated one sends nothing. Not
 * thread-safe; one sync at a time owns it.
 */
public final class SyncState {

    /** The file name inside the run folder. */
    public static final String FILE = "mlflow.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The server the run was mirrored to. */
    String trackingUri;

    /** The MLflow experiment id. */
    String experimentId;

    /**
     * The value of the tag {@code ganforge.sync_id} of the run being created, saved before the
     * create request: if its answer is lost, the next sync finds the run by it instead of creating
     * a second one.
     */
    String syncId;

    /** The MLflow run id; null until the run is created. */
    String runId;

    /** The run's artifact root, e.g. {@code mlflow-artifacts:/1/<run>/artifacts}. */
    String artifactUri;

    /** Params sent, key to value: a param is never sent again, and never with another value. */
    final Map<String, String> params = new TreeMap<>();

    /** Tags sent, key to value; a tag is sent again only when its value changes. */
    final Map<String, String> tags = new TreeMap<>();

    /** The highest metrics.csv step whose points were all sent; 0 before any. */
    long metricStep;

    /** The highest eval.csv step whose evaluation metrics were all sent; 0 before any. */
    long evalStep;

    /**
     * The timestamp of the last system.csv row whose points were all sent; 0 before any. Rows of
     * system.csv have strictly increasing timestamps, also across a resume, while their steps may
     * repeat.
     */
    long systemTimeMs;

    /** Metric values not sent because they were NaN or infinite. */
    long nonFiniteSkipped;

    /** Sample grid files (names in samples/) uploaded as step images. */
    final Set<String> images = new TreeSet<>();

    /**
     * Sample grid file to the timestamp chosen for its MLflow file name, recorded before its upload
     * so a retried upload reuses the name and cannot leave a duplicate.
     */
    final Map<String, Long> imageTimes = new TreeMap<>();

    /** Artifact path to the SHA-256 of the content uploaded there. */
    final Map<String, String> artifacts = new TreeMap<>();

    /** Why artifacts cannot be uploaded to this server, or null. */
    String artifactsUnavailable;

    /** The final status sent, as {@code STATUS@updated_ms}, or null while running. */
    String terminal;

    /** The dataset digest sent as the run's dataset input, or null before. */
    String datasetInput;

    /**
     * @param runFolder a run folder
     * @return its state, or a fresh one if it has no mlflow.json
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static SyncState read(Path runFolder) {
        SyncState state = new SyncState();
        Path file = runFolder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return state;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            state.trackingUri = text(node, "tracking_uri");
            state.experimentId = text(node, "experiment_id");
            state.runId = text(node, "run_id");
            state.syncId = text(node, "sync_id");
            state.artifactUri = text(node, "artifact_uri");
            node.path("params")
                    .fields()
                    .forEachRemaining(e -> state.params.put(e.getKey(), e.getValue().asText()));
            node.path("tags")
                    .fields()
                    .forEachRemaining(e -> state.tags.put(e.getKey(), e.getValue().asText()));
            state.metricStep = node.path("metric_step").asLong();
            state.nonFiniteSkipped = node.path("non_finite_skipped").asLong();
            state.evalStep = node.path("eval_step").asLong();
            state.systemTimeMs = node.path("system_time_ms").asLong();
            node.path("images").forEach(e -> state.images.add(e.asText()));
            node.path("image_times")
                    .fields()
                    .forEachRemaining(e -> state.imageTimes.put(e.getKey(), e.getValue().asLong()));
            node.path("artifacts")
                    .fields()
                    .forEachRemaining(e -> state.artifacts.put(e.getKey(), e.getValue().asText()));
            state.artifactsUnavailable = text(node, "artifacts_unavailable");
            state.datasetInput = text(node, "dataset_input");
            state.terminal = text(node, "terminal");
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes mlflow.json atomically.
     *
     * @param runFolder the run folder
     * @throws UncheckedIOException if it cannot be written
     */
    void write(Path runFolder) {
        ObjectNode node = JSON.createObjectNode();
        node.put("tracking_uri", trackingUri);
        node.put("experiment_id", experimentId);
        node.put("run_id", runId);
        node.put("sync_id", syncId);
        node.put("artifact_uri", artifactUri);
        node.put("metric_step", metricStep);
        node.put("non_finite_skipped", nonFiniteSkipped);
        node.put("eval_step", evalStep);
        node.put("system_time_ms", systemTimeMs);
        node.put("terminal", terminal);
        node.put("artifacts_unavailable", artifactsUnavailable);
        node.put("dataset_input", datasetInput);
        params.forEach(node.putObject("params")::put);
        tags.forEach(node.putObject("tags")::put);
        images.forEach(node.putArray("images")::add);
        imageTimes.forEach(node.putObject("image_times")::put);
        artifacts.forEach(node.putObject("artifacts")::put);
        Folders.writeAtomically(
                runFolder.resolve(FILE),
                target -> JSON.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), node));
    }

    /**
     * @return the MLflow run id, or null before the run was created
     */
    public String runId() {
        return runId;
    }

    /**
     * @return the experiment id, or null before the run was created
     */
    public String experimentId() {
        return experimentId;
    }

    /**
     * @return the server the run was mirrored to, or null
     */
    public String trackingUri() {
        return trackingUri;
    }

    /**
     * @return the highest step whose metrics were all sent
     */
    public long metricStep() {
        return metricStep;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
