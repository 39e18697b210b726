package dev.ganforge.cli.sweep;

import dev.ganforge.core.train.ExperimentException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/** Makes the {@link TrialScheduler} a sweep block asks for. */
public final class Schedulers {

    private Schedulers() {}

    /** A scheduler whose best trial has a history worth replaying as one run (PBT). */
    public interface Replayable {

        /**
         * Writes the commands that train the best trial's lineage again as one plain run.
         *
         * @param best the best trial
         * @param trialSpec a trial's spec file by trial id
         * @return the script
         * @throws java.io.UncheckedIOException if it cannot be written
         */
        java.nio.file.Path replayScript(
                TrialState best, java.util.function.Function<String, java.nio.file.Path> trialSpec);
    }

    /**
     * @param sweep the sweep block (with its ranking metric resolved)
     * @param trials the plan
     * @param folder the sweep folder
     * @param state the sweep's recorded state
     * @param out where the scheduler reports
     * @return {@link GridScheduler} without a {@code scheduler:} block, else the one it names
     * @throws ExperimentException if ASHA has no metric to rank by, the trials' lengths are not one
     *     common {@code training.steps}, or a trial sets {@code training.lr_decay_start}
     */
    public static TrialScheduler of(
            SweepSpec sweep,
            List<SweepRunner.Trial> trials,
            java.nio.file.Path folder,
            SweepState state,
            PrintWriter out) {
        SchedulerSpec scheduler = sweep.scheduler();
        if (scheduler == null) {
            return new GridScheduler(trials, state, out);
        }
        if (sweep.metric() == null) {
            throw new ExperimentException(
                    "sweep.scheduler "
                            + scheduler.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " ranks trials by sweep.metric, and this"
                            + " sweep has none: add an evaluation: section (the sweep then ranks by"
                            + " its Fréchet distance) or set sweep.metric");
        }
        long[] lengths = trials.stream().mapToLong(SweepRunner::fullSteps).distinct().toArray();
        if (lengths.length != 1 || lengths[0] <= 0) {
            throw new ExperimentException(
                    "sweep.scheduler needs every trial to give training.steps, the same for all;"
                            + " the trials give "
                            + Arrays.toString(lengths)
                            + " (0: epochs)");
        }
        if (trials.stream().anyMatch(t -> t.spec().training().lrDecayStart() != null)) {
            // Scheduled trials train in segments, each run to its own training.steps, where a
            // decay would end: every segment would decay to its end and start again after it.
            throw new ExperimentException(
                    "training.lr_decay_start cannot be used with sweep.scheduler (its trials train"
                            + " in segments, each given its own training.steps, where the decay"
                            + " would end); remove it from the base spec and the sweep parameters,"
                            + " or drop the scheduler");
        }
        if (scheduler.type() == SchedulerSpec.Type.PBT) {
            return pbt(sweep, scheduler, trials, lengths[0], folder, state, out);
        }
        if (scheduler.minSteps() == null) {
            throw new ExperimentException(
                    "sweep.scheduler asha needs min_steps, the steps of its first rung");
        }
        long[] rungs;
        try {
            rungs =
                    AshaScheduler.rungs(
                            scheduler.minSteps(), scheduler.reductionFactor(), lengths[0]);
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("sweep.scheduler: " + e.getMessage());
        }
        out.println("ASHA rungs at steps " + Arrays.toString(rungs));
        return new AshaScheduler(
                trials, rungs, scheduler.reductionFactor(), sweep.goal(), sweep.seed(), state, out);
    }

    /** The parameter paths PBT may change on a running trial. */
    private static boolean resumable(String path) {
        return path.equals("seed")
                || path.startsWith("optimizers.")
                || (path.startsWith("training.")
                        && !path.equals("training.steps")
                        && !path.equals("training.epochs")
                        && !path.equals("training.precision")
                        && !path.equals("training.engine"));
    }

    private static TrialScheduler pbt(
            SweepSpec sweep,
            SchedulerSpec scheduler,
            List<SweepRunner.Trial> trials,
            long length,
            java.nio.file.Path folder,
            SweepState state,
            PrintWriter out) {
        if (scheduler.interval() == null || scheduler.interval() >= length) {
            throw new ExperimentException(
                    "sweep.scheduler pbt needs interval, the steps between exploit/explore"
                            + " decisions, below training.steps ("
                            + length
                            + ")");
        }
        List<String> fixed =
                sweep.parameters().keySet().stream().filter(p -> !resumable(p)).toList();
        if (!fixed.isEmpty()) {
            throw new ExperimentException(
                    "sweep.scheduler pbt copies weights between trials, so it can only sweep values"
                            + " a resumed run can change (optimizers.*, training.* such as"
                            + " ema_decay or loss, seed); "
                            + fixed
                            + " would change the networks or the data");
        }
        out.println("PBT population of " + trials.size() + ": " + scheduler.describe());
        return new PbtScheduler(
                trials,
                folder,
                scheduler.interval(),
                length,
                scheduler.quantile(),
                scheduler.perturbation(),
                sweep.goal(),
                sweep.seed(),
                state,
                out);
    }
}
