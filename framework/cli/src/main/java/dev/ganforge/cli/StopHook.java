package dev.ganforge.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JVM shutdown hook for Ctrl-C and SIGTERM that asks the work in progress to stop, then holds the
 * JVM open until that work says it has ended ({@link #close()}) or a time limit passes, so that
 * what the work writes on its way out (a run's checkpoint and status, a sweep's summary) is
 * written.
 */
final class StopHook implements AutoCloseable {

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private StopHook(String name, Runnable stop, long waitSeconds) {
        this.hook =
                new Thread(
                        () -> {
                            try {
                                stop.run();
                            } finally {
                                // a stop that failed still leaves the work its time to end
                                try {
                                    done.await(waitSeconds, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        name);
    }

    /**
     * @param name the hook thread's name
     * @param stop asks the work to stop (the work ends on its own thread); it may itself wait, e.g.
     *     for child processes, before the hook starts counting {@code waitSeconds}
     * @param waitSeconds how long the JVM then waits for the work to say it has ended, seconds
     * @return the installed hook; close it when the work has ended
     */
    static StopHook install(String name, Runnable stop, long waitSeconds) {
        StopHook stopHook = new StopHook(name, stop, waitSeconds);
        Runtime.getRuntime().addShutdownHook(stopHook.hook);
        return stopHook;
    }

    /** The work has ended: a running hook lets the JVM exit, and the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting because of a signal; the hook is running
        }
    }
}
