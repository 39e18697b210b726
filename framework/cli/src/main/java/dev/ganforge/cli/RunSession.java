package dev.ganforge.cli;

import java.util.function.Consumer;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.tracking.mlflow.LiveSync;
import dev.ganforge.tracking.mlflow.MlflowSync;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.run.RunOutcome;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.train.Trainer;
import dev.ganforge.core.train.TrainerFactory;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Orchestrates one run (the {@code run} and {@code resume} commands): a {@link Trainer} with a shutdown hook, so Ctrl-C or SIGTERM ends the run after the current
 * step with a final checkpoint, and prints how it ended. When tracking is on (spec {@code tracking.uri}
 * or {@code MLFLOW_TRACKING_URI}) a {@link LiveSync} mirrors the run folder into MLflow meanwhile, and
 * a last sync runs after training, waiting at most {@code ganforge.tracking.finalWaitSeconds} (system
 * property, default 60; 10 after a signal). Sync interval: {@code ganforge.tracking.intervalSeconds}
 * (default 5).
 */
final class RunSession {

    private final TrainerFactory trainers;

    /** @param trainers makes the trainer of each run */
    @Inject
    RunSession(TrainerFactory trainers) {
        this.trainers = trainers;
    }

    /**
     * Trains one run to its end, a failure or a signal.
     *
     * @return the exit code: 0 finished, {@link Main#KILLED} stopped by a signal, {@link Main#RUN_FAILED} failed
     * @throws ExperimentException if the tracking URI in the environment is malformed, or the run cannot start
     */
    int train(ExperimentSpec spec, String resolvedYaml, Path runDirectory, boolean resume, PrintWriter out,
            PrintWriter err) {
        Optional<TrackingSettings> tracking;
        try {
            tracking = TrackingSettings.resolve(spec.tracking(), System.getenv());
        } catch (IllegalArgumentException e) {
            throw new ExperimentException(TrackingSettings.URI_VARIABLE + ": " + e.getMessage());
        }
        Trainer trainer = trainers.create(spec, resolvedYaml, runDirectory, System.err);
        LiveSync live = tracking.map(settings -> startLiveSync(settings, runDirectory, err)).orElse(null);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(120, TimeUnit.SECONDS); // let the final checkpoint and sync finish before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ganforge-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunOutcome outcome = null;
        try {
            outcome = trainer.run(resume);
            if (live != null) {
                finishSync(live, runDirectory, outcome, out);
                live = null;
            }
            // printed before the stop hook is released, so a run stopped by a signal still says how it ended
            out.printf(Locale.ROOT, "run %s: %s after %d steps (median %.3f s/step)%s%n", outcome.runDirectory(),
                    outcome.status(), outcome.steps(), outcome.medianSecondsPerStep(),
                    outcome.reason() == null ? "" : " - " + outcome.reason());
            if (outcome.status() == RunStatus.KILLED) {
                out.println("continue it with: ./ganforge resume " + outcome.runDirectory());
            }
            out.flush();
        } finally {
            if (live != null) {
                finishSync(live, runDirectory, outcome, out);
            }
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting because of the signal; the hook is running
        }
        return switch (outcome.status()) {
            case FINISHED -> 0;
            case KILLED -> Main.KILLED;
            default -> Main.RUN_FAILED;
        };
    }

    private static LiveSync startLiveSync(TrackingSettings settings, Path runDirectory, PrintWriter err) {
        MlflowTracker tracker = new MlflowTracker(settings, 3);
        Consumer<String> notice = message -> err.println("\n" + message); // below the progress bar
        LiveSync live = new LiveSync(runDirectory,
                () -> new MlflowSync(runDirectory, tracker, settings.uri(), settings.experiment(), notice),
                Duration.ofMillis((long) (1000 * seconds("ganforge.tracking.intervalSeconds", 5))), notice);
        err.println("MLflow: mirroring " + runDirectory + " to " + settings.uri());
        live.start();
        return live;
    }

    private static void finishSync(LiveSync live, Path runDirectory, RunOutcome outcome, PrintWriter out) {
        double wait = seconds("ganforge.tracking.finalWaitSeconds",
                outcome != null && outcome.status() == RunStatus.KILLED ? 10 : 60);
        boolean complete = live.finish(Duration.ofMillis((long) (1000 * wait)));
        SyncState state = SyncState.read(runDirectory);
        if (state.runId() != null) {
            out.println("MLflow run: " + state.trackingUri() + "/#/experiments/" + state.experimentId() + "/runs/"
                    + state.runId());
        }
        if (!complete) {
            out.println("MLflow: the run is not fully mirrored" + (live.problem() == null ? "" : " (" + live.problem() + ")")
                    + "; the run folder has everything. Send the rest with: ganforge sync " + runDirectory);
        }
    }

    private static double seconds(String property, double fallback) {
        String value = System.getProperty(property);
        return value == null ? fallback : Double.parseDouble(value);
    }
}
