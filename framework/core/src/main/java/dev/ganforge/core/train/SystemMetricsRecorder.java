package dev.ganforge.core.train;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.SystemMetricsLog;
import dev.ganforge.core.runtime.SystemProbe;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples CPU, memory and disk use ({@link SystemProbe}) on a daemon thread every {@code
 * tracking.system_metrics_every} seconds while a run trains, and once more when it stops, into the
 * run folder's {@code system.csv} ({@link SystemMetricsLog}) with the training step of the moment.
 * The training thread only publishes its step (one volatile write per step). A sample that cannot
 * be written (a full disk) ends the sampling with one notice; it never stops the run.
 */
final class SystemMetricsRecorder implements AutoCloseable {

    private final SystemProbe probe;
    private final SystemMetricsLog log;
    private final ScheduledExecutorService thread;
    private final PrintStream console;
    private volatile long step;
    private boolean stopped;
    private boolean failed;

    private SystemMetricsRecorder(
            RunDirectory run, long periodMillis, long startStep, PrintStream console) {
        this.console = console;
        this.step = startStep;
        if (periodMillis <= 0) {
            probe = null;
            log = null;
            thread = null;
            return;
        }
        probe = new SystemProbe(run.root());
        log = new SystemMetricsLog(run.systemMetricsFile());
        thread =
                Executors.newSingleThreadScheduledExecutor(
                        task -> {
                            Thread daemon = new Thread(task, "ganforge-system-metrics");
                            daemon.setDaemon(true);
                            return daemon;
                        });
        thread.scheduleAtFixedRate(this::sample, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts sampling.
     *
     * @param run the run folder
     * @param seconds seconds between samples; 0 records nothing (and creates no file)
     * @param startStep the steps done when training (re)starts
     * @param console where a notice goes if a sample cannot be written
     * @return the running recorder; close it when training stops
     * @throws UncheckedIOException if {@code system.csv} cannot be opened
     */
    static SystemMetricsRecorder start(
            RunDirectory run, double seconds, long startStep, PrintStream console) {
        return new SystemMetricsRecorder(run, Math.round(seconds * 1000), startStep, console);
    }

    /**
     * @param stepsDone the training steps done so far; the next sample records it
     */
    void step(long stepsDone) {
        step = stepsDone;
    }

    private synchronized void sample() {
        if (stopped) {
            return;
        }
        try {
            log.append(step, probe.sample(), System.currentTimeMillis());
        } catch (UncheckedIOException e) {
            stopped = true;
            failed = true;
            console.println("system metrics stopped: " + e.getMessage());
        }
    }

    /** Takes the last sample and stops; never throws (a failure is one notice). */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        // not shutdownNow: an interrupt would close the file channel a sample may be writing
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        synchronized (this) {
            stopped = true;
            try {
                log.close();
            } catch (UncheckedIOException e) {
                if (!failed) { // a failed sample was reported already
                    console.println("system metrics: cannot close system.csv: " + e.getMessage());
                }
            }
        }
    }
}
