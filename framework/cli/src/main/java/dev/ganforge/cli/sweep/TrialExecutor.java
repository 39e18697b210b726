package dev.ganforge.cli.sweep;

import java.util.concurrent.CompletableFuture;

/**
 * Where a sweep's trial segments run: as processes on this machine ({@link LocalTrialExecutor}) or
 * as tasks on a cluster (the {@code spark} executor of the {@code sweep-spark} module, found
 * through {@link TrialExecutorProvider}). The sweep's scheduler keeps at most {@link #slots()}
 * segments submitted and decides what runs next as each one ends, so the same schedulers (the full
 * grid, ASHA) work on every executor.
 */
public interface TrialExecutor extends AutoCloseable {

    /**
     * @return how many segments run at once
     */
    int slots();

    /**
     * @return where segments run, for the sweep's first line (e.g. {@code local, 2 at a time})
     */
    String describe();

    /**
     * Starts a segment.
     *
     * @param segment what to run
     * @return completes with the ganforge command's exit code (0 finished, 130 stopped, other codes
     *     failed), or exceptionally if the executor itself broke (its cluster driver died, say)
     */
    CompletableFuture<Integer> submit(TrialSegment segment);

    /**
     * Stops every running segment: its JVM gets SIGTERM, writes a checkpoint and ends KILLED.
     * Called from a shutdown hook; returns when they ended or after a bounded wait.
     */
    void stop();

    /**
     * Releases the executor's resources (threads, a cluster driver); running segments are stopped.
     */
    @Override
    void close();
}
