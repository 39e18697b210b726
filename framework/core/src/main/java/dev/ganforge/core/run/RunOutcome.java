package dev.ganforge.core.run;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param status FINISHED, FAILED or KILLED
 * @param reason why it failed or was killed; null when finished
 * @param steps steps done
 * @param runDirectory the run folder
 * @param medianSecondsPerStep median wall-clock seconds per step over this process's steps (NaN if
 *     none)
 */
public record RunOutcome(
        RunStatus status,
        String reason,
        long steps,
        Path runDirectory,
        double medianSecondsPerStep) {}
