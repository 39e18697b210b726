package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The calls a run's mirror makes to a tracking server. {@link MlflowTracker} implements it over
 * MLflow's REST API; tests use an in-memory fake. Every method may block on the network, so callers
 * keep it off the training thread.
 *
 * <p>Failures are {@link TrackingException}s; {@link TrackingException#retryable()} tells a server
 * or network problem (5xx, I/O, timeout: try again later) from a refused request (4xx: will not
 * succeed).
 */
public interface Tracker {

    /**
     * A run on the server. @param runId its id @param experimentId its experiment @param
     * artifactUri where its artifacts live
     */
    record RemoteRun(String runId, String experimentId, String artifactUri) {}

    /**
     * One metric point. @param key name @param value value @param timestampMs Unix epoch ms @param
     * step step
     */
    record MetricPoint(String key, double value, long timestampMs, long step) {}

    /** A param or tag. @param key name @param value value */
    record KeyValue(String key, String value) {}

    /**
     * @param name an experiment name
     * @return the id of the experiment of that name, created if missing
     * @throws TrackingException if the server fails or refuses
     */
    String experimentId(String name);

    /**
     * @param experimentId the experiment
     * @param runName the run's display name
     * @param startTimeMs when it started, Unix epoch ms
     * @param tags tags to set at creation (at most 100)
     * @return the new run
     * @throws TrackingException if the server fails or refuses
     */
    RemoteRun createRun(String experimentId, String runName, long startTimeMs, List<KeyValue> tags);

    /**
     * @param experimentId the experiment
     * @param tagKey a tag name
     * @param tagValue its value
     * @return an active run of the experiment with that tag, if any
     * @throws TrackingException if the server fails or refuses
     */
    Optional<RemoteRun> findRun(String experimentId, String tagKey, String tagValue);

    /**
     * @param runId a run id
     * @return the run
     * @throws TrackingException if the server fails, or refuses (e.g. the run does not exist)
     */
    RemoteRun getRun(String runId);

    /**
     * Logs one batch; the caller keeps it within the server's limits ({@link LogBatchLimits}).
     *
     * @param runId the run
     * @param metrics metric points, in order
     * @param params params (a param may never change value)
     * @param tags tags
     * @throws TrackingException if the server fails or refuses
     */
    void logBatch(
            String runId, List<MetricPoint> metrics, List<KeyValue> params, List<KeyValue> tags);

    /**
     * Uploads one file as a run artifact, replacing a file of the same path.
     *
     * @param run the run
     * @param artifactPath relative path under the run's artifact root, '/'-separated
     * @param file the local file
     * @throws ArtifactsUnavailableException if the server does not store artifacts for clients
     * @throws TrackingException if the server fails or refuses
     */
    void uploadArtifact(RemoteRun run, String artifactPath, Path file);

    /**
     * Uploads bytes as a run artifact, replacing a file of the same path.
     *
     * @param run the run
     * @param artifactPath relative path under the run's artifact root, '/'-separated
     * @param content the bytes
     * @throws ArtifactsUnavailableException if the server does not store artifacts for clients
     * @throws TrackingException if the server fails or refuses
     */
    void uploadArtifact(RemoteRun run, String artifactPath, byte[] content);

    /**
     * @param runId the run
     * @param status RUNNING (after a resume) or a final status (KILLED, FAILED, FINISHED)
     * @param endTimeMs when it ended, Unix epoch ms; ignored for RUNNING
     * @throws TrackingException if the server fails or refuses
     */
    void updateRun(String runId, RunStatus status, long endTimeMs);

    /**
     * The data set a run trained on, as MLflow's dataset inputs describe one
     * (https://mlflow.org/docs/latest/ml/dataset/): what the UI's "Datasets" column shows.
     *
     * @param name the data set's name (the dataset plugin, e.g. {@code fashion-mnist})
     * @param digest its fingerprint ({@code DataFingerprint}: SHA-256 of the decoded data)
     * @param source where it was read from ({@code type:path})
     * @param size number of training images
     * @param classes number of classes
     */
    record DatasetRef(String name, String digest, String source, long size, int classes) {}

    /**
     * Records the run's training data as a dataset input with the context tag {@code training}.
     *
     * @param runId the run
     * @param dataset the data set
     * @throws TrackingException if the server fails or refuses
     */
    void logDatasetInput(String runId, DatasetRef dataset);

    /**
     * @param run a run
     * @return the address of the run's page in the server's web UI
     */
    String runUrl(RemoteRun run);
}
