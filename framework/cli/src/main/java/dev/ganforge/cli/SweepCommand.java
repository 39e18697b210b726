package dev.ganforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ganforge.cli.sweep.LocalTrialExecutor;
import dev.ganforge.cli.sweep.Schedulers;
import dev.ganforge.cli.sweep.SweepContactSheet;
import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepRunner;
import dev.ganforge.cli.sweep.SweepSpec;
import dev.ganforge.cli.sweep.SweepState;
import dev.ganforge.cli.sweep.SweepSummary;
import dev.ganforge.cli.sweep.SweepTracking;
import dev.ganforge.cli.sweep.TrialExecutor;
import dev.ganforge.cli.sweep.TrialExecutorProvider;
import dev.ganforge.cli.sweep.TrialScheduler;
import dev.ganforge.cli.sweep.TrialState;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge sweep SPEC [--set …] [--parallel N] [--output DIR]}: runs a hyperparameter sweep
 * (see {@link SweepFile}) into {@code runs/<experiment>-sweep/} (one folder per trial) and writes
 * {@code summary.json}. Re-running the same command resumes the sweep.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description =
                "Run a hyperparameter sweep: one run per trial; re-run the same command to resume.")
final class SweepCommand implements Callable<Integer> {

    private final SpecLoader loader;

    /**
     * @param loader the spec loader, with every installed plugin
     */
    @Inject
    SweepCommand(SpecLoader loader) {
        this.loader = loader;
    }

    @Spec CommandSpec commandSpec;

    @Parameters(
            index = "0",
            paramLabel = "SPEC",
            description = "sweep YAML file (an experiment with a sweep: block)")
    Path sweepFile;

