package dev.ganforge.cli.sweep;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.tracking.mlflow.LogBatchLimits;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.Tracker;
import dev.ganforge.tracking.mlflow.Tracker.KeyValue;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import dev.ganforge.tracking.mlflow.TrackingException;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sweep's parent run in MLflow. Trials become child runs: each trial folder gets a file {@value
 * #PARENT_FILE} with the parent's run id, and the trial's own mirror adds the standard tag {@code
 * mlflow.parentRunId}, so the MLflow UI nests the trials under the sweep. The parent holds the
 * sweep definition and the fixed spec values as params, the sweep file as an artifact, and at the
 * end the summary (trials finished/failed, best trial and metric, spread across seeds) and the
 * contact sheet of every trial's last sample grid ({@link SweepContactSheet}). Its id is kept in
 * {@code sweep.json}, so a resumed sweep reuses it. Tracking failures are reported and never stop
 * the trials.
 */
public final class SweepTracking {

    /** The file in a trial folder that names the parent run. */
    public static final String PARENT_FILE = RunDirectory.TRACKING_PARENT_FILE;

    private static final String STATE_KEY = "mlflow_parent_run_id";

    private final Tracker tracker;
    private final Tracker.RemoteRun parent;
    private final PrintWriter out;

    private SweepTracking(Tracker tracker, Tracker.RemoteRun parent, PrintWriter out) {
        this.tracker = tracker;
        this.parent = parent;
        this.out = out;
    }

    /**
     * Creates (or, for a resumed sweep, finds) the parent run when tracking is on, and prints its
     * link and that of a saved chart view of its trials ({@code MLflow charts:}, {@link
     * dev.ganforge.tracking.mlflow.ChartView}).
     *
     * @param base the first trial's spec (its {@code tracking:} section and experiment name)
     * @param baseYaml the first trial's resolved spec, whose fixed values become the parent's
     *     params
     * @param sweep the sweep file
     * @param varied the swept dotted paths (logged on the children, not the parent)
     * @param state the sweep state that keeps the parent's id
     * @param out where notices go
     * @return the parent, or empty when tracking is off or the server cannot be reached
     */
    public static Optional<SweepTracking> start(
            ExperimentSpec base,
            String baseYaml,
            SweepFile sweep,
            List<String> varied,
            SweepState state,
            PrintWriter out) {
        Optional<TrackingSettings> settings =
                TrackingSettings.resolve(base.tracking(), System.getenv());
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        MlflowTracker tracker = new MlflowTracker(settings.get(), 3);
        try {
            String existing = state.property(STATE_KEY);
            Tracker.RemoteRun parent;
            if (existing != null) {
                parent = tracker.getRun(existing);
                tracker.updateRun(parent.runId(), RunStatus.RUNNING, 0);
            } else {
                String experiment =
                        settings.get().experiment() != null
                                ? settings.get().experiment()
                                : base.experiment();
                String runName = base.experiment() + "-sweep";
                List<KeyValue> tags =
                        List.of(
                                new KeyValue("mlflow.runName", runName),
                                new KeyValue(
                                        "mlflow.user", System.getProperty("user.name", "unknown")),
                                new KeyValue("mlflow.source.name", "ganforge"),
                                new KeyValue("mlflow.source.type", "LOCAL"),
                                new KeyValue(
                                        "ganforge.sweep_file",
                                        LogBatchLimits.tagValue(
                                                sweep.file().toAbsolutePath().toString())));
                parent =
                        tracker.createRun(
                                tracker.experimentId(experiment),
                                runName,
                                System.currentTimeMillis(),
                                tags);
                state.property(STATE_KEY, parent.runId());
                tracker.logBatch(
                        parent.runId(),
                        List.of(),
                        parentParams(baseYaml, sweep, varied),
                        List.of());
                try {
                    tracker.uploadArtifact(parent, "sweep.yaml", sweep.file());
                } catch (RuntimeException e) {
                    out.println("MLflow: the sweep file stays local (" + e.getMessage() + ")");
                }
            }
            out.println("MLflow sweep run: " + tracker.runUrl(parent));
            try {
                // the trials side by side, their sample grids first (see ChartView)
                out.println(
                        "MLflow charts: "
                                + tracker.saveSweepView(parent, base.experiment() + "-sweep"));
            } catch (TrackingException e) {
                out.println("MLflow: no chart view of the trials (" + e.getMessage() + ")");
            }
            return Optional.of(new SweepTracking(tracker, parent, out));
        } catch (TrackingException e) {
            out.println(
                    "MLflow: no parent run for this sweep ("
                            + e.getMessage()
                            + "); trials are still tracked");
            return Optional.empty();
        }
    }

