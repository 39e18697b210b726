package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.RunInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Mirrors a run folder while it trains: a daemon thread runs {@link MlflowSync#sync()} every
 * interval, never on the training thread. Server and network failures back off (doubling up to a
 * minute) and are reported once; a refused request (4xx) is reported and stops the mirror, and
 * training goes on either way. {@link #finish} runs the last sync after training, within a bounded
 * wait.
 */
public final class LiveSync {

    private static final Duration MAX_DELAY = Duration.ofSeconds(60);
    private final Path runFolder;
    private final Supplier<MlflowSync> syncFactory;
    private final Duration interval;
    private final Consumer<String> log;
    private final Object wakeUp = new Object();
    private final Thread worker;
    private volatile long finalDeadlineNanos;
    private volatile boolean finalRequested;
    private volatile boolean complete;
    private volatile boolean abandoned;
    private volatile String problem;
    private volatile MlflowSync sync;

    /**
     * @param runFolder the run folder (may not exist yet: the first sync waits for its
     *     run-info.json, written once the data is loaded)
     * @param syncFactory makes the sync once the folder exists
     * @param interval time between syncs
     * @param log receives one-line notices
     */
    public LiveSync(
            Path runFolder,
            Supplier<MlflowSync> syncFactory,
            Duration interval,
            Consumer<String> log) {
        this.runFolder = runFolder;
        this.syncFactory = syncFactory;
        this.interval = interval;
        this.log = log;
        this.worker = new Thread(this::work, "ganforge-mlflow-sync");
        worker.setDaemon(true); // never keeps the JVM alive; mlflow.json records what was sent
    }

    /** Starts the background thread. */
    public void start() {
        worker.start();
    }

    /**
     * Asks for a last sync of everything training wrote and waits for it, at most {@code wait};
     * then stops the thread (interrupting a request under way; what was sent stays recorded).
     *
     * @param wait the longest wait
     * @return true if the ended run is fully mirrored
     */
    public boolean finish(Duration wait) {
        finalDeadlineNanos = System.nanoTime() + wait.toNanos();
        finalRequested = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        try {
            worker.join(Math.max(1, wait.toMillis()));
            if (worker.isAlive()) { // out of time: stop the request under way, which releases the
                // folder's lock
                abandoned = true;
                worker.interrupt();
                worker.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return complete;
    }

    /**
     * @return why the mirror is incomplete, or null
     */
    public String problem() {
        return problem;
    }

    /**
     * @return the sync, once the run folder existed; null before
     */
    public MlflowSync sync() {
        return sync;
    }

    private void work() {
        Duration delay = interval;
        Duration finalBackoff = Duration.ofMillis(500);
        boolean reported = false;
        while (!abandoned) {
            if (!finalRequested) {
                pause(delay); // ends early when finish() is called
            }
            boolean last = finalRequested;
            try {
                if (sync == null) {
                    if (!Files.isRegularFile(runFolder.resolve(RunInfo.FILE))) {
                        if (last) {
                            return; // training failed before writing the folder: nothing to mirror
                        }
                        continue;
                    }
                    sync = syncFactory.get();
                }
                MlflowSync.Report report = sync.sync();
                if (reported) {
                    log.accept("MLflow: reachable again; caught up");
                    reported = false;
                }
                problem = null;
                if (last) {
                    complete = report.complete();
                    return;
                }
                delay = interval;
            } catch (TrackingException e) {
                if (abandoned) {
                    return;
                }
                problem = e.getMessage();
                if (!e.retryable()) {
                    log.accept(
                            "MLflow: "
                                    + e.getMessage()
                                    + " - not retried; training goes on, the run folder keeps"
                                    + " everything");
                    return;
                }
                if (!reported) {
                    log.accept(
                            "MLflow: "
                                    + e.getMessage()
                                    + " - training goes on; retrying in the background");
                    reported = true;
                }
                if (last) {
                    if (System.nanoTime() + finalBackoff.toNanos() > finalDeadlineNanos) {
                        return;
                    }
                    sleep(finalBackoff);
                    finalBackoff = min(finalBackoff.multipliedBy(2), Duration.ofSeconds(8));
                } else {
                    delay = min(delay.multipliedBy(2), MAX_DELAY);
                }
            } catch (RuntimeException e) {
                problem = String.valueOf(e.getMessage());
                log.accept("MLflow: sync failed: " + e + " - retrying in the background");
                if (last) {
                    return;
                }
                delay = min(delay.multipliedBy(2), MAX_DELAY);
            }
        }
    }

    /** Waits for the next periodic sync, or until {@link #finish} is called. */
    private void pause(Duration time) {
        synchronized (wakeUp) {
            if (finalRequested) {
                return;
            }
            try {
                wakeUp.wait(Math.max(1, time.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(Duration time) {
        try {
            Thread.sleep(Math.max(1, time.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
