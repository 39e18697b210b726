package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.tracking.RunTracker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The tracker {@code mlflow}: when the spec's {@code tracking.uri} or {@code MLFLOW_TRACKING_URI}
 * is set, a {@link LiveSync} mirrors the run folder into MLflow while it trains, and a last sync
 * runs after training, waiting at most {@code ganforge.tracking.finalWaitSeconds} (system property,
 * default 60; 10 after a signal). Sync interval: {@code ganforge.tracking.intervalSeconds} (default
 * 5). Registered in {@code META-INF/services/dev.ganforge.core.tracking.RunTracker}.
 */
public final class MlflowRunTracker implements RunTracker {

    /** The tracker's name. */
    public static final String NAME = "mlflow";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @throws IllegalArgumentException if {@code MLFLOW_TRACKING_URI} is malformed (the message
     *     names it)
     */
    @Override
    public Optional<LiveMirror> start(
            ExperimentSpec spec,
            Path runDirectory,
            Map<String, String> environment,
            PrintWriter console) {
        Optional<TrackingSettings> tracking;
        try {
            tracking = TrackingSettings.resolve(spec.tracking(), environment);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    TrackingSettings.URI_VARIABLE + ": " + e.getMessage(), e);
        }
        return tracking.map(settings -> startLiveSync(settings, runDirectory, console));
    }

    private static LiveMirror startLiveSync(
            TrackingSettings settings, Path runDirectory, PrintWriter console) {
        MlflowTracker tracker = new MlflowTracker(settings, 3);
        Consumer<String> notice =
                message -> console.println("\n" + message); // below the progress bar
        LiveSync live =
                new LiveSync(
                        runDirectory,
                        () ->
                                new MlflowSync(
                                        runDirectory,
                                        tracker,
                                        settings.uri(),
                                        settings.experiment(),
                                        notice),
                        Duration.ofMillis(
                                (long) (1000 * seconds("ganforge.tracking.intervalSeconds", 5))),
                        notice);
        console.println("MLflow: mirroring " + runDirectory + " to " + settings.uri());
        live.start();
        return (status, out) -> finish(live, runDirectory, status, out);
    }

    private static void finish(
            LiveSync live, Path runDirectory, RunStatus status, PrintWriter out) {
        double wait =
                seconds("ganforge.tracking.finalWaitSeconds", status == RunStatus.KILLED ? 10 : 60);
        boolean complete = live.finish(Duration.ofMillis((long) (1000 * wait)));
        SyncState state = SyncState.read(runDirectory);
        if (state.runId() != null) {
            out.println(
                    "MLflow run: "
                            + state.trackingUri()
                            + "/#/experiments/"
                            + state.experimentId()
                            + "/runs/"
                            + state.runId());
            // the runs' chart view, sample grids first: MLflow 3.17's UI opens an experiment on
            // its GenAI overview otherwise
            out.println(
                    "MLflow charts: "
                            + ChartView.link(
                                    state.trackingUri(),
                                    state.experimentId(),
                                    ChartView.EXPERIMENT_VIEW));
        }
        if (!complete) {
            out.println(
                    "MLflow: the run is not fully mirrored"
                            + (live.problem() == null ? "" : " (" + live.problem() + ")")
                            + "; the run folder has everything. Send the rest with: ganforge sync "
                            + runDirectory);
        }
    }

    private static double seconds(String property, double fallback) {
        String value = System.getProperty(property);
        return value == null ? fallback : Double.parseDouble(value);
    }
}
