package dev.ganforge.cli.sweep;

import dev.ganforge.config.Overrides;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ConsoleProgress;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs a sweep's trials, each as a normal run in its own JVM and folder ({@code <sweep
 * folder>/trial-<id>/}), in segments a {@link TrialScheduler} chooses (the whole trial, or ASHA's
 * rungs) on a {@link TrialExecutor} (processes on this machine, or tasks on a Spark cluster). Every
 * trial's spec is validated before the first one starts. Re-running the same sweep resumes it:
 * finished trials are skipped, killed or interrupted ones resume from their checkpoint, failed ones
 * are retried once.
 */
public final class SweepRunner {

    /** How many times a trial is started at most (the first attempt and one retry). */
    public static final int MAX_ATTEMPTS = 2;

    private final SpecLoader loader;
    private final PrintWriter out;
    private volatile boolean stopRequested;
    private volatile TrialExecutor executor;
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
     * @throws SpecException for an override of the sweep block or {@code base} (read from the sweep
     *     file only), else listing every problem with the trial values it occurs in ({@code in
     *     every trial} when all trials have it)
     */
    public List<Trial> plan(SweepFile sweepFile, List<String> overrides) {
        List<SpecProblem> refused = sweepBlockOverrides(sweepFile, overrides);
        if (!refused.isEmpty()) {
            throw new SpecException(refused);
        }
        List<Trial> trials = new ArrayList<>();
        // a problem, and the trials it occurs in: one that every trial has (a bad --set, a bad
        // base key) is reported once, not once per trial
        Map<SpecProblem, Set<Map<String, String>>> problems = new LinkedHashMap<>();
        List<Map<String, String>> planned = TrialPlan.expand(sweepFile.sweep());
        for (Map<String, String> values : planned) {
            List<String> all = new ArrayList<>(overrides);
            all.addAll(TrialPlan.overrides(values));
            try {
                ExperimentSpec spec =
                        loader.parse(sweepFile.baseYaml(), sweepFile.file().toString(), all);
                String yaml = loader.toYaml(spec);
                String id =
                        identity(
                                loader.leaves(spec),
                                SpecLoader.givenKeys(sweepFile.baseYaml(), all));
                trials.add(
                        new Trial(
                                new TrialState(id, values, "PENDING", 0, null, null), spec, yaml));
            } catch (SpecException e) {
                for (SpecProblem problem : e.problems()) {
                    // a set: a problem reported twice for one trial still counts that trial once
                    problems.computeIfAbsent(problem, p -> new LinkedHashSet<>()).add(values);
                }
            }
        }
        if (!problems.isEmpty()) {
            List<SpecProblem> listed = new ArrayList<>();
            problems.forEach(
                    (problem, in) -> {
                        if (planned.size() > 1 && in.size() == planned.size()) {
                            listed.add(withRule(problem, problem.rule() + " (in every trial)"));
                        } else {
                            for (Map<String, String> values : in) {
                                listed.add(
                                        withRule(
                                                problem,
                                                problem.rule()
                                                        + " (in the trial with "
                                                        + values
                                                        + ")"));
                            }
                        }
                    });
            throw new SpecException(listed);
        }
        return trials;
    }

    private static SpecProblem withRule(SpecProblem problem, String rule) {
        return new SpecProblem(
                problem.file(), problem.path(), problem.value(), rule, problem.line());
    }

    /**
     * @return a problem for each {@code --set} of the sweep block or of {@code base}: those are
     *     read from the sweep file only, and every trial's experiment would refuse the key as
     *     unknown
     */
    private static List<SpecProblem> sweepBlockOverrides(
            SweepFile sweepFile, List<String> overrides) {
        List<SpecProblem> refused = new ArrayList<>();
        for (String override : overrides) {
            String key = Overrides.path(override);
            String top = key.split("[.\\[]", 2)[0];
            if (top.equals("sweep") || top.equals("base")) {
                refused.add(
                        new SpecProblem(
                                "--set " + override,
                                key,
                                Objects.requireNonNullElse(Overrides.valueText(override), ""),
                                "the '"
                                        + top
                                        + "' block is read from the sweep file only; edit it in "
                                        + sweepFile.file()
                                        + " (or a copy of it). --set changes the experiment of"
                                        + " every trial",
                                0));
            }
        }
        return refused;
    }

