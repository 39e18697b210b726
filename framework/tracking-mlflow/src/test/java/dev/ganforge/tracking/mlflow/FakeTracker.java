package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory MLflow with MLflow's rules (params never change, batch limits) and scripted
 * failures.
 */
class FakeTracker implements Tracker {

    final Map<String, String> experiments = new LinkedHashMap<>();
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final List<MetricPoint> metrics = new ArrayList<>();
    final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<Integer> batchMetricCounts = new ArrayList<>();
    final List<DatasetRef> datasetInputs = new ArrayList<>();
    RunStatus status;
    int runsCreated;
    String artifactUri = "mlflow-artifacts:/1/run-1/artifacts";

    /** Fail the call with this 1-based number (counting every call), or 0. */
    int failAtCall;

    boolean failRetryable = true;

    /** The next createRun creates the run, then fails as if its answer were lost. */
    boolean loseCreateRunAnswer;

    final Map<String, Map<String, String>> createdRuns = new LinkedHashMap<>();

    private void call(String name) {
        calls.add(name);
        if (calls.size() == failAtCall) {
            throw new TrackingException(
                    "scripted failure of " + name, failRetryable, failRetryable ? 503 : 400, null);
        }
    }

    @Override
    public String experimentId(String name) {
        call("experimentId");
        return experiments.computeIfAbsent(name, n -> Integer.toString(experiments.size() + 1));
    }

    @Override
    public RemoteRun createRun(
            String experimentId, String runName, long startTimeMs, List<KeyValue> tags) {
        call("createRun");
        runsCreated++;
        tags.forEach(t -> this.tags.put(t.key(), t.value()));
        Map<String, String> runTags = new LinkedHashMap<>();
        tags.forEach(t -> runTags.put(t.key(), t.value()));
        createdRuns.put("run-" + runsCreated, runTags);
        status = RunStatus.RUNNING;
        if (loseCreateRunAnswer) {
            loseCreateRunAnswer = false;
            throw new TrackingException("timed out", true, 0, null);
        }
        return new RemoteRun("run-" + runsCreated, experimentId, artifactUri);
    }

    @Override
    public Optional<RemoteRun> findRun(String experimentId, String tagKey, String tagValue) {
        call("findRun");
        return createdRuns.entrySet().stream()
                .filter(e -> tagValue.equals(e.getValue().get(tagKey)))
                .findFirst()
                .map(e -> new RemoteRun(e.getKey(), experimentId, artifactUri));
    }

    @Override
    public RemoteRun getRun(String runId) {
        call("getRun");
        return new RemoteRun(runId, "1", artifactUri);
    }

    @Override
    public void logBatch(
            String runId, List<MetricPoint> metrics, List<KeyValue> params, List<KeyValue> tags) {
        call("logBatch");
        if (metrics.size() > LogBatchLimits.MAX_METRICS
                || params.size() > LogBatchLimits.MAX_PARAMS
                || tags.size() > LogBatchLimits.MAX_TAGS
                || metrics.size() + params.size() + tags.size() > LogBatchLimits.MAX_ITEMS) {
            throw new TrackingException("batch over the limits", false, 400, null);
        }
        for (KeyValue p : params) {
            if (p.value().length() > LogBatchLimits.MAX_PARAM_VALUE_LENGTH
                    || p.key().length() > LogBatchLimits.MAX_KEY_LENGTH
                    || !p.key().matches("[A-Za-z0-9_\\-. /]+")) {
                throw new TrackingException("bad param " + p.key(), false, 400, null);
            }
            String old = this.params.get(p.key());
            if (old != null && !old.equals(p.value())) {
                throw new TrackingException(
                        "Changing param values is not allowed: " + p.key(), false, 400, null);
            }
        }
        params.forEach(p -> this.params.put(p.key(), p.value()));
        tags.forEach(t -> this.tags.put(t.key(), t.value()));
        this.metrics.addAll(metrics);
        if (!metrics.isEmpty()) {
            batchMetricCounts.add(metrics.size());
        }
    }

    @Override
    public void uploadArtifact(RemoteRun run, String artifactPath, Path file) {
        try {
            uploadArtifact(run, artifactPath, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void uploadArtifact(RemoteRun run, String artifactPath, byte[] content) {
        call("upload");
        MlflowTracker.artifactUrlPath(
                run, artifactPath); // throws ArtifactsUnavailableException like the real one
        artifacts.put(artifactPath, content);
    }

    @Override
    public void logDatasetInput(String runId, DatasetRef dataset) {
        call("logDatasetInput");
        if (refuseDatasetInputs) {
            throw new TrackingException("HTTP 400 RESOURCE_ALREADY_EXISTS", false, 400, null);
        }
        datasetInputs.add(dataset);
    }

    /** Refuse every dataset input (400), as a server losing an insert race may. */
    boolean refuseDatasetInputs;

    @Override
    public void updateRun(String runId, RunStatus status, long endTimeMs) {
        call("updateRun");
        this.status = status;
    }

    @Override
    public String runUrl(RemoteRun run) {
        return "fake:/" + run.runId();
    }
}
