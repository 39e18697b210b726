package dev.ganforge.cli;

import dev.ganforge.core.eval.TrainingEvaluation;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ConsoleProgress;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.spi.LabeledImages;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge evaluate RUN_DIR [--checkpoint best|last|DIR] [--set evaluation.KEY=VALUE]}:
 * computes the evaluation metrics of a run's checkpoint with the run's saved spec (its {@code
 * evaluation:} section, or the defaults when it has none), appends them to the run's {@code
 * eval.csv} under the checkpoint's step, and prints them. Reads the dataset (for the classifier and
 * the real statistics).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Compute evaluation metrics for a run's checkpoint; appends them to"
                        + " RUN_DIR/eval.csv.")
final class EvaluateCommand implements Callable<Integer> {

    private final SpecLoader loader;

    /**
     * @param loader the spec loader, with every installed plugin
     */
    @Inject
    EvaluateCommand(SpecLoader loader) {
        this.loader = loader;
    }

    @Spec CommandSpec commandSpec;

    @Mixin CheckpointArguments target;

    @Mixin OverrideOptions set;

    @Override
    public Integer call() {
        RunDirectory run = target.run();
        ExperimentSpec spec = loader.load(run.specFile(), List.of());
        if (spec.evaluation() == null) { // a run trained without evaluation: use the defaults
            List<String> withDefaults = new ArrayList<>(List.of("evaluation={}"));
            withDefaults.addAll(set.values());
            spec = loader.load(run.specFile(), withDefaults);
        } else if (!set.values().isEmpty()) {
            spec = loader.load(run.specFile(), set.values());
        }
        Path folder = target.checkpointFolder();
        Checkpoint checkpoint = CheckpointStore.read(folder, true);
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        LabeledImages data = plugins.loadData();
        if (!data.classNames().equals(run.readClassNames())) {
            throw new ExperimentException(
                    "the classes in the data changed since the run: "
                            + run.classesFile()
                            + " lists "
                            + run.readClassNames()
                            + ", the data has "
                            + data.classNames());
        }
        Map<String, Double> metrics;
        // bars for the classifier's training (first time) and the CAS; Ctrl-C ends the process
        try (ConsoleProgress.Bars progress = ConsoleProgress.bars(System.err, () -> false)) {
            TrainingEvaluation evaluation =
                    TrainingEvaluation.prepare(
                            spec, plugins, data, run, Long.MAX_VALUE, System.err, progress);
            metrics =
                    evaluation
                            .measure(
                                    checkpoint.step(),
                                    checkpoint.inferenceGenerator(),
                                    checkpoint.discriminator(),
                                    progress)
                            .metrics();
        }
        var out = commandSpec.commandLine().getOut();
        out.printf(
                "checkpoint %s (step %d) of %s:%n",
                folder.getFileName(), checkpoint.step(), target.runDirectory);
        metrics.forEach((name, value) -> out.printf(Locale.ROOT, "  %-40s %.6f%n", name, value));
        out.println("appended to " + run.evaluationFile());
        return 0;
    }
}
