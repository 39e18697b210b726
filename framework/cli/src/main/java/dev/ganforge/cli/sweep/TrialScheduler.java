package dev.ganforge.cli.sweep;

import java.util.Optional;

/**
 * Decides which trial segment runs next. {@link SweepRunner} keeps the executor's slots full with
 * {@link #next()} and reports each segment's end with {@link #ended}; the scheduler keeps the
 * trials' states in {@code sweep.json} up to date, so that a sweep started again after its process
 * died continues where it was.
 */
public interface TrialScheduler {

    /**
     * A segment to run.
     *
     * @param trial the trial
     * @param targetSteps the step it trains to
     * @param fullRun whether this segment trains to the trial's own {@code training.steps} (its
     *     spec is not overridden)
     * @param values swept values to set for this segment ({@code --set}), or empty to keep the
     *     trial's own (population-based training changes them)
     */
    record Job(
            SweepRunner.Trial trial,
            long targetSteps,
            boolean fullRun,
            java.util.Map<String, String> values) {

        /**
         * A segment with the trial's own values.
         *
         * @param trial the trial
         * @param targetSteps the step it trains to
         * @param fullRun whether it trains to the trial's own length
         */
        public Job(SweepRunner.Trial trial, long targetSteps, boolean fullRun) {
            this(trial, targetSteps, fullRun, java.util.Map.of());
        }
    }

    /**
     * @return the next segment to start now, or empty when none can start until a running one ends
     *     (or none is left)
     */
    Optional<Job> next();

    /**
     * Records a segment's end and the trial's new state.
     *
     * @param job the segment
     * @param exitCode the ganforge command's exit code
     * @param metric the sweep metric read from the run folder afterwards, or null
     * @param log the name of the trial's log file, for failure reasons
     */
    void ended(Job job, int exitCode, Double metric, String log);

    /** Called once nothing runs and {@link #next()} is empty: gives trials their final status. */
    void finish();
}
