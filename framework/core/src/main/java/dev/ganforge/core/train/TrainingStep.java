package dev.ganforge.core.train;

import dev.ganforge.core.run.StepResult;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One GAN training step on a generator G and a discriminator D (Goodfellow et al. 2014,
 * https://arxiv.org/abs/1406.2661, non-saturating generator loss): G forward once; D's gradient on
 * the real batch (target 1) plus its gradient on the fake batch (target 0), each pass with its own
 * BatchNorm batch statistics, then one D update; then the updated D on the fake batch with target
 * 1, back-propagated to G's parameters, and one G update. Both implementations compute the same
 * step: {@link Dl4jTrainingStep} with DL4J's layers, and the engines found as {@link
 * TrainingEngineProvider}s (the oneDNN step of module {@code ganforge-engine-onednn}); {@link
 * TrainingEngines} picks one.
 */
public interface TrainingStep extends AutoCloseable {

    /**
     * Runs one step: a discriminator update followed by a generator update.
     *
     * @param realImages {@code [B, C, H, W]} in [-1, 1]
     * @param realLabels class of each real image, length B (ignored when unconditional)
     * @param z latent vectors {@code [B, latentDim]}
     * @param fakeLabels class to generate per example, length B (ignored when unconditional); with
     *     the recipe's mode-seeking term on, example i + B/2 must have example i's class, in
     *     unconditional models too ({@link ModeSeeking#pairLabels})
     * @param iteration 0-based step number, passed to both updaters
     * @param epoch 0-based epoch number, passed to both updaters (learning-rate schedules)
     * @return losses and mean discriminator probabilities of this step
     * @throws IllegalArgumentException if the batch is not of size B, or if the mode-seeking term
     *     is on and the fake labels are not paired (checked before anything is updated)
     */
    StepResult step(
            INDArray realImages,
            int[] realLabels,
            INDArray z,
            int[] fakeLabels,
            int iteration,
            int epoch);

    /**
     * @return {@code "onednn"} or {@code "dl4j"}, for logs and benchmark lines
     */
    String engine();

    /**
     * @return the arithmetic the step's convolutions and dense layers compute in, for logs and
     *     benchmark lines: {@code "fp32"}, or {@code "bf16"} followed by the instruction set that
     *     runs it (e.g. {@code "bf16 (avx512_core_bf16)"}); {@code training.precision: auto} is
     *     resolved by then
     */
    default String precision() {
        return "fp32";
    }

    /**
     * @return the CPU instruction set the step's kernels dispatch to, as oneDNN names it (e.g.
     *     {@code avx512_core_bf16}), or {@code ""} when the engine does not say (DL4J's)
     */
    default String instructionSet() {
        return "";
    }

    /**
     * State of the step beyond the networks that a resumed run needs (the spectral-norm vectors),
     * by name; saved with each checkpoint.
     *
     * @return copies of the arrays; empty when the step has none
     */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /**
     * Restores what {@link #state()} returned when the checkpoint was written; names the step does
     * not know are ignored.
     *
     * @param state the saved arrays
     * @throws IllegalArgumentException if a saved array does not fit
     */
    default void restoreState(Map<String, INDArray> state) {}

    /**
     * Releases native resources the step holds beyond the networks; the step cannot run afterwards.
     */
    @Override
    default void close() {}

    /**
     * Applies a network's own updater to the gradient in its gradient view and subtracts the result
     * from its parameters; DL4J's updater divides by the batch size only where the network's
     * configuration says minibatch (see {@link AdversarialStep}, which sets it per engine).
     */
    static void applyUpdate(
            MultiLayerNetwork network,
            Gradient gradient,
            int iteration,
            int epoch,
            int batchSize,
            LayerWorkspaceMgr workspaces) {
        network.getUpdater().update(network, gradient, iteration, epoch, batchSize, workspaces);
        INDArray params = network.params();
        params.subi(network.getGradientsViewArray().reshape(params.shape()));
        network.setIterationCount(iteration + 1);
        network.setEpochCount(epoch);
    }

    /**
     * @throws IllegalArgumentException unless both arrays hold exactly {@code batchSize} examples
     */
    static void requireBatch(INDArray realImages, INDArray z, int batchSize) {
        if (realImages.size(0) != batchSize || z.size(0) != batchSize) {
            throw new IllegalArgumentException(
                    "a step takes exactly "
                            + batchSize
                            + " examples, got "
                            + realImages.size(0)
                            + " images and "
                            + z.size(0)
                            + " latent vectors");
        }
    }
}