    /**
     * Runs what the scheduler asks for on the executor, keeping its slots full, until nothing is
     * left; then lets the scheduler give the final statuses.
     *
     * @param folder the sweep folder
     * @param scheduler decides the segments ({@link GridScheduler}, {@link AshaScheduler})
     * @param executor runs them
     * @param state the sweep's recorded state (updated as segments start and end)
     * @param metric the sweep metric, or null
     * @throws UncheckedIOException if a trial folder cannot be written
     * @throws IllegalStateException if the executor breaks (its cluster driver died, say)
     * @throws InterruptedException if interrupted while waiting for segments
     */
    public void run(
            Path folder,
            TrialScheduler scheduler,
            TrialExecutor executor,
            SweepState state,
            String metric)
            throws InterruptedException {
        this.executor = executor;
        Map<CompletableFuture<Integer>, TrialScheduler.Job> running = new LinkedHashMap<>();
        while (true) {
            while (!stopRequested && running.size() < executor.slots()) {
                Optional<TrialScheduler.Job> job = scheduler.next();
                if (job.isEmpty()) {
                    break;
                }
                running.put(start(folder, job.get(), executor, state), job.get());
            }
            if (running.isEmpty()) {
                break;
            }
            try {
                CompletableFuture.anyOf(running.keySet().toArray(new CompletableFuture<?>[0]))
                        .get();
            } catch (ExecutionException e) {
                // reported below, with the segment it belongs to
            }
            for (var entry : List.copyOf(running.entrySet())) {
                CompletableFuture<Integer> future = entry.getKey();
                if (!future.isDone()) {
                    continue;
                }
                running.remove(future);
                TrialScheduler.Job job = entry.getValue();
                int code;
                try {
                    code = future.get();
                } catch (ExecutionException e) {
                    if (stopRequested) {
                        // Ctrl-C reaches a cluster driver (spark-submit) in the same process
                        // group too: a segment it dropped while stopping was stopped, not broken
                        code = 130;
                        out.println(
                                "trial "
                                        + job.trial().state().id()
                                        + ": stopped ("
                                        + e.getCause().getMessage()
                                        + ")");
                        scheduler.ended(job, code, null, logName(job.trial().state()));
                        continue;
                    }
                    executor.stop();
                    throw new IllegalStateException(
                            "the "
                                    + executor.describe()
                                    + " executor failed while running trial "
                                    + job.trial().state().id()
                                    + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
                String name = job.trial().state().folderName();
                Path runDirectory = folder.resolve(name);
                Double value = metric == null ? null : FinalMetric.read(runDirectory, metric);
                scheduler.ended(job, code, value, logName(job.trial().state()));
                TrialState now = state.get(job.trial().state().id());
                out.println(
                        "trial "
                                + now.id()
                                + " "
                                + now.values()
                                + ": "
                                + now.status()
                                + " at step "
                                + now.steps()
                                + (value == null ? "" : " (" + metric + " = " + value + ")"));
            }
        }
        if (!stopRequested) {
            scheduler.finish();
        }
    }

    /**
     * @return the name of the trial's console log in the sweep folder, beside its run folder
     */
    private static String logName(TrialState trial) {
        return trial.folderName() + ".log";
    }

    /** Writes the trial's spec, records the start and submits the segment. */
    private CompletableFuture<Integer> start(
            Path folder, TrialScheduler.Job job, TrialExecutor executor, SweepState state) {
        TrialState current = state.get(job.trial().state().id());
        String name = current.folderName();
        Path runDirectory = folder.resolve(name);
        Path trialSpec = folder.resolve(name + ".yaml");
        long full = fullSteps(job.trial());
        long target = job.fullRun() || job.targetSteps() <= 0 ? full : job.targetSteps();
        try {
            Files.createDirectories(runDirectory);
            Files.writeString(trialSpec, job.trial().resolvedYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trial " + name + ": " + e.getMessage(), e);
        }
        if (tracking != null) {
            tracking.markChild(runDirectory);
        }
        List<String> steps = new ArrayList<>();
        if (!job.fullRun()) {
            steps.addAll(List.of("--set", "training.steps=" + target));
        }
        for (String override : TrialPlan.overrides(job.values())) {
            steps.addAll(List.of("--set", override));
        }
        List<String> startCommand = javaCommand();
        startCommand.addAll(
                List.of("run", trialSpec.toString(), "--output", runDirectory.toString()));
        startCommand.addAll(steps);
        List<String> resumeCommand = javaCommand();
        resumeCommand.addAll(List.of("resume", runDirectory.toString()));
        resumeCommand.addAll(steps);
        TrialSegment segment =
                new TrialSegment(
                        current.id(),
                        target,
                        startCommand,
                        resumeCommand,
                        Map.of(),
                        runDirectory,
                        folder.resolve(logName(current)));
        boolean resume = Files.exists(runDirectory.resolve("checkpoints/latest"));
        state.put(current.started(target));
        out.println(
                "trial "
                        + current.id()
                        + " "
                        + current.values()
                        + ": "
                        + (resume ? "resuming" : "starting")
                        + " to step "
                        + target
                        + " in "
                        + runDirectory);
        return executor.submit(segment);
    }

    /**
     * @return the trial's {@code training.steps}, or 0 when its length is given in epochs
     */
    static long fullSteps(Trial trial) {
        Integer steps = trial.spec().training().steps();
        return steps == null ? 0 : steps;
    }

    /**
     * @param exitCode a ganforge command's exit code
     * @return FINISHED (0), KILLED (130 or 143: a signal) or FAILED
     */
    static String statusOf(int exitCode) {
        return exitCode == 0
                ? "FINISHED"
                : exitCode == 130 || exitCode == 143 ? "KILLED" : "FAILED";
    }

    /**
     * Whether the sweep was told to stop (by a signal, through {@link #stop()}).
     *
     * @return whether {@link #stop()} was called
     */
    public boolean stopped() {
        return stopRequested;
    }

    /**
     * Stops the sweep: every running segment gets SIGTERM (it checkpoints and ends KILLED), no new
     * segment starts, and {@link #run} returns once the running ones have ended and are recorded.
     */
    public void stop() {
        stopRequested = true;
        TrialExecutor current = executor;
        if (current != null) {
            current.stop();
        }
    }

    private List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(trialJvmArguments(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /**
     * The JVM options of a trial's process: the sweep's own, without agents and flight recordings
     * (one per process would clash on ports and files), and with progress bars as plain lines,
     * because a trial's output goes to its log file even when the sweep runs on a terminal.
     *
     * @param sweepArguments the sweep JVM's input arguments
     * @return the options to start a trial's JVM with
     */
    static List<String> trialJvmArguments(List<String> sweepArguments) {
        String terminal = "-D" + ConsoleProgress.TERMINAL_PROPERTY + "=";
        List<String> arguments = new ArrayList<>();
        for (String argument : sweepArguments) {
            if (!argument.startsWith("-agentlib")
                    && !argument.startsWith("-javaagent")
                    && !argument.startsWith("-XX:StartFlightRecording")
                    && !argument.startsWith(terminal)) {
                arguments.add(argument);
            }
        }
        arguments.add(terminal + "false");
        return arguments;
    }

    /**
     * A trial's identity: what the sweep file, the {@code --set} overrides and the swept values
     * give, with the values as resolved ({@code 2e-4} and {@code 0.0002} are one value). Keys left
     * at their defaults are not part of it, also inside list elements such as {@code
     * evaluation.evaluators}, so a ganforge version that adds a spec key (at a default) still finds
     * the sweep's recorded trials; a key written at its default value is part of it.
     *
     * @param resolved the trial's resolved spec by leaf path ({@link SpecLoader#leaves})
     * @param given the paths its text and overrides give ({@link SpecLoader#givenKeys}); a path
     *     that stands for a section ({@code evaluation: {}}, {@code optimizer: adam}) takes in
     *     every resolved leaf below it
     * @return the first 12 hex digits of the SHA-256 of the {@code path=value} lines of the
     *     resolved leaves at or below the given paths, sorted by path; a given path with none (an
     *     optional section given as null) as {@code path=~}
     */
    public static String identity(Map<String, String> resolved, Set<String> given) {
        Map<String, String> chosen = new TreeMap<>();
        for (String path : given) {
            boolean found = false;
            for (Map.Entry<String, String> entry : resolved.entrySet()) {
                String key = entry.getKey();
                if (key.equals(path) || key.startsWith(path + ".") || key.startsWith(path + "[")) {
                    chosen.put(key, entry.getValue());
                    found = true;
                }
            }
            if (!found) {
                chosen.putIfAbsent(path, "~");
            }
        }
        StringBuilder text = new StringBuilder();
        chosen.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return sha256Prefix(text.toString());
    }

    /**
     * The identity sweeps recorded before 2026-12-04, from the whole resolved spec; {@link
     * #adoptRecorded} matches a trial by it, so those sweeps resume.
     *
     * @param resolvedYaml a trial's resolved spec
     * @return the first 12 hex digits of its SHA-256
     */
    static String legacyIdentity(String resolvedYaml) {
        return sha256Prefix(resolvedYaml);
    }

    /** The sweep property that names the recorded identity a trial identity was adopted under. */
    static final String ALIAS_PROPERTY = "alias.";

    /**
     * Gives each planned trial the identity its sweep folder recorded it under: its own; or the one
     * an earlier re-run adopted for it (the sweep property {@code alias.<id>}); or, for a sweep
     * recorded before the identity left out defaults, its {@link #legacyIdentity} (found when the
     * resolved spec is unchanged since), which is then recorded as the alias, so the trial keeps
     * its record across later versions too.
     *
     * @param trials the planned trials
     * @param state the sweep folder's recorded state (an adoption adds a property to it)
     * @return the trials, with the recorded identity where their own is not recorded
     * @throws java.io.UncheckedIOException if {@code sweep.json} cannot be written
     */
    public static List<Trial> adoptRecorded(List<Trial> trials, SweepState state) {
        List<Trial> adopted = new ArrayList<>(trials.size());
        for (Trial trial : trials) {
            TrialState planned = trial.state();
            String own = planned.id();
            String recorded = null;
            if (state.get(own) == null) {
                String alias = state.property(ALIAS_PROPERTY + own);
                String legacy = legacyIdentity(trial.resolvedYaml());
                if (alias != null && state.get(alias) != null) {
                    recorded = alias;
                } else if (state.get(legacy) != null) {
                    recorded = legacy;
                    state.property(ALIAS_PROPERTY + own, legacy);
                }
            }
            if (recorded != null) {
                planned =
                        new TrialState(
                                recorded,
                                planned.values(),
                                planned.status(),
                                planned.attempts(),
                                planned.metric(),
                                planned.reason());
            }
            adopted.add(new Trial(planned, trial.spec(), trial.resolvedYaml()));
        }
        return adopted;
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
