package dev.ganforge.core.eval;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.core.train.TrainingMonitor;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.LabeledImages;
import java.io.PrintStream;
import java.util.List;

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

    /**
     * @return {@link TrainingEvaluation#check}'s problems; none without an {@code evaluation:}
     *     section
     */
    @Override
    public List<String> check(ExperimentSpec spec, ResolvedPlugins plugins, LabeledImages data) {
        return spec.evaluation() == null
                ? List.of()
                : TrainingEvaluation.check(spec, plugins, data);
    }
}