    @Mixin OverrideOptions set;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            defaultValue = "1",
            description = "trials at once (default 1); each gets cores/N math threads")
    int parallel;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "sweep folder (default runs/<experiment>-sweep)")
    Path output;

    @Option(
            names = "--executor",
            paramLabel = "NAME",
            defaultValue = LocalTrialExecutor.NAME,
            description =
                    "where trials run: local (default: processes on this machine) or spark (tasks"
                            + " on a Spark cluster, with --master)")
    String executorName;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description =
                    "the Spark master for --executor spark: spark://HOST:7077, local[N], yarn,"
                            + " k8s://…")
    String master;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "a setting for the executor's cluster (spark-submit --conf), repeatable")
    Map<String, String> conf = new LinkedHashMap<>();

    /**
     * Checks the options of the executor {@code --executor} names and returns how to start it:
     * {@link LocalTrialExecutor}, or a {@link TrialExecutorProvider} found with {@link
     * ServiceLoader} (the {@code sweep-spark} module's {@code spark}).
     *
     * @throws ExperimentException naming the installed executors if there is no such executor, or
     *     when the options do not fit it
     */
    private java.util.function.Supplier<TrialExecutor> executor(Path folder, PrintWriter out) {
        String name = executorName.toLowerCase(Locale.ROOT);
        if (name.equals(LocalTrialExecutor.NAME)) {
            if (master != null || !conf.isEmpty()) {
                throw new ExperimentException(
                        "--master and --conf are for a cluster executor (--executor spark); the"
                                + " local executor runs trials as processes on this machine");
            }
            return () -> new LocalTrialExecutor(parallel);
        }
        List<String> names = new ArrayList<>(List.of(LocalTrialExecutor.NAME));
        for (TrialExecutorProvider provider :
                ServiceLoader.load(
                        TrialExecutorProvider.class, SweepCommand.class.getClassLoader())) {
            if (provider.name().equals(name)) {
                TrialExecutorProvider.Settings settings =
                        new TrialExecutorProvider.Settings(
                                parallelGiven() ? parallel : 0, master, conf, folder, out);
                try {
                    provider.check(settings);
                } catch (IllegalArgumentException e) {
                    throw new ExperimentException("--executor " + name + ": " + e.getMessage());
                }
                return () -> {
                    try {
                        return provider.create(settings);
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        throw new ExperimentException("--executor " + name + ": " + e.getMessage());
                    }
                };
            }
            names.add(provider.name());
        }
        throw new ExperimentException(
                "--executor '"
                        + executorName
                        + "' is not installed; the executors here are "
                        + names
                        + " (the spark executor is the sweep-spark module, in the distribution's"
                        + " lib folder)");
    }

    private boolean parallelGiven() {
        return commandSpec.commandLine().getParseResult().hasMatchedOption("--parallel");
    }

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new ExperimentException("--parallel must be at least 1, found " + parallel);
        }
        PrintWriter out = commandSpec.commandLine().getOut();
        SweepFile read = SweepFile.read(sweepFile);
        SweepRunner runner = new SweepRunner(loader, out, Main.class.getName());
        List<SweepRunner.Trial> trials = runner.plan(read, set.values());
        SweepFile sweep = withRankingMetric(read, trials.get(0).spec().evaluation() != null, out);
        Path folder =
                output != null
                        ? output
                        : Path.of("runs", trials.get(0).spec().experiment() + "-sweep");
        // the executor's options are checked before anything is recorded or tracked
        java.util.function.Supplier<TrialExecutor> executors = executor(folder, out);
        SweepState state = SweepState.load(folder);
        trials = SweepRunner.adoptRecorded(trials, state);
        out.printf(
                "sweep %s: %d trials (%s%s) in %s%n",
                sweepFile,
                trials.size(),
                sweep.sweep().method().name().toLowerCase(Locale.ROOT),
                sweep.sweep().scheduler() == null
                        ? ""
                        : ", " + sweep.sweep().scheduler().describe(),
                folder);
        Optional<SweepTracking> tracking =
                SweepTracking.start(
                        trials.get(0).spec(),
                        trials.get(0).resolvedYaml(),
                        sweep,
                        List.copyOf(sweep.sweep().parameters().keySet()),
                        state,
                        out);
        tracking.ifPresent(runner::track);
        // Ctrl-C or SIGTERM: the hook stops the running trials (each checkpoints and ends KILLED)
        // and holds the JVM open until the sweep has recorded them and written its summary
        StopHook stopHook =
                StopHook.install("ganforge-sweep-stop", runner::stop, STOP_WAIT_SECONDS);
        try {
            TrialScheduler scheduler = Schedulers.of(sweep.sweep(), trials, folder, state, out);
            try (TrialExecutor executor = executors.get()) {
                out.println("executor: " + executor.describe());
                runner.run(folder, scheduler, executor, state, sweep.sweep().metric());
            }
            return finish(sweep, trials, folder, state, scheduler, tracking, runner.stopped(), out);
        } finally {
            out.flush();
            stopHook.close();
        }
    }

    /**
     * How long, after the executor's stop has returned (the local executor waits up to 120 s for
     * each trial process to checkpoint and end), a signal's stop waits for the sweep to record the
     * trials and write its summary, contact sheet and MLflow results, seconds.
     */
    static final long STOP_WAIT_SECONDS = 180;

    /**
     * Writes summary.json, the replay script (PBT), the contact sheet and the parent run's results,
     * and prints how the sweep ended.
     *
     * @param stopped whether a signal stopped the sweep
     * @return the exit code: 0 when every trial finished or was pruned, {@link Main#KILLED} when a
     *     signal stopped the sweep, else {@link Main#RUN_FAILED}
     * @throws java.io.IOException if summary.json cannot be written
     */
    private static int finish(
            SweepFile sweep,
            List<SweepRunner.Trial> trials,
            Path folder,
            SweepState state,
            TrialScheduler scheduler,
            Optional<SweepTracking> tracking,
            boolean stopped,
            PrintWriter out)
            throws java.io.IOException {
        List<String> planned = trials.stream().map(trial -> trial.state().id()).toList();
        SweepSummary summary =
                SweepSummary.of(
                        state.trials().stream()
                                .filter(trial -> planned.contains(trial.id()))
                                .toList(),
                        sweep.sweep().goal());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("finished", summary.finished());
        json.put("failed", summary.failed());
        json.put("pruned", summary.pruned());
        json.put("not_finished", summary.pending());
        json.put("steps_trained", summary.stepsTrained());
        json.put("metric", sweep.sweep().metric());
        json.put("goal", sweep.sweep().goal().name().toLowerCase(Locale.ROOT));
        json.put("best", summary.best().orElse(null));
        // after PBT exploits, "best.values" are the trial's first values; these trained it last
        json.put("best_values", summary.best().map(TrialState::currentValues).orElse(null));
        json.put("seed_spread", summary.seedSpread());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(folder.resolve("summary.json").toFile(), json);
        if (scheduler instanceof Schedulers.Replayable replayable) {
            summary.best()
                    .ifPresent(
                            best ->
                                    out.println(
                                            "the best trial's lineage as one run: "
                                                    + replayable.replayScript(
                                                            best,
                                                            id ->
                                                                    folder.resolve(
                                                                            "trial-" + id
                                                                                    + ".yaml"))));
        }
        Optional<Path> sheet =
                contactSheet(
                        folder,
                        trials.get(0).spec().experiment(),
                        planned.stream().map(state::get).filter(Objects::nonNull).toList(),
                        summary,
                        sweep.sweep(),
                        out);
        out.printf(
                "sweep %s: %d finished, %d pruned, %d failed, %d not finished; %d training"
                        + " steps in all%n",
                stopped ? "stopped by a signal" : "done",
                summary.finished(),
                summary.pruned(),
                summary.failed(),
                summary.pending(),
                summary.stepsTrained());
        summary.best()
                .ifPresent(
                        best ->
                                out.printf(
                                        "best trial %s %s: %s = %s%n",
                                        best.id(),
                                        best.lineage().isEmpty()
                                                ? best.values()
                                                : best.currentValues()
                                                        + " (after "
                                                        + best.lineage().size()
                                                        + (best.lineage().size() == 1
                                                                ? " PBT exploit"
                                                                : " PBT exploits")
                                                        + "; it started with "
                                                        + best.values()
                                                        + ")",
                                        sweep.sweep().metric(),
                                        best.metric()));
        summary.seedSpread()
                .forEach(
                        (setting, spread) ->
                                out.printf(
                                        "across %d seeds %s: mean %.4f, min %.4f, max %.4f%n",
                                        spread.count(),
                                        setting,
                                        spread.mean(),
                                        spread.min(),
                                        spread.max()));
        if (stopped) {
            out.println(
                    "continue it with the same command: finished trials are skipped, stopped"
                            + " ones resume from their checkpoints");
        }
        out.flush();
        // MLflow last: a slow server must not keep the lines above from being printed before the
        // JVM exits on a stop
        tracking.ifPresent(
                parent -> {
                    sheet.ifPresent(parent::logContactSheet);
                    parent.tagTrials(
                            folder,
                            planned.stream().map(state::get).filter(Objects::nonNull).toList());
                    parent.finish(summary, sweep.sweep().metric());
                });
        if (stopped) {
            return Main.KILLED;
        }
        return summary.failed() > 0 || summary.pending() > 0 ? Main.RUN_FAILED : 0;
    }

    /**
     * Writes the sweep's contact sheet ({@link SweepContactSheet}); a failure is reported, never
     * fatal: the sweep's results are already in sweep.json and summary.json.
     *
     * @return the sheet, or empty if it could not be made
     */
    private static Optional<Path> contactSheet(
            Path folder,
            String experiment,
            List<TrialState> trials,
            SweepSummary summary,
            SweepSpec sweep,
            PrintWriter out) {
        try {
            Path sheet =
                    SweepContactSheet.write(
                            folder,
                            experiment,
                            trials,
                            summary.best(),
                            sweep.metric(),
                            sweep.goal());
            out.println("contact sheet: " + sheet);
            return Optional.of(sheet);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            // a JDK without any font reports that as an Error from deep inside Java2D
            out.println("no contact sheet (" + e + ")");
            return Optional.empty();
        }
    }

    /** The columns of metrics.csv that are losses or discriminator outputs, not image quality. */
    static final Set<String> RAW_METRICS = Set.of("d_loss", "g_loss", "d_real", "d_fake");

    /** The metric a sweep ranks by when its block names none and the trials are evaluated. */
    static final String DEFAULT_METRIC = "eval/fd_ganforge_cnn";

    /**
     * Chooses the metric that names the best trial: the block's {@code metric}, else, when the
     * trials are evaluated, {@link #DEFAULT_METRIC} (minimised). Says why a raw loss is a poor
     * ranking (a generator's loss rises when its discriminator improves, and falls when D
     * collapses), and what to do when nothing can rank the trials.
     *
     * @param sweep the sweep as written
     * @param evaluated whether the trials have an {@code evaluation:} section
     * @param out where the notice goes
     * @return the sweep with the metric it ranks by
     */
    static SweepFile withRankingMetric(SweepFile sweep, boolean evaluated, PrintWriter out) {
        String metric = sweep.sweep().metric();
        if (metric == null) {
            if (!evaluated) {
                out.println(
                        "note: no sweep.metric and the trials have no evaluation: section, so no"
                                + " trial is named best; add an evaluation: section (the sweep"
                                + " then ranks by "
                                + DEFAULT_METRIC
                                + ") or set sweep.metric");
                return sweep;
            }
            out.println(
                    "sweep metric: "
                            + DEFAULT_METRIC
                            + " (minimize; the default for evaluated trials, set sweep.metric to"
                            + " change it)");
            return sweep.withMetric(DEFAULT_METRIC, SweepSpec.Goal.MINIMIZE);
        }
        if (RAW_METRICS.contains(metric)) {
            out.println(
                    "warning: sweep.metric "
                            + metric
                            + " ranks trials by a training loss, which says little about the"
                            + " images: a generator's loss rises when its discriminator improves"
                            + " and falls when the discriminator fails. Rank by an evaluation"
                            + " metric instead ("
                            + DEFAULT_METRIC
                            + ", eval/kid, eval/cas; see the README's Evaluation section).");
        }
        return sweep;
    }
}
