package dev.ganforge.core.cli;

import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.train.RunOutcome;
import dev.ganforge.core.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Trainer} with a shutdown hook, so Ctrl-C or SIGTERM ends the run after the current
 * step with a final checkpoint, and prints how it ended.
 */
final class TrainingLauncher {

    private TrainingLauncher() {}

    static int train(ExperimentSpec spec, String resolvedYaml, Path runDirectory, boolean resume, PrintWriter out) {
        Trainer trainer = new Trainer(spec, resolvedYaml, runDirectory, System.err);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(120, TimeUnit.SECONDS); // let the final checkpoint finish before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ganforge-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunOutcome outcome;
        try {
            outcome = trainer.run(resume);
        } finally {
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting because of the signal; the hook is running
        }
        out.printf(Locale.ROOT, "run %s: %s after %d steps (median %.3f s/step)%s%n", outcome.runDirectory(),
                outcome.status(), outcome.steps(), outcome.medianSecondsPerStep(),
                outcome.reason() == null ? "" : " - " + outcome.reason());
        return switch (outcome.status()) {
            case FINISHED -> 0;
            case KILLED -> Main.KILLED;
            default -> Main.RUN_FAILED;
        };
    }
}
