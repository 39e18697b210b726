package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunInfo;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.tracking.mlflow.LogBatchLimits.ParamTagBatch;
import dev.ganforge.tracking.mlflow.RunFolderReader.Row;
import dev.ganforge.tracking.mlflow.RunFolderReader.Sample;
import dev.ganforge.tracking.mlflow.Tracker.KeyValue;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import dev.ganforge.tracking.mlflow.Tracker.RemoteRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Mirrors a run folder into a tracking server: replays what the folder holds beyond the watermarks
 * of its {@link SyncState} ({@code mlflow.json}), in this order: the run (created once), params and
 * tags, metrics rows (metrics.csv, eval.csv, and system.csv as MLflow's {@code system/…} metrics,
 * kept in place by its timestamps), sample grids as step images, and, once the run has ended, its
 * artifacts and final status. The state is saved after every request that succeeded, so a sync that
 * fails part way (server down, process killed) resumes exactly there, nothing is sent twice, and a
 * sync of an unchanged folder sends nothing. Used live during training ({@link LiveSync}) and
 * offline by {@code ganforge sync}.
 *
 * <p>Rules: a param is sent once; if a resume changes a spec value, the new value goes to the tag
 * {@code ganforge.changed_param.<key>} (MLflow refuses to change a param). Metric steps at or below
 * the watermark are never sent again, so after a resume from an older checkpoint the steps that
 * were retrained keep the values first sent. NaN and infinite metric values are not sent (the UI
 * would draw them as gaps or break the axis); their count is in the tag {@code
 * ganforge.non_finite_metric_values}. Sample grids {@code samples/step-N-<key>.png} become {@code
 * images/<key>+step+N+timestamp+<ms>+<uuid>.png} plus the 256 px lossless WebP {@code
 * …+compressed.webp} ({@link Thumbnail}) and the tag {@code mlflow.loggedImages=True}, the layout
 * of {@code MlflowClient.log_image(key=, step=)} in mlflow/tracking/client.py.
 *
 * <p>One sync of a folder at a time: {@link #sync()} holds a lock on {@code mlflow.lock} in the
 * folder (so {@code ganforge sync} of a folder that is training and syncing live fails fast instead
 * of sending twice) and re-reads mlflow.json under it. Not thread-safe.
 */
public final class MlflowSync {

    /** Tag that ties an MLflow run to its run folder's mlflow.json. */
    static final String SYNC_ID_TAG = "ganforge.sync_id";

    /**
     * Artifacts uploaded when the run has ended (relative to the run folder), besides the final
     * checkpoint.
     */
    static final List<String> ARTIFACTS =
            List.of(
                    RunDirectory.SPEC_FILE,
                    RunDirectory.CLASSES_FILE,
                    RunDirectory.METRICS_FILE,
                    RunDirectory.EVALUATION_FILE,
                    RunDirectory.SYSTEM_METRICS_FILE,
                    RunInfo.FILE,
                    RunDirectory.STATUS_FILE);

    private final Path root;
    private final RunDirectory run;
    private final Tracker tracker;
    private final String trackingUri;
    private final String experimentName;
    private final Consumer<String> log;
    private SyncState state;

    /**
     * What one call sent. @param metricPoints metric values @param params params @param tags
     * tags @param images sample grids @param artifacts files @param complete true if the run has
     * ended and everything is mirrored
     */
    public record Report(
            int metricPoints, int params, int tags, int images, int artifacts, boolean complete) {
        /**
         * @return true if nothing was sent
         */
        public boolean nothingSent() {
            return metricPoints + params + tags + images + artifacts == 0;
        }
    }

    /**
     * @param runFolder a run folder written by ganforge
     * @param tracker the server
     * @param trackingUri the server's URI, recorded in mlflow.json; a folder mirrored to another
     *     server before starts a new run on this one
     * @param experimentName the MLflow experiment, or null for the spec's {@code experiment}
     * @param log receives one-line notices (run created, artifacts unavailable)
     * @throws IllegalArgumentException if the folder has no spec.yaml
     */
    public MlflowSync(
            Path runFolder,
            Tracker tracker,
            String trackingUri,
            String experimentName,
            Consumer<String> log) {
        this.root = runFolder;
        this.run = new RunDirectory(runFolder);
        if (!Files.isRegularFile(run.specFile())) {
            throw new IllegalArgumentException(
                    runFolder + " is not a run folder: it has no spec.yaml");
        }
        this.tracker = tracker;
        this.trackingUri = trackingUri;
        this.experimentName = experimentName;
        this.log = log;
        this.state = SyncState.read(runFolder);
    }

    /**
     * @return the state as of the last successful request
     */
    public SyncState state() {
        return state;
    }

    /**
     * @return the run on the server, creating it (and the experiment) on first use
     * @throws TrackingException if the server fails or refuses
     */
    private RemoteRun ensureRun() {
        if (state.runId != null && !trackingUri.equals(state.trackingUri)) {
            log.accept(
                    "MLflow: "
                            + root
                            + " was mirrored to "
                            + state.trackingUri
                            + "; starting a new run on "
                            + trackingUri);
            state = new SyncState();
        }
        if (state.runId == null) {
            Map<String, String> spec = RunFolderReader.specParams(run.specFile());
            String experiment = spec.getOrDefault("experiment", "ganforge");
            RunInfo info = RunInfo.read(root).orElse(null);
            String runName = experiment + "-" + root.toAbsolutePath().normalize().getFileName();
            List<KeyValue> tags = new ArrayList<>();
            tags.add(new KeyValue("mlflow.runName", runName));
            tags.add(
                    new KeyValue(
                            "mlflow.user",
                            info == null
                                    ? System.getProperty("user.name", "unknown")
                                    : info.user()));
            tags.add(new KeyValue("mlflow.source.name", "ganforge"));
            tags.add(new KeyValue("mlflow.source.type", "LOCAL"));
            // the code's commit and precision follow with the params (sendParamsAndTags)
            Path parentFile = root.resolve(RunDirectory.TRACKING_PARENT_FILE);
            if (Files.isRegularFile(parentFile)) {
                try {
                    tags.add(
                            new KeyValue(
                                    "mlflow.parentRunId",
                                    Files.readString(parentFile).trim())); // sweep trial
                } catch (IOException e) {
                    log.accept("MLflow: cannot read " + parentFile + ": " + e.getMessage());
                }
            }
            tags.add(
                    new KeyValue(
                            "ganforge.run_folder",
                            LogBatchLimits.tagValue(root.toAbsolutePath().normalize().toString())));
            String experimentId =
                    tracker.experimentId(experimentName != null ? experimentName : experiment);
            long start =
                    info != null
                            ? info.startedMs()
                            : run.readStatusRecord()
                                    .map(RunDirectory.StatusRecord::updatedMs)
                                    .orElse(System.currentTimeMillis());
            RemoteRun created = null;
            if (state.syncId != null && trackingUri.equals(state.trackingUri)) {
                created =
                        tracker.findRun(experimentId, SYNC_ID_TAG, state.syncId)
                                .orElse(null); // answer was lost
            }
            if (created == null) {
                state.syncId = UUID.randomUUID().toString();
                state.trackingUri = trackingUri;
                save();
                tags.add(new KeyValue(SYNC_ID_TAG, state.syncId));
                created = tracker.createRun(experimentId, runName, start, tags);
            }
            state.trackingUri = trackingUri;
            state.experimentId =
                    created.experimentId().isEmpty() ? experimentId : created.experimentId();
            state.runId = created.runId();
            state.artifactUri = created.artifactUri();
            tags.forEach(tag -> state.tags.put(tag.key(), tag.value()));
            save();
            log.accept("MLflow: run " + tracker.runUrl(remote()));
        }
        return remote();
    }

    /**
     * Sends everything in the folder beyond the watermarks.
     *
     * @return what was sent
     * @throws TrackingException if a request fails; what was sent before it stays recorded
     * @throws IllegalArgumentException if a link in the folder leads out of it (then nothing is
     *     sent: a tampered folder cannot make a sync upload files from elsewhere)
     * @throws UncheckedIOException if the run folder cannot be read or mlflow.json written, or
     *     {@code checkpoints/latest} names something other than a checkpoint folder beside it
     */
    public Report sync() {
        try (SyncLock lock = SyncLock.acquire(root)) {
            state = SyncState.read(root); // another process may have synced this folder since
            return syncLocked();
        }
    }

    private Report syncLocked() {
        RunFolderReader.requireContained(root);
        ensureRun();
        RunDirectory.StatusRecord status = run.readStatusRecord().orElse(null);
        int[] paramsAndTags = sendParamsAndTags(Map.of());
        sendDatasetInput();
        int metricPoints = sendMetrics();
        int images = sendImages();
        int artifacts = 0;
        int tags = paramsAndTags[1];
        boolean ended = status != null && status.status() != RunStatus.RUNNING;
        if (ended) {
            artifacts = sendArtifacts();
            Map<String, String> endTags = new LinkedHashMap<>();
            endTags.put("ganforge.status", status.status().name());
            if (status.reason() != null) {
                endTags.put("ganforge.status_reason", LogBatchLimits.tagValue(status.reason()));
            }
            tags += sendParamsAndTags(endTags)[1];
            String terminal = status.status() + "@" + status.updatedMs();
            if (!terminal.equals(state.terminal)) {
                tracker.updateRun(state.runId, status.status(), status.updatedMs());
                state.terminal = terminal;
                save();
            }
        } else if (state.terminal != null) {
            tracker.updateRun(state.runId, RunStatus.RUNNING, 0); // resumed: the same run goes on
            state.terminal = null;
            save();
        }
        return new Report(metricPoints, paramsAndTags[0], tags, images, artifacts, ended);
    }

    /**
     * @return {params sent, tags sent}
     */
    private int[] sendParamsAndTags(Map<String, String> extraTags) {
        Map<String, String> wanted =
                new LinkedHashMap<>(RunFolderReader.specParams(run.specFile()));
        Map<String, String> tags = new LinkedHashMap<>();
        RunInfo.read(root)
                .ifPresent(
                        info -> {
                            // tags, not params: a resume with other code or another precision
                            // updates them (run-info.json describes the latest start)
                            if (info.gitCommit() != null) {
                                tags.put("mlflow.source.git.commit", info.gitCommit());
                            }
                            if (info.gitDirty() != null) { // uncommitted changes in the code
                                tags.put("ganforge.git_dirty", info.gitDirty().toString());
                            }
                            if (info.precision() != null) {
                                tags.put("ganforge.precision", info.precision());
                            }
                            wanted.put("dataset_info.name", info.datasetName());
                            wanted.put("dataset_info.size", Long.toString(info.datasetSize()));
                            wanted.put(
                                    "dataset_info.class_count",
                                    Integer.toString(info.classCount()));
                            info.plugins().entrySet().stream()
                                    .sorted(Map.Entry.comparingByKey())
                                    .forEach(e -> wanted.put("plugin." + e.getKey(), e.getValue()));
                        });
        List<KeyValue> params = new ArrayList<>();
        wanted.forEach(
                (rawKey, rawValue) -> {
                    String key = LogBatchLimits.key(rawKey);
                    String value = LogBatchLimits.paramValue(rawValue);
                    String sent = state.params.get(key);
                    if (sent == null) {
                        params.add(new KeyValue(key, value));
                    } else if (!sent.equals(value)) {
                        tags.put(
                                LogBatchLimits.key("ganforge.changed_param." + key),
                                LogBatchLimits.tagValue(rawValue));
                    }
                });
        if (state.nonFiniteSkipped > 0) {
            tags.put("ganforge.non_finite_metric_values", Long.toString(state.nonFiniteSkipped));
        }
        extraTags.forEach(tags::put);
        List<KeyValue> newTags =
                tags.entrySet().stream()
                        .filter(e -> !e.getValue().equals(state.tags.get(e.getKey())))
                        .map(e -> new KeyValue(e.getKey(), e.getValue()))
                        .toList();
        for (ParamTagBatch batch : LogBatchLimits.paramTagBatches(params, newTags)) {
            tracker.logBatch(state.runId, List.of(), batch.params(), batch.tags());
            batch.params().forEach(p -> state.params.put(p.key(), p.value()));
            batch.tags().forEach(t -> state.tags.put(t.key(), t.value()));
            save();
        }
        return new int[] {params.size(), newTags.size()};
    }

    /**
     * Sends the training data as the run's dataset input once per digest (run-info.json of runs
     * written before digests existed has none, and nothing is sent).
     */
    private void sendDatasetInput() {
        RunInfo info = RunInfo.read(root).orElse(null);
        if (info == null
                || info.datasetDigest() == null
                || info.datasetDigest().equals(state.datasetInput)) {
            return;
        }
        Tracker.DatasetRef dataset =
                new Tracker.DatasetRef(
                        info.datasetName(),
                        info.datasetDigest(),
                        info.datasetSource() != null ? info.datasetSource() : info.datasetName(),
                        info.datasetSize(),
                        info.classCount());
        try {
            logDatasetInput(dataset);
        } catch (TrackingException refused) {
            if (refused.retryable()) {
                throw refused; // the server is away: the next sync tries again
            }
            // a refusal must not keep the run's metrics, images and status from the server
            log.accept(
                    "MLflow: the dataset input was refused ("
                            + refused.getMessage()
                            + "); everything else is mirrored");
        }
        state.datasetInput = info.datasetDigest();
        save();
    }

    /**
     * Sends the dataset input, once more after a refusal: trials of a sweep that start together
     * create the same dataset in one experiment at the same moment, and the server may refuse the
     * second insert while the first commits (then the dataset exists and linking it succeeds).
     */
    private void logDatasetInput(Tracker.DatasetRef dataset) {
        try {
            tracker.logDatasetInput(state.runId, dataset);
        } catch (TrackingException first) {
            if (first.retryable()) {
                throw first;
            }
            tracker.logDatasetInput(state.runId, dataset);
        }
    }

    private int sendMetrics() {
        return sendRows(
                        RunFolderReader.rowsAfter(run.metricsFile(), state.metricStep),
                        last -> state.metricStep = last.step())
                + sendRows(
                        RunFolderReader.evaluationsAfter(
                                root.resolve(RunDirectory.EVALUATION_FILE), state.evalStep),
                        last -> state.evalStep = last.step())
                + sendRows(
                        RunFolderReader.systemRowsAfter(
                                run.systemMetricsFile(), state.systemTimeMs),
                        last -> state.systemTimeMs = last.points().get(0).timestampMs());
    }

    /**
     * Sends metric rows in batches within MLflow's limits, moving the watermark after each batch.
     *
     * @param watermark moves the watermark to the last row of a batch that was sent
     */
    private int sendRows(List<Row> rows, Consumer<Row> watermark) {
        List<Integer> sizes =
                LogBatchLimits.metricBatchSizes(rows.stream().map(Row::points).toList());
        int sent = 0;
        int next = 0;
        for (int size : sizes) {
            List<Row> batch = rows.subList(next, next + size);
            next += size;
            List<MetricPoint> points =
                    batch.stream().flatMap(row -> row.points().stream()).toList();
            if (!points.isEmpty()) {
                tracker.logBatch(state.runId, points, List.of(), List.of());
            }
            sent += points.size();
            watermark.accept(batch.get(batch.size() - 1));
            state.nonFiniteSkipped += batch.stream().mapToInt(Row::nonFinite).sum();
            save();
        }
        return sent;
    }

    private int sendImages() {
        if (state.artifactsUnavailable != null) {
            return 0;
        }
        int sent = 0;
        try {
            for (Sample sample : RunFolderReader.samples(run.samples())) {
                String name = sample.file().getFileName().toString();
                if (state.images.contains(name)) {
                    continue;
                }
                Long time = state.imageTimes.get(name);
                if (time == null) {
                    time = Files.getLastModifiedTime(sample.file()).toMillis();
                    state.imageTimes.put(name, time);
                    save();
                }
                String uuid =
                        UUID.nameUUIDFromBytes(
                                        (state.runId + "/" + name).getBytes(StandardCharsets.UTF_8))
                                .toString();
                String stem =
                        "images/"
                                + sample.key()
                                + "+step+"
                                + sample.step()
                                + "+timestamp+"
                                + time
                                + "+"
                                + uuid;
                tracker.uploadArtifact(remote(), stem + ".png", sample.file());
                tracker.uploadArtifact(
                        remote(), stem + "+compressed.webp", Thumbnail.of(sample.file()));
                state.images.add(name);
                save();
                sent++;
                if (!"True".equals(state.tags.get("mlflow.loggedImages"))) {
                    tracker.logBatch(
                            state.runId,
                            List.of(),
                            List.of(),
                            List.of(new KeyValue("mlflow.loggedImages", "True")));
                    state.tags.put("mlflow.loggedImages", "True");
                    save();
                }
            }
        } catch (ArtifactsUnavailableException e) {
            artifactsUnavailable(e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read a sample grid in " + run.samples() + ": " + e.getMessage(), e);
        }
        return sent;
    }

    private int sendArtifacts() {
        if (state.artifactsUnavailable != null) {
            return 0;
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (String name : ARTIFACTS) {
            if (Files.isRegularFile(root.resolve(name))) {
                files.put(name, root.resolve(name));
            }
        }
        run.checkpoints()
                .latest()
                .ifPresent(
                        checkpoint -> {
                            try (var entries = Files.list(checkpoint)) {
                                entries.filter(Files::isRegularFile)
                                        .sorted()
                                        .forEach(
                                                file ->
                                                        files.put(
                                                                "checkpoints/"
                                                                        + checkpoint.getFileName()
                                                                        + "/"
                                                                        + file.getFileName(),
                                                                file));
                            } catch (IOException e) {
                                throw new UncheckedIOException(
                                        "cannot list " + checkpoint + ": " + e.getMessage(), e);
                            }
                        });
        int sent = 0;
        try {
            for (Map.Entry<String, Path> entry : files.entrySet()) {
                String hash = SyncLock.sha256(entry.getValue());
                if (hash.equals(state.artifacts.get(entry.getKey()))) {
                    continue;
                }
                tracker.uploadArtifact(remote(), entry.getKey(), entry.getValue());
                state.artifacts.put(entry.getKey(), hash);
                save();
                sent++;
            }
        } catch (ArtifactsUnavailableException e) {
            artifactsUnavailable(e);
        }
        return sent;
    }

    private void artifactsUnavailable(ArtifactsUnavailableException e) {
        state.artifactsUnavailable = e.getMessage();
        save();
        log.accept("MLflow: " + e.getMessage());
    }

    private RemoteRun remote() {
        return new RemoteRun(state.runId, state.experimentId, state.artifactUri);
    }

    private void save() {
        state.write(root);
    }
}
