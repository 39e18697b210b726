package dev.ganforge.cli.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs segments as processes on this machine, up to {@code parallel} at a time. Each process gets
 * {@code max(1, cores / parallel)} native math threads ({@code OMP_NUM_THREADS}, {@code
 * OPENBLAS_NUM_THREADS}), so parallel trials do not oversubscribe the CPU, and {@code
 * GANFORGE_EXIT_WITH_PARENT=1}, so a trial whose sweep process is killed outright stops at its next
 * step with a checkpoint instead of training on unattended.
 */
public final class LocalTrialExecutor implements TrialExecutor {

    /** The executor's name for {@code --executor}. */
    public static final String NAME = "local";

    private final int parallel;
    private final int threads;
    private final ExecutorService pool;
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    /**
     * @param parallel segments at once, at least 1
     * @throws IllegalArgumentException if {@code parallel} is below 1
     */
    public LocalTrialExecutor(int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, found " + parallel);
        }
        this.parallel = parallel;
        this.threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        this.pool = Executors.newFixedThreadPool(parallel);
    }

    @Override
    public int slots() {
        return parallel;
    }

    @Override
    public String describe() {
        return "local, " + parallel + " at a time, " + threads + " math threads each";
    }

    @Override
    public CompletableFuture<Integer> submit(TrialSegment segment) {
        return CompletableFuture.supplyAsync(() -> run(segment), pool);
    }

    private int run(TrialSegment segment) {
        if (stopped) {
            return 130;
        }
        try {
            Files.createDirectories(segment.log().getParent());
            ProcessBuilder builder =
                    new ProcessBuilder(segment.commandNow())
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    ProcessBuilder.Redirect.appendTo(segment.log().toFile()));
            builder.environment().putAll(segment.environment());
            builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            builder.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
            builder.environment().put("GANFORGE_EXIT_WITH_PARENT", "1");
            if (parallel > 1) {
                // OpenMP threads that spin while waiting starve the other trials' threads
                builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            }
            Process process = builder.start();
            running.add(process);
            if (stopped) {
                // stop() ran between the check above and add(): it did not see this process
                process.destroy();
            }
            try {
                return process.waitFor();
            } finally {
                running.remove(process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start trial " + segment.trialId() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    @Override
    public void stop() {
        stopped = true;
        for (Process process : running) {
            process.destroy();
        }
        for (Process process : running) {
            try {
                process.waitFor(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
        pool.shutdownNow();
    }
}
