package dev.ganforge.core.train;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.spi.LabeledImages;
import java.io.PrintStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Watches a run between steps, e.g. the periodic evaluation of {@code dev.ganforge.core.eval}; the
 * training loop knows only this interface, so evaluation can depend on training and not the
 * reverse.
 */
public interface TrainingMonitor {

    /**
     * @param step steps done so far, 1-based
     * @param total steps planned
     * @return whether {@link #afterStep} should run after this step
     */
    boolean due(long step, long total);

    /**
     * @param step steps done so far
     * @return whether {@link #afterStep} already ran to its end at {@code step} (in this or an
     *     earlier process of the run); a resumed run whose last evaluation was stopped by a signal
     *     runs it again
     */
    boolean completed(long step);

    /**
     * @param step steps done so far
     * @param generator the generator after the step (read only)
     * @param discriminator the discriminator after the step (read only)
     * @param progress where long work reports its progress; it throws {@link
     *     java.util.concurrent.CancellationException} when the run was asked to stop
     * @return null if training may go on, else why the run must stop as FAILED
     * @throws java.util.concurrent.CancellationException from {@code progress}: nothing of the
     *     unfinished work is kept
     */
    String afterStep(
            long step,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            WorkProgress progress);

    /** Creates the monitor of one run, or none. */
    @FunctionalInterface
    interface Factory {

        /** A factory that never monitors. */
        Factory NONE = (spec, plugins, data, run, startStep, console, progress) -> null;

        /**
         * @param spec the resolved experiment
         * @param plugins its plugins
         * @param data the training data
         * @param run the run folder
         * @param startStep the step the run starts or resumes at
         * @param console where messages go
         * @param progress where long preparation (training the domain classifier) reports its
         *     progress; it throws {@link java.util.concurrent.CancellationException} when the run
         *     was asked to stop
         * @return the monitor, or null when the spec asks for none
         * @throws java.util.concurrent.CancellationException from {@code progress}
         */
        TrainingMonitor prepare(
                ExperimentSpec spec,
                ResolvedPlugins plugins,
                LabeledImages data,
                RunDirectory run,
                long startStep,
                PrintStream console,
                WorkProgress progress);

        /**
         * Finds what {@link #prepare} or the monitor would refuse later, before the run folder is
         * written and before anything is trained.
         *
         * @param spec the resolved experiment
         * @param plugins its plugins
         * @param data the training data
         * @return problems, each naming its spec key; empty (the default) when there are none
         */
        default List<String> check(
                ExperimentSpec spec, ResolvedPlugins plugins, LabeledImages data) {
            return List.of();
        }
    }
}
