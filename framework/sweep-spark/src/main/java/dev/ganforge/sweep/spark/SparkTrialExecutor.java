package dev.ganforge.sweep.spark;

import dev.ganforge.cli.sweep.TrialExecutor;
import dev.ganforge.cli.sweep.TrialExecutorProvider;
import dev.ganforge.cli.sweep.TrialSegment;
import dev.ganforge.sweep.spark.driver.SparkTrialDriver;
import dev.ganforge.sweep.spark.driver.Wire;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs trial segments as tasks on a Spark cluster. It starts {@code spark-submit --master URL
 * --deploy-mode client --class} {@link SparkTrialDriver} with this module's jar and talks to the
 * driver over its standard input and output ({@link Wire}); the driver makes each segment a Spark
 * job of one task, and the task starts the trial's JVM on its executor ({@code SegmentTask}). The
 * driver's own output goes to {@code spark-driver.log} in the sweep folder.
 *
 * <p>Classpaths: ganforge's JVMs never load Spark (this class only starts a process), and Spark's
 * JVMs never load ganforge or DL4J (the driver package uses Spark and the JDK only; the trial JVM
 * is started with ganforge's own classpath). So Spark's Jackson 2.18, Guava, protobuf and Scala
 * never meet DL4J's or ganforge's, with no shading. What this needs on a cluster: ganforge's
 * installation (its {@code lib/} folder and a Java 17) at the same path on every node, and the
 * sweep folder on a file system every node mounts (see docs/scaling.md).
 *
 * <p>{@code spark-submit} is {@code $SPARK_HOME/bin/spark-submit}, else the one on the {@code
 * PATH}.
 */
public final class SparkTrialExecutor implements TrialExecutor {

    private static final long READY_SECONDS = 300;
    private final Process driver;
    private final Writer commands;
    private final int slots;
    private final String master;
    private final Path driverLog;
    private final PrintWriter out;
    private final Map<Long, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
    private final Map<Long, String> trialOf = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong();
    private volatile boolean closed;

    private SparkTrialExecutor(
            Process driver, int slots, String master, Path driverLog, PrintWriter out) {
        this.driver = driver;
        this.commands =
                new java.io.OutputStreamWriter(driver.getOutputStream(), StandardCharsets.UTF_8);
        this.slots = slots;
        this.master = master;
        this.driverLog = driverLog;
        this.out = out;
    }

    /**
     * Starts the driver and waits until it has executors.
     *
     * @param settings the sweep's executor options; {@code master} is required
     * @param environment the process environment ({@code SPARK_HOME}, {@code PATH})
     * @return the running executor
     * @throws IllegalArgumentException without {@code --master}
     * @throws IllegalStateException if spark-submit cannot be found or the driver does not get
     *     ready (the message quotes the end of its log)
     */
    public static SparkTrialExecutor start(
            TrialExecutorProvider.Settings settings, Map<String, String> environment) {
        check(settings);
        Path submit = sparkSubmit(environment);
        Path jar = applicationJar();
        Path driverLog = settings.sweepFolder().resolve("spark-driver.log");
        List<String> command = new ArrayList<>();
        command.add(submit.toString());
        command.addAll(
                List.of(
                        "--master",
                        settings.master(),
                        "--deploy-mode",
                        "client",
                        "--name",
                        "ganforge sweep " + settings.sweepFolder().getFileName(),
                        "--class",
                        SparkTrialDriver.class.getName()));
        settings.conf()
                .forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
        command.add(jar.toString());
        Process process;
        try {
            Files.createDirectories(settings.sweepFolder());
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectError(ProcessBuilder.Redirect.appendTo(driverLog.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + submit + ": " + e.getMessage(), e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        int[] readySlots = {0};
        BufferedReader answers =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        SparkTrialExecutor[] self = {null};
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                String line;
                                while ((line = answers.readLine()) != null) {
                                    if (!line.startsWith(Wire.PREFIX)) {
                                        continue;
                                    }
                                    String[] words =
                                            line.substring(Wire.PREFIX.length()).split(" ", 3);
                                    if (words[0].equals("READY")) {
                                        readySlots[0] = Integer.parseInt(words[1]);
                                        ready.countDown();
                                    } else if (self[0] != null) {
                                        self[0].answer(words);
                                    }
                                }
                            } catch (IOException | RuntimeException e) {
                                // the driver is gone; handled below
                            }
                            ready.countDown();
                            if (self[0] != null) {
                                self[0].driverEnded();
                            }
                        },
                        "ganforge-spark-driver");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(READY_SECONDS, TimeUnit.SECONDS) || readySlots[0] == 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "the Spark driver ("
                                + String.join(" ", command)
                                + ") did not get executors from "
                                + settings.master()
                                + " within "
                                + READY_SECONDS
                                + " s; the end of "
                                + driverLog
                                + ":\n"
                                + tail(driverLog));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Spark driver started", e);
        }
        int slots = settings.parallel() > 0 ? settings.parallel() : readySlots[0];
        SparkTrialExecutor executor =
                new SparkTrialExecutor(
                        process, slots, settings.master(), driverLog, settings.out());
        self[0] = executor;
        return executor;
    }

    /**
     * @param settings the sweep's executor options
     * @throws IllegalArgumentException without {@code --master}
     */
    static void check(TrialExecutorProvider.Settings settings) {
        if (settings.master() == null || settings.master().isBlank()) {
            throw new IllegalArgumentException(
                    "needs --master URL: spark://HOST:7077 for a standalone cluster, local[N] on"
                            + " this machine, yarn or k8s://… with their spark-submit settings");
        }
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public String describe() {
        return "spark "
                + master
                + ", "
                + slots
                + " trials at a time (driver log "
                + driverLog
                + ")";
    }

    @Override
    public synchronized CompletableFuture<Integer> submit(TrialSegment segment) {
        long number = numbers.incrementAndGet();
        CompletableFuture<Integer> future = new CompletableFuture<>();
        if (!driver.isAlive()) {
            future.completeExceptionally(driverGone());
            return future;
        }
        pending.put(number, future);
        trialOf.put(number, segment.trialId());
        List<String> environment = new ArrayList<>();
        segment.environment().forEach((key, value) -> environment.add(key + "=" + value));
        Wire.Segment wire =
                new Wire.Segment(
                        number,
                        segment.trialId(),
                        segment.targetSteps(),
                        segment.startCommand(),
                        segment.resumeCommand(),
                        environment,
                        segment.runDirectory().toAbsolutePath().toString(),
                        segment.log().toAbsolutePath().toString());
        send("RUN " + wire.encode());
        return future;
    }

    /** Handles a DONE or FAIL line. */
    private void answer(String[] words) {
        long number = Long.parseLong(words[1]);
        CompletableFuture<Integer> future = pending.remove(number);
        String trial = trialOf.remove(number);
        if (future == null) {
            return;
        }
        if (words[0].equals("DONE")) {
            String[] result = words[2].split(" ");
            int attempt = Integer.parseInt(result[1]);
            if (attempt > 0) {
                synchronized (out) {
                    out.printf(
                            "trial %s: Spark ran its segment again (task attempt %d, on %s)"
                                    + " after an executor was lost; it resumed from its last"
                                    + " checkpoint%n",
                            trial, attempt, result[2]);
                    out.flush();
                }
            }
            future.complete(Integer.parseInt(result[0]));
        } else {
            future.completeExceptionally(
                    new IllegalStateException(
                            "Spark could not run the segment of trial "
                                    + trial
                                    + ": "
                                    + (words.length > 2 ? words[2] : "")));
        }
    }

    private void driverEnded() {
        if (!closed) {
            IllegalStateException gone = driverGone();
            pending.values().forEach(f -> f.completeExceptionally(gone));
            pending.clear();
        }
    }

    private IllegalStateException driverGone() {
        return new IllegalStateException(
                "the Spark driver ended (exit code "
                        + (driver.isAlive() ? "?" : driver.exitValue())
                        + "); the end of "
                        + driverLog
                        + ":\n"
                        + tail(driverLog));
    }

    private synchronized void send(String line) {
        try {
            commands.write(line + "\n");
            commands.flush();
        } catch (IOException e) {
            // the driver is gone: the reader thread fails the pending segments
        }
    }

    @Override
    public void stop() {
        send("STOP");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!pending.isEmpty() && System.nanoTime() < deadline && driver.isAlive()) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        if (!pending.isEmpty()) {
            stop();
        }
        closed = true;
        send("QUIT");
        try {
            commands.close();
        } catch (IOException ignored) {
            // already closed by the driver's end
        }
        try {
            if (!driver.waitFor(120, TimeUnit.SECONDS)) {
                driver.destroy();
                driver.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
    }

    /** {@code $SPARK_HOME/bin/spark-submit}, else the first {@code spark-submit} on the PATH. */
    static Path sparkSubmit(Map<String, String> environment) {
        String home = environment.get("SPARK_HOME");
        if (home != null && !home.isBlank()) {
            Path submit = Path.of(home, "bin", "spark-submit");
            if (Files.isExecutable(submit)) {
                return submit;
            }
            throw new IllegalStateException(
                    "SPARK_HOME is " + home + " but " + submit + " is not an executable file");
        }
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path submit = Path.of(dir, "spark-submit");
            if (!dir.isEmpty() && Files.isExecutable(submit)) {
                return submit;
            }
        }
        throw new IllegalStateException(
                "cannot find spark-submit: set SPARK_HOME to a Spark 4 distribution (pip install"
                        + " pyspark==4.0.1 carries one: SPARK_HOME=$(python -c 'import pyspark, os;"
                        + " print(os.path.dirname(pyspark.__file__))')) or put spark-submit on the"
                        + " PATH");
    }

    /** The jar holding {@link SparkTrialDriver}: this module's jar in the distribution's lib. */
    static Path applicationJar() {
        try {
            Path location =
                    Path.of(
                            SparkTrialDriver.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            if (!Files.isRegularFile(location)) {
                throw new IllegalStateException(
                        "the Spark executor runs from the packaged jar"
                                + " (lib/ganforge-sweep-spark-*.jar), not from "
                                + location
                                + ": build with mvn package");
            }
            return location;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