    /**
     * Names the parent in a trial folder, before the trial starts.
     *
     * @param trialFolder the trial's run folder
     * @throws UncheckedIOException if the file cannot be written
     */
    public void markChild(Path trialFolder) {
        try {
            Files.createDirectories(trialFolder);
            Files.writeString(
                    trialFolder.resolve(PARENT_FILE),
                    parent.runId() + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + trialFolder.resolve(PARENT_FILE), e);
        }
    }

    /**
     * Tags each trial's own MLflow run with how the sweep ended it: {@code ganforge.trial_status}
     * (FINISHED, PRUNED, FAILED, …), {@code ganforge.trial_steps} and, for a pruned trial, {@code
     * ganforge.pruned_reason}. Trials whose folder was not mirrored yet are skipped; failures are
     * reported, never fatal.
     *
     * @param folder the sweep folder
     * @param trials the trials as recorded in sweep.json
     */
    public void tagTrials(Path folder, List<TrialState> trials) {
        for (TrialState trial : trials) {
            String runId =
                    dev.ganforge.tracking.mlflow.SyncState.read(folder.resolve(trial.folderName()))
                            .runId();
            if (runId == null) {
                continue;
            }
            List<KeyValue> tags = new ArrayList<>();
            tags.add(new KeyValue("ganforge.trial_status", trial.status()));
            tags.add(new KeyValue("ganforge.trial_steps", Long.toString(trial.steps())));
            if (!trial.lineage().isEmpty()) {
                StringBuilder lineage = new StringBuilder();
                for (TrialState.Exploit exploit : trial.lineage()) {
                    lineage.append(lineage.isEmpty() ? "" : "; ")
                            .append("step ")
                            .append(exploit.step())
                            .append(": from trial ")
                            .append(exploit.donor())
                            .append(", ")
                            .append(exploit.values());
                }
                tags.add(
                        new KeyValue(
                                "ganforge.pbt_lineage",
                                LogBatchLimits.tagValue(lineage.toString())));
            }
            if (trial.status().equals("PRUNED") && trial.reason() != null) {
                tags.add(
                        new KeyValue(
                                "ganforge.pruned_reason", LogBatchLimits.tagValue(trial.reason())));
            }
            try {
                tracker.logBatch(runId, List.of(), List.of(), tags);
            } catch (TrackingException e) {
                out.println(
                        "MLflow: cannot tag trial "
                                + trial.id()
                                + " as "
                                + trial.status()
                                + " ("
                                + e.getMessage()
                                + ")");
            }
        }
    }

    /**
     * Uploads the sweep's contact sheet to the parent run as the artifact {@value
     * SweepContactSheet#FILE}, replacing an earlier one (a re-run sweep uploads its new sheet). A
     * failure is reported and the sheet stays in the sweep folder.
     *
     * @param sheet the PNG in the sweep folder
     */
    public void logContactSheet(Path sheet) {
        try {
            tracker.uploadArtifact(parent, SweepContactSheet.FILE, sheet);
        } catch (TrackingException e) {
            out.println(
                    "MLflow: the contact sheet stays local in "
                            + sheet
                            + " ("
                            + e.getMessage()
                            + ")");
        }
    }

