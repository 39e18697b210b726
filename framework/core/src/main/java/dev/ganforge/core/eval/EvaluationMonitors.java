package dev.ganforge.core.eval;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.core.train.TrainingMonitor;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.LabeledImages;
import java.io.PrintStream;

/**
 * The training loop's evaluation: a {@link TrainingEvaluation} when the spec has an {@code
 * evaluation:} section.
 */
public final class EvaluationMonitors implements TrainingMonitor.Factory {

    @Override
    public TrainingMonitor prepare(
            ExperimentSpec spec,
            ResolvedPlugins plugins,
            LabeledImages data,
            RunDirectory run,
            long startStep,
            PrintStream console,
            WorkProgress progress) {
        return spec.evaluation() == null
                ? null
                : TrainingEvaluation.prepare(
                        spec, plugins, data, run, startStep, console, progress);
    }
}
