package dev.ganforge.cli.sweep;

import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep's trials, each as a normal run in its own process and folder ({@code <sweep
 * folder>/trial-<id>/}), up to {@code parallel} at a time. Each process gets {@code max(1, cores /
 * parallel)} native math threads ({@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}), so
 * parallel trials do not oversubscribe the CPU, and memory cannot grow across trials. Every trial's
 * spec is validated before the first one starts. Re-running the same sweep resumes it: finished
 * trials are skipped, killed or interrupted ones resume from their checkpoint, failed ones are
 * retried once.
 */
public final class SweepRunner {

    /** How many times a trial is started at most (the first attempt and one retry). */
    public static final int MAX_ATTEMPTS = 2;

    private final SpecLoader loader;
    private final PrintWriter out;
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private volatile boolean stopRequested;
    private volatile int parallelism = 1;
    private volatile SweepTracking tracking;
    private final String mainClass;

    /**
     * @param parent the sweep's MLflow parent run; trials started afterwards become its children
     */
    public void track(SweepTracking parent) {
        this.tracking = parent;
    }

    /**
     * @param loader the spec loader (with the plugin registry)
     * @param out where progress lines go
     * @param mainClass the class whose {@code main} runs {@code ganforge run} in a trial's JVM (the
     *     CLI's entry point, passed in so that this package does not depend on the CLI's)
     */
    public SweepRunner(SpecLoader loader, PrintWriter out, String mainClass) {
        this.loader = loader;
        this.out = out;
        this.mainClass = mainClass;
    }

    /** A planned trial: its state and its resolved spec. */
    public record Trial(TrialState state, ExperimentSpec spec, String resolvedYaml) {}

    /**
     * Resolves and validates every trial before anything runs.
     *
     * @param sweepFile the sweep
     * @param overrides {@code --set} overrides applied to every trial (before the swept values)
     * @return the trials in plan order
     * @throws SpecException listing every invalid trial with its values
     */
    public List<Trial> plan(SweepFile sweepFile, List<String> overrides) {
        List<Trial> trials = new ArrayList<>();
        List<SpecProblem> problems = new ArrayList<>();
        for (Map<String, String> values : TrialPlan.expand(sweepFile.sweep())) {
            List<String> all = new ArrayList<>(overrides);
            all.addAll(TrialPlan.overrides(values));
            try {
                ExperimentSpec spec =
                        loader.parse(sweepFile.baseYaml(), sweepFile.file().toString(), all);
                String yaml = loader.toYaml(spec);
                trials.add(
                        new Trial(
                                new TrialState(identity(yaml), values, "PENDING", 0, null, null),
                                spec,
                                yaml));
            } catch (SpecException e) {
                for (SpecProblem problem : e.problems()) {
                    problems.add(
                            new SpecProblem(
                                    problem.file(),
                                    problem.path(),
                                    problem.value(),
                                    problem.rule() + " (in the trial with " + values + ")",
                                    problem.line()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return trials;
    }

    /**
     * Runs the trials that are not finished yet.
     *
     * @param folder the sweep folder
     * @param trials the plan from {@link #plan}
     * @param parallel trials at once, at least 1
     * @param state the sweep's recorded state (updated as trials end)
     * @param metric the sweep metric, or null
     * @throws UncheckedIOException if a trial folder cannot be written
     * @throws InterruptedException if interrupted while waiting for trials
     */
    public void run(Path folder, List<Trial> trials, int parallel, SweepState state, String metric)
            throws InterruptedException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        this.parallelism = parallel;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> futures = new ArrayList<>();
        for (Trial trial : trials) {
            TrialState recorded = state.get(trial.state().id());
            TrialState current = recorded != null ? recorded : trial.state();
            if (recorded == null) {
                state.put(current);
            }
            if (current.status().equals("FINISHED")) {
                out.println(
                        "trial "
                                + current.id()
                                + " "
                                + current.values()
                                + ": finished earlier, skipped");
                continue;
            }
            if (current.status().equals("FAILED") && current.attempts() >= MAX_ATTEMPTS) {
                out.println(
                        "trial "
                                + current.id()
                                + " "
                                + current.values()
                                + ": failed "
                                + current.attempts()
                                + " times, not retried ("
                                + current.reason()
                                + ")");
                continue;
            }
            TrialState start = current;
            futures.add(pool.submit(() -> runTrial(folder, trial, start, threads, state, metric)));
        }
        pool.shutdown();
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "a trial could not be started: " + e.getCause().getMessage(), e.getCause());
            }
        }
        pool.awaitTermination(1, TimeUnit.DAYS);
    }

    /** Stops the sweep: every running trial gets SIGTERM (it checkpoints and ends KILLED). */
    public void stop() {
        stopRequested = true;
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

    private Void runTrial(
            Path folder,
            Trial trial,
            TrialState start,
            int threads,
            SweepState state,
            String metric)
            throws IOException, InterruptedException {
        if (stopRequested) {
            return null;
        }
        Path runDirectory = folder.resolve(start.folderName());
        boolean resume =
                Files.exists(runDirectory.resolve("checkpoints/latest"))
                        && !start.status().equals("FAILED");
        Files.createDirectories(runDirectory);
        if (tracking != null) {
            tracking.markChild(runDirectory);
        }
        Path trialSpec = folder.resolve(start.folderName() + ".yaml");
        Files.writeString(trialSpec, trial.resolvedYaml(), StandardCharsets.UTF_8);
        List<String> command = javaCommand();
        if (resume) {
            command.addAll(List.of("resume", runDirectory.toString()));
        } else {
            command.addAll(
                    List.of("run", trialSpec.toString(), "--output", runDirectory.toString()));
        }
        state.put(start.with("RUNNING", start.attempts() + 1, null, null));
        out.println(
                "trial "
                        + start.id()
                        + " "
                        + start.values()
                        + ": "
                        + (resume ? "resuming" : "starting")
                        + " in "
                        + runDirectory);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        folder.resolve(start.folderName() + ".log").toFile()));
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        builder.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        if (threads * parallelism > 0 && parallelism > 1) {
            // OpenMP threads that spin while waiting starve the other trials' threads on shared
            // cores
            builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        }
        Process process = builder.start();
        running.add(process);
        int code = process.waitFor();
        running.remove(process);
        Double value = metric == null ? null : FinalMetric.read(runDirectory, metric);
        String status =
                code == 0
                        ? "FINISHED"
                        : code == 130 || code == 143 || stopRequested ? "KILLED" : "FAILED";
        String reason =
                status.equals("FAILED")
                        ? "exit code " + code + ", see " + start.folderName() + ".log"
                        : null;
        state.put(start.with(status, start.attempts() + 1, value, reason));
        out.println(
                "trial "
                        + start.id()
                        + " "
                        + start.values()
                        + ": "
                        + status
                        + (value == null ? "" : " (" + metric + " = " + value + ")"));
        return null;
    }

    private List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-agentlib")
                    && !argument.startsWith("-javaagent")
                    && !argument.startsWith("-XX:StartFlightRecording")) {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /**
     * @param resolvedYaml a trial's resolved spec
     * @return the trial identity: the first 12 hex digits of its SHA-256
     */
    public static String identity(String resolvedYaml) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(resolvedYaml.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
