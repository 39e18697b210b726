package dev.ganforge.cli;

import dev.ganforge.core.run.RunOutcome;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.tracking.RunTracker;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.Trainer;
import dev.ganforge.core.train.TrainerFactory;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Orchestrates one run (the {@code run} and {@code resume} commands): a {@link Trainer} with a
 * shutdown hook, so Ctrl-C or SIGTERM ends the run after the current step with a final checkpoint,
 * and prints how it ended. Each installed {@link RunTracker} that the spec or the environment turns
 * on (MLflow: {@code tracking.uri} or {@code MLFLOW_TRACKING_URI}) mirrors the run folder meanwhile
 * and finishes its last sync after training.
 */
final class RunSession {

    private final TrainerFactory trainers;
    private final Map<String, RunTracker> trackers;

    /**
     * @param trainers makes the trainer of each run
     * @param trackers the installed trackers by name (MLflow); each decides from the spec and the
     *     environment whether it mirrors a run
     */
    @Inject
    RunSession(TrainerFactory trainers, Map<String, RunTracker> trackers) {
        this.trainers = trainers;
        this.trackers = trackers;
    }

    /**
     * Trains one run to its end, a failure or a signal.
     *
     * @return the exit code: 0 finished, {@link Main#KILLED} stopped by a signal, {@link
     *     Main#RUN_FAILED} failed
     * @throws ExperimentException if the tracking URI in the environment is malformed, or the run
     *     cannot start
     */
    int train(
            ExperimentSpec spec,
            String resolvedYaml,
            Path runDirectory,
            boolean resume,
            PrintWriter out,
            PrintWriter err) {
        Trainer trainer = trainers.create(spec, resolvedYaml, runDirectory, System.err);
        // the folder first: a second process on it must refuse before it mirrors anything
        trainer.claimFolder();
        List<RunTracker.LiveMirror> mirrors = new ArrayList<>();
        for (RunTracker tracker : trackers.values()) {
            try {
                tracker.start(spec, runDirectory, System.getenv(), err).ifPresent(mirrors::add);
            } catch (IllegalArgumentException e) {
                finishMirrors(mirrors, null, out);
                trainer.releaseFolder();
                throw new ExperimentException(e.getMessage());
            }
        }
        // let the final checkpoint and sync finish before the JVM exits
        StopHook stopHook = StopHook.install("ganforge-stop", trainer::requestStop, 120);
        if ("1".equals(System.getenv(EXIT_WITH_PARENT))) {
            watchParent(trainer, err);
        }
        RunOutcome outcome = null;
        try {
            outcome = trainer.run(resume);
            finishMirrors(mirrors, outcome.status(), out);
            // printed before the stop hook is released, so a run stopped by a signal still says how
            // it ended
            out.printf(
                    Locale.ROOT,
                    "run %s: %s after %d steps (%s)%s%n",
                    outcome.runDirectory(),
                    outcome.status(),
                    outcome.steps(),
                    Double.isNaN(outcome.medianSecondsPerStep())
                            ? "no step trained in this process"
                            : String.format(
                                    Locale.ROOT,
                                    "median %.3f s/step",
                                    outcome.medianSecondsPerStep()),
                    outcome.reason() == null ? "" : " - " + outcome.reason());
            if (outcome.status() == RunStatus.KILLED) {
                out.println("continue it with: ./ganforge resume " + outcome.runDirectory());
            }
            out.flush();
        } finally {
            finishMirrors(
                    mirrors, outcome == null ? null : outcome.status(), out); // training threw
            stopHook.close();
        }
        return switch (outcome.status()) {
            case FINISHED -> 0;
            case KILLED -> Main.KILLED;
            default -> Main.RUN_FAILED;
        };
    }

    /**
     * The environment variable that makes a run stop (after the current step, with a checkpoint, as
     * on SIGTERM) when the process that started it dies: set by the sweep executors for their
     * trials, so that a trial whose sweep process or cluster executor was killed outright does not
     * train on unattended while the sweep starts it again elsewhere.
     */
    static final String EXIT_WITH_PARENT = "GANFORGE_EXIT_WITH_PARENT";

    /** Polls the parent process once a second; asks the trainer to stop when it is gone. */
    private static void watchParent(Trainer trainer, PrintWriter err) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        long pid = parent.map(ProcessHandle::pid).orElse(-1L);
        Thread watcher =
                new Thread(
                        () -> {
                            while (true) {
                                try {
                                    Thread.sleep(1000);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                Optional<ProcessHandle> now = ProcessHandle.current().parent();
                                if (now.isEmpty()
                                        || now.get().pid() != pid
                                        || !now.get().isAlive()) {
                                    err.println(
                                            "the process that started this run (pid "
                                                    + pid
                                                    + ") is gone: stopping after this step with"
                                                    + " a checkpoint");
                                    err.flush();
                                    trainer.requestStop();
                                    return;
                                }
                            }
                        },
                        "ganforge-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Finishes and forgets every live mirror, so a second call does nothing. */
    private static void finishMirrors(
            List<RunTracker.LiveMirror> mirrors, RunStatus status, PrintWriter out) {
        for (RunTracker.LiveMirror mirror : mirrors) {
            mirror.finish(status, out);
        }
        mirrors.clear();
    }
}
