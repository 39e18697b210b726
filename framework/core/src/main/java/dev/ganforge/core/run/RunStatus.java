package dev.ganforge.core.run;

/** The state of a run as recorded in {@code status.json} of its run directory. */
public enum RunStatus {
    /** Training is under way (or the process died without a chance to record anything else). */
    RUNNING,
    /** Every step ran; the final checkpoint and sample grids are written. */
    FINISHED,
    /**
     * Stopped by an error, e.g. a non-finite loss; the reason is recorded, the last good checkpoint
     * kept.
     */
    FAILED,
    /** Stopped by Ctrl-C or SIGTERM after writing a final checkpoint; resumable. */
    KILLED
}
