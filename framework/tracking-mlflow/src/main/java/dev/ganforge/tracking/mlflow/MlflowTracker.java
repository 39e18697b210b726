package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunStatus;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.Service;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * {@link Tracker} over MLflow's REST API (https://mlflow.org/docs/latest/rest-api.html), with the
 * request and response messages of {@code org.mlflow:mlflow-client} ({@code
 * org.mlflow.api.proto.Service}) in their JSON form, sent by {@link MlflowHttp}. Endpoints: {@code
 * experiments/get-by-name}, {@code experiments/create}, {@code experiments/set-experiment-tag},
 * {@code runs/create}, {@code runs/search}, {@code runs/get}, {@code runs/log-batch}, {@code
 * runs/update} under {@code /api/2.0/mlflow/}.
 *
 * <p>Artifacts go through the server's artifact proxy, without Python: {@code PUT
 * /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>}, the path taken from the
 * run's {@code artifact_uri} {@code mlflow-artifacts:/<experiment>/<run>/artifacts}
 * (https://mlflow.org/docs/latest/tracking/artifacts-stores.html). A run whose artifact URI has
 * another scheme belongs to a server started with {@code --no-serve-artifacts}: {@link
 * ArtifactsUnavailableException}.
 */
public final class MlflowTracker implements Tracker {

    private static final String API = "/api/2.0/mlflow/";
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private final TrackingSettings settings;
    private final MlflowHttp http;

    /**
     * @param settings the server and credentials
     * @param attempts tries per request for server and network failures (backoff from 0.5 s,
     *     doubling)
     * @throws IllegalArgumentException if the CA certificate file cannot be read
     */
    public MlflowTracker(TrackingSettings settings, int attempts) {
        this.settings = settings;
        this.http =
                new MlflowHttp(settings, attempts, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * The experiment tag with which MLflow 3 marks an experiment as GenAI or model training; set on
     * the experiments ganforge creates. MLflow 3.17's UI no longer reads it to choose the page an
     * experiment opens on (see {@link ChartView}).
     */
    static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";

    /** The {@link #EXPERIMENT_KIND_TAG} value of a model-training experiment. */
    static final String EXPERIMENT_KIND_MODEL_TRAINING = "custom_model_development";

    /**
     * {@inheritDoc}
     *
     * <p>A new experiment gets the tag {@link #EXPERIMENT_KIND_TAG} and the saved view {@link
     * ChartView#EXPERIMENT_VIEW}; an existing one without that view gets it (a server that refuses
     * is ignored: the view is a convenience).
     */
    @Override
    public String experimentId(String name) {
        try {
            return withChartView(getExperiment(name));
        } catch (TrackingException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
        Service.CreateExperiment.Builder request =
                Service.CreateExperiment.newBuilder()
                        .setName(name)
                        .addTags(experimentTag(EXPERIMENT_KIND_TAG, EXPERIMENT_KIND_MODEL_TRAINING))
                        .addTags(
                                experimentTag(
                                        ChartView.tagKey(ChartView.EXPERIMENT_VIEW),
                                        ChartView.experimentView(System.currentTimeMillis())));
        try {
            Service.CreateExperiment.Response created =
                    parse(
                            http.post(API + "experiments/create", print(request)),
                            Service.CreateExperiment.Response.newBuilder());
            return created.getExperimentId();
        } catch (TrackingException e) {
            if (e.httpStatus() == 400 && e.getMessage().contains("RESOURCE_ALREADY_EXISTS")) {
                return withChartView(getExperiment(name)); // created by someone else meanwhile
            }
            throw e;
        }
    }

    private static Service.ExperimentTag experimentTag(String key, String value) {
        return Service.ExperimentTag.newBuilder().setKey(key).setValue(value).build();
    }

    private String withChartView(Service.Experiment experiment) {
        String key = ChartView.tagKey(ChartView.EXPERIMENT_VIEW);
        if (experiment.getTagsList().stream().noneMatch(tag -> tag.getKey().equals(key))) {
            try {
                setExperimentTag(
                        experiment.getExperimentId(),
                        key,
                        ChartView.experimentView(System.currentTimeMillis()));
            } catch (TrackingException e) {
                // not allowed to change the experiment, say: its runs are still mirrored
            }
        }
        return experiment.getExperimentId();
    }

    /**
     * Saves the view of a sweep's trials on the parent's experiment ({@link ChartView}).
     *
     * @param parent the sweep's parent run
     * @param sweepName the parent's run name, which names the view
     * @return the link that opens it
     * @throws TrackingException if the server fails or refuses
     */
    public String saveSweepView(RemoteRun parent, String sweepName) {
        String viewId = ChartView.sweepViewId(parent.runId());
        setExperimentTag(
                parent.experimentId(),
                ChartView.tagKey(viewId),
                ChartView.sweepView(sweepName, parent.runId(), System.currentTimeMillis()));
        return ChartView.link(settings.uri(), parent.experimentId(), viewId);
    }

    private void setExperimentTag(String experimentId, String key, String value) {
        http.post(
                API + "experiments/set-experiment-tag",
                print(
                        Service.SetExperimentTag.newBuilder()
                                .setExperimentId(experimentId)
                                .setKey(key)
                                .setValue(value)));
    }

    private Service.Experiment getExperiment(String name) {
        Service.GetExperimentByName.Response response =
                parse(
                        http.get(
                                API
                                        + "experiments/get-by-name?experiment_name="
                                        + URLEncoder.encode(name, StandardCharsets.UTF_8)),
                        Service.GetExperimentByName.Response.newBuilder());
        if ("deleted".equals(response.getExperiment().getLifecycleStage())) {
            throw new TrackingException(
                    "the MLflow experiment '"
                            + name
                            + "' at "
                            + settings.uri()
                            + " is deleted; restore it in the UI or set tracking.experiment to"
                            + " another name",
                    false,
                    400,
                    null);
        }
        return response.getExperiment();
    }

    @Override
    public RemoteRun createRun(
            String experimentId, String runName, long startTimeMs, List<KeyValue> tags) {
        Service.CreateRun.Builder request =
                Service.CreateRun.newBuilder()
                        .setExperimentId(experimentId)
                        .setRunName(runName)
                        .setStartTime(startTimeMs);
        tags.forEach(
                tag ->
                        request.addTags(
                                Service.RunTag.newBuilder()
                                        .setKey(tag.key())
                                        .setValue(tag.value())));
        Service.CreateRun.Response response =
                parse(
                        http.post(API + "runs/create", print(request)),
                        Service.CreateRun.Response.newBuilder());
        return remote(response.getRun().getInfo());
    }

    @Override
    public Optional<RemoteRun> findRun(String experimentId, String tagKey, String tagValue) {
        Service.SearchRuns.Builder request =
                Service.SearchRuns.newBuilder()
                        .addExperimentIds(experimentId)
                        .setFilter("tags.`" + tagKey + "` = '" + tagValue.replace("'", "\\'") + "'")
                        .setMaxResults(1);
        Service.SearchRuns.Response response =
                parse(
                        http.post(API + "runs/search", print(request)),
                        Service.SearchRuns.Response.newBuilder());
        return response.getRunsList().stream().findFirst().map(run -> remote(run.getInfo()));
    }

    @Override
    public RemoteRun getRun(String runId) {
        Service.GetRun.Response response =
                parse(
                        http.get(
                                API
                                        + "runs/get?run_id="
                                        + URLEncoder.encode(runId, StandardCharsets.UTF_8)),
                        Service.GetRun.Response.newBuilder());
        return remote(response.getRun().getInfo());
    }

    /**
     * Registers a model in MLflow's model registry
     * (https://mlflow.org/docs/latest/model-registry.html): creates the registered model {@code
     * name} unless it exists, then a new version of it from {@code source}. Endpoints {@code
     * registered-models/create} and {@code model-versions/create}.
     *
     * @param name the registered model's name
     * @param source the model folder's artifact URI, e.g. {@code <run artifact_uri>/model}
     * @param runId the run that logged it
     * @return the new version's number, e.g. {@code "1"}
     * @throws TrackingException if the server fails or refuses (other than "already exists" for the
     *     registered model)
     */
    public String registerModelVersion(String name, String source, String runId) {
        try {
            http.post(API + "registered-models/create", json(Map.of("name", name)));
        } catch (TrackingException e) {
            if (!e.getMessage().contains("RESOURCE_ALREADY_EXISTS")) {
                throw e;
            }
        }
        org.mlflow.api.proto.ModelRegistry.CreateModelVersion.Response response =
                parse(
                        http.post(
                                API + "model-versions/create",
                                json(Map.of("name", name, "source", source, "run_id", runId))),
                        org.mlflow.api.proto.ModelRegistry.CreateModelVersion.Response
                                .newBuilder());
        return response.getModelVersion().getVersion();
    }

    private static RemoteRun remote(Service.RunInfo info) {
        return new RemoteRun(info.getRunId(), info.getExperimentId(), info.getArtifactUri());
    }

    @Override
    public void logBatch(
            String runId, List<MetricPoint> metrics, List<KeyValue> params, List<KeyValue> tags) {
        Service.LogBatch.Builder request = Service.LogBatch.newBuilder().setRunId(runId);
        metrics.forEach(
                m ->
                        request.addMetrics(
                                Service.Metric.newBuilder()
                                        .setKey(m.key())
                                        .setValue(m.value())
                                        .setTimestamp(m.timestampMs())
                                        .setStep(m.step())));
        params.forEach(
                p ->
                        request.addParams(
                                Service.Param.newBuilder().setKey(p.key()).setValue(p.value())));
        tags.forEach(
                t ->
                        request.addTags(
                                Service.RunTag.newBuilder().setKey(t.key()).setValue(t.value())));
        http.post(API + "runs/log-batch", print(request));
    }

    @Override
    public void logDatasetInput(String runId, DatasetRef dataset) {
        Service.LogInputs.Builder request =
                Service.LogInputs.newBuilder()
                        .setRunId(runId)
                        .addDatasets(
                                Service.DatasetInput.newBuilder()
                                        .addTags(
                                                Service.InputTag.newBuilder()
                                                        .setKey("mlflow.data.context")
                                                        .setValue("training"))
                                        .setDataset(
                                                Service.Dataset.newBuilder()
                                                        .setName(dataset.name())
                                                        .setDigest(dataset.digest())
                                                        .setSourceType("local")
                                                        .setSource(
                                                                json(
                                                                        Map.of(
                                                                                "uri",
                                                                                dataset.source())))
                                                        .setProfile(
                                                                json(
                                                                        Map.of(
                                                                                "num_images",
                                                                                dataset.size(),
                                                                                "num_classes",
                                                                                dataset
                                                                                        .classes())))));
        http.post(API + "runs/log-inputs", print(request));
    }

    private static String json(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is JSON", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public void uploadArtifact(RemoteRun run, String artifactPath, Path file) {
        http.put(
                artifactUrlPath(run, artifactPath),
                () -> {
                    try {
                        return HttpRequest.BodyPublishers.ofFile(file);
                    } catch (FileNotFoundException e) {
                        throw new UncheckedIOException("cannot read " + file, e);
                    }
                });
    }

    @Override
    public void uploadArtifact(RemoteRun run, String artifactPath, byte[] content) {
        http.put(
                artifactUrlPath(run, artifactPath),
                () -> HttpRequest.BodyPublishers.ofByteArray(content));
    }

    /**
     * @param run a run
     * @param artifactPath a relative artifact path
     * @return the URL path of its upload in MLflow's artifact proxy, every segment percent-encoded
     *     ('+' included, which some servers would read as a space)
     * @throws ArtifactsUnavailableException if the run's artifact URI is not {@code
     *     mlflow-artifacts:}
     * @throws IllegalArgumentException if the URI or path has an empty, {@code .} or {@code ..}
     *     segment
     */
    static String artifactUrlPath(RemoteRun run, String artifactPath) {
        String uri = run.artifactUri();
        if (!uri.startsWith("mlflow-artifacts:")) {
            throw new ArtifactsUnavailableException(
                    "the MLflow server does not accept artifacts from clients: its run "
                            + "artifact location is '"
                            + uri
                            + "', not mlflow-artifacts:/… (the server was started with"
                            + " --no-serve-artifacts or a --default-artifact-root it writes"
                            + " itself); artifacts and sample grids stay in the run folder. Restart"
                            + " the server with --artifacts-destination and without"
                            + " --no-serve-artifacts to mirror them.");
        }
        String root = URI.create(uri).getPath().replaceAll("^/+", "").replaceAll("/+$", "");
        StringBuilder path = new StringBuilder("/api/2.0/mlflow-artifacts/artifacts");
        for (String segment : (root + "/" + artifactPath).split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                // an artifact URI from a tampered mlflow.json must not climb out of the run
                throw new IllegalArgumentException(
                        "refusing to upload to '"
                                + uri
                                + "/"
                                + artifactPath
                                + "': empty, '.' or '..' path segments");
            }
            path.append('/')
                    .append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    @Override
    public void updateRun(String runId, RunStatus status, long endTimeMs) {
        Service.UpdateRun.Builder request =
                Service.UpdateRun.newBuilder()
                        .setRunId(runId)
                        .setStatus(Service.RunStatus.valueOf(status.name()));
        if (status != RunStatus.RUNNING) {
            request.setEndTime(endTimeMs);
        }
        http.post(API + "runs/update", print(request));
    }

    @Override
    public String runUrl(RemoteRun run) {
        return settings.uri() + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId();
    }

    private static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot write an MLflow request as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private <M extends Message> M parse(String json, Message.Builder builder) {
        try {
            PARSER.merge(json, builder);
            return (M) builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new TrackingException(
                    "the server at "
                            + settings.uri()
                            + " answered with JSON that is not an MLflow"
                            + " response (is it an MLflow tracking server?): "
                            + e.getMessage(),
                    false,
                    200,
                    e);
        }
    }
}