    /**
     * Logs the summary on the parent and ends it.
     *
     * @param summary the sweep summary
     * @param metric the sweep metric, or null
     */
    public void finish(SweepSummary summary, String metric) {
        long now = System.currentTimeMillis();
        List<MetricPoint> metrics = new ArrayList<>();
        metrics.add(new MetricPoint("sweep/trials_finished", summary.finished(), now, 0));
        metrics.add(new MetricPoint("sweep/trials_failed", summary.failed(), now, 0));
        metrics.add(new MetricPoint("sweep/trials_not_finished", summary.pending(), now, 0));
        metrics.add(new MetricPoint("sweep/trials_pruned", summary.pruned(), now, 0));
        metrics.add(new MetricPoint("sweep/steps_trained", summary.stepsTrained(), now, 0));
        List<KeyValue> tags = new ArrayList<>();
        summary.best()
                .ifPresent(
                        best -> {
                            metrics.add(
                                    new MetricPoint(
                                            LogBatchLimits.key("best/" + metric),
                                            best.metric(),
                                            now,
                                            0));
                            tags.add(new KeyValue("ganforge.best_trial", best.id()));
                            tags.add(
                                    new KeyValue(
                                            "ganforge.best_trial_values",
                                            LogBatchLimits.tagValue(
                                                    best.currentValues().toString())));
                        });
        int group = 0;
        for (Map.Entry<String, SweepSummary.Spread> entry : summary.seedSpread().entrySet()) {
            String prefix = "seed_spread/" + group++ + "/";
            metrics.add(new MetricPoint(prefix + "mean", entry.getValue().mean(), now, 0));
            metrics.add(new MetricPoint(prefix + "min", entry.getValue().min(), now, 0));
            metrics.add(new MetricPoint(prefix + "max", entry.getValue().max(), now, 0));
            tags.add(
                    new KeyValue(
                            "ganforge." + prefix.replace('/', '.') + "setting",
                            LogBatchLimits.tagValue(entry.getKey())));
        }
        try {
            tracker.logBatch(parent.runId(), metrics, List.of(), tags);
            tracker.updateRun(
                    parent.runId(),
                    summary.failed() > 0
                            ? RunStatus.FAILED
                            : summary.pending() > 0 ? RunStatus.KILLED : RunStatus.FINISHED,
                    now);
        } catch (TrackingException e) {
            out.println(
                    "MLflow: the sweep summary stays local in summary.json ("
                            + e.getMessage()
                            + ")");
        }
    }

    private static List<KeyValue> parentParams(
            String baseYaml, SweepFile sweep, List<String> varied) {
        List<KeyValue> params = new ArrayList<>();
        params.add(
                new KeyValue(
                        "sweep.method", sweep.sweep().method().name().toLowerCase(Locale.ROOT)));
        params.add(
                new KeyValue("sweep.goal", sweep.sweep().goal().name().toLowerCase(Locale.ROOT)));
        if (sweep.sweep().metric() != null) {
            params.add(new KeyValue("sweep.metric", sweep.sweep().metric()));
        }
        if (sweep.sweep().trials() != null) {
            params.add(new KeyValue("sweep.trials", sweep.sweep().trials().toString()));
        }
        sweep.sweep()
                .parameters()
                .forEach(
                        (path, domain) ->
                                params.add(
                                        new KeyValue(
                                                LogBatchLimits.key("sweep.parameters." + path),
                                                LogBatchLimits.paramValue(domain.describe()))));
        SpecLoader.flattenYaml(baseYaml)
                .forEach(
                        (key, value) -> {
                            if (!varied.contains(key) && !key.startsWith("tracking.")) {
                                params.add(
                                        new KeyValue(
                                                LogBatchLimits.key(key),
                                                LogBatchLimits.paramValue(value)));
                            }
                        });
        return params;
    }
}
