package dev.ganforge.sweep.spark.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * The body of one Spark task: trains one trial segment by starting the trial's own JVM (ganforge's
 * {@code run} or {@code resume} command) on the executor's machine and waiting for it. The trial
 * JVM gets the task's cores as its math threads ({@code spark.task.cpus}: {@code OMP_NUM_THREADS})
 * and {@code GANFORGE_EXIT_WITH_PARENT=1}, so it stops with a checkpoint if this executor dies.
 * When Spark runs the task again (its executor was lost), the run folder already holds that
 * checkpoint and the {@code resume} command continues from it; the task first waits until the
 * previous attempt's JVM has released the folder's {@code run.lock}. A task killed by Spark (the
 * sweep was stopped) sends the trial SIGTERM and waits for its checkpoint.
 *
 * <p>Returns {@code "<exit code> <attempt> <host>"}.
 */
final class SegmentTask implements Function<Wire.Segment, String> {

    private static final long serialVersionUID = 1L;

    /**
     * How long a new attempt waits for the previous attempt's trial JVM to let go of the folder.
     */
    static final long LOCK_WAIT_SECONDS = 300;

    @Override
    public String call(Wire.Segment segment) throws Exception {
        TaskContext task = TaskContext.get();
        int cpus = task == null ? 1 : Math.max(1, task.cpus());
        int attempt = task == null ? 0 : task.attemptNumber();
        String host = InetAddress.getLocalHost().getHostName();
        Path runDirectory = Path.of(segment.runDirectory());
        Path log = Path.of(segment.log());
        Files.createDirectories(runDirectory);
        waitForLock(runDirectory.resolve("run.lock"));
        boolean resume = Files.exists(runDirectory.resolve("checkpoints").resolve("latest"));
        List<String> command = resume ? segment.resumeCommand() : segment.startCommand();
        try (Writer writer =
                Files.newBufferedWriter(
                        log,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            writer.write(
                    "== "
                            + Instant.now()
                            + " ganforge sweep on Spark: segment to step "
                            + segment.targetSteps()
                            + ", task attempt "
                            + attempt
                            + " on "
                            + host
                            + ", "
                            + cpus
                            + " cores, "
                            + (resume ? "resuming from the last checkpoint" : "starting")
                            + " ==\n");
        }
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (String entry : segment.environment()) {
            int equals = entry.indexOf('=');
            builder.environment().put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(cpus));
        builder.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(cpus));
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        builder.environment().put("GANFORGE_EXIT_WITH_PARENT", "1");
        Process process = builder.start();
        try {
            int code = process.waitFor();
            return code + " " + attempt + " " + host;
        } catch (InterruptedException killed) {
            // Spark killed the task (the sweep was stopped): let the trial checkpoint and end
            process.destroy();
            process.waitFor(120, TimeUnit.SECONDS);
            Thread.currentThread().interrupt();
            throw killed;
        }
    }

    /**
     * Waits until no process holds {@code lock} (a previous attempt's trial JVM still stopping).
     */
    private static void waitForLock(Path lock) throws IOException, InterruptedException {
        if (!Files.exists(lock)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOCK_WAIT_SECONDS);
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            while (true) {
                try {
                    FileLock held = channel.tryLock();
                    if (held != null) {
                        held.release();
                        return;
                    }
                } catch (OverlappingFileLockException sameJvm) {
                    // another task of this executor holds it: wait as for another process
                }
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(
                            new IOException(
                                    lock
                                            + " is still held after "
                                            + LOCK_WAIT_SECONDS
                                            + " s by another process training this trial"));
                }
                Thread.sleep(500);
            }
        }
    }
}
