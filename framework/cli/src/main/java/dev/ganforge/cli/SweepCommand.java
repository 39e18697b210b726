package dev.ganforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepRunner;
import dev.ganforge.cli.sweep.SweepSpec;
import dev.ganforge.cli.sweep.SweepState;
import dev.ganforge.cli.sweep.SweepSummary;
import dev.ganforge.cli.sweep.SweepTracking;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        SweepState state = SweepState.load(folder);
        out.printf(
                "sweep %s: %d trials (%s), %d at a time, in %s%n",
                sweepFile,
                trials.size(),
                sweep.sweep().method().name().toLowerCase(Locale.ROOT),
                parallel,
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
        Thread hook = new Thread(runner::stop, "ganforge-sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runner.run(folder, trials, parallel, state, sweep.sweep().metric());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the sweep is being stopped by a signal; the hook is running
            }
        }
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
        json.put("not_finished", summary.pending());
        json.put("metric", sweep.sweep().metric());
        json.put("goal", sweep.sweep().goal().name().toLowerCase(Locale.ROOT));
        json.put("best", summary.best().orElse(null));
        json.put("seed_spread", summary.seedSpread());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(folder.resolve("summary.json").toFile(), json);
        tracking.ifPresent(parent -> parent.finish(summary, sweep.sweep().metric()));
        out.printf(
                "sweep done: %d finished, %d failed, %d not finished%n",
                summary.finished(), summary.failed(), summary.pending());
        summary.best()
                .ifPresent(
                        best ->
                                out.printf(
                                        "best trial %s %s: %s = %s%n",
                                        best.id(),
                                        best.values(),
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
        return summary.failed() > 0 || summary.pending() > 0 ? Main.RUN_FAILED : 0;
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
