package dev.ganforge.core.train;

import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.onednn.OneDnnNetwork;
import dev.ganforge.spi.ImageShape;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One GAN training step on a generator G and a discriminator D (Goodfellow et al. 2014,
 * https://arxiv.org/abs/1406.2661, non-saturating generator loss): G forward once; D's gradient on
 * the real batch (target 1) plus its gradient on the fake batch (target 0), each pass with its own
 * BatchNorm batch statistics, then one D update; then the updated D on the fake batch with target 1,
 * back-propagated to G's parameters, and one G update. Both implementations compute the same step:
 * {@link Dl4jTrainingStep} with DL4J's layers, {@link OneDnnTrainingStep} with oneDNN primitives.
 */
public interface TrainingStep extends AutoCloseable {

    /**
     * Runs one step: a discriminator update followed by a generator update.
     *
     * @param realImages {@code [B, C, H, W]} in [-1, 1]
     * @param realLabels class of each real image, length B (ignored when unconditional)
     * @param z latent vectors {@code [B, latentDim]}
     * @param fakeLabels class to generate per example, length B (ignored when unconditional)
     * @param iteration 0-based step number, passed to both updaters
     * @param epoch 0-based epoch number, passed to both updaters (learning-rate schedules)
     * @return losses and mean discriminator probabilities of this step
     * @throws IllegalArgumentException if the batch is not of size B
     */
    StepResult step(INDArray realImages, int[] realLabels, INDArray z, int[] fakeLabels, int iteration, int epoch);

    /** @return {@code "onednn"} or {@code "dl4j"}, for logs and benchmark lines */
    String engine();

    /** Releases native resources the step holds beyond the networks; the step cannot run afterwards. */
    @Override
    default void close() {}

    /**
     * Creates the step the engine setting asks for.
     *
     * @param engine AUTO picks oneDNN when {@link #oneDnnProblems} is empty, else DL4J
     * @param generator input {@code [B, latentDim (+K)]}, output {@code [B, C, H, W]}
     * @param discriminator input {@code [B, C (+K), H, W]}, output logits {@code [B, 1]}
     * @param shape image shape (C, H, W)
     * @param latentDim size of z
     * @param numClasses K when {@code conditional}
     * @param conditional whether labels are fed to both networks
     * @param batchSize B
     * @return the step
     * @throws IllegalArgumentException if ONEDNN is asked for and the networks cannot use it (the
     *     message says why)
     */
    static TrainingStep create(TrainingEngine engine, MultiLayerNetwork generator, MultiLayerNetwork discriminator,
            ImageShape shape, int latentDim, int numClasses, boolean conditional, int batchSize) {
        List<String> problems = engine == TrainingEngine.DL4J ? List.of() : oneDnnProblems(generator, discriminator);
        if (engine == TrainingEngine.ONEDNN && !problems.isEmpty()) {
            throw new IllegalArgumentException("training.engine is onednn, but " + String.join("; ", problems));
        }
        if (engine == TrainingEngine.DL4J || !problems.isEmpty()) {
            return new Dl4jTrainingStep(generator, discriminator, shape, latentDim, numClasses, conditional, batchSize);
        }
        try {
            return new OneDnnTrainingStep(generator, discriminator, shape, latentDim, numClasses, conditional, batchSize);
        } catch (LinkageError | RuntimeException e) {
            if (engine == TrainingEngine.ONEDNN) {
                throw e;
            }
            System.err.println("ganforge: oneDNN training step unavailable (" + e + "); using DL4J's");
            return new Dl4jTrainingStep(generator, discriminator, shape, latentDim, numClasses, conditional, batchSize);
        }
    }

    /**
     * @param generator the generator
     * @param discriminator the discriminator
     * @return why the oneDNN step cannot train these networks (empty if it can)
     */
    static List<String> oneDnnProblems(MultiLayerNetwork generator, MultiLayerNetwork discriminator) {
        List<String> problems = new ArrayList<>();
        if (!Nd4j.getEnvironment().isCPU()) {
            problems.add("the ND4J backend is not the CPU");
            return problems;
        }
        OneDnnNetwork.unsupported(generator).ifPresent(p -> problems.add("generator " + p));
        OneDnnNetwork.unsupported(discriminator).ifPresent(p -> problems.add("discriminator " + p));
        return problems;
    }

    /**
     * Applies a network's own updater to the gradient in its gradient view and subtracts the result
     * from its parameters; DL4J's updater divides by the batch size.
     */
    static void applyUpdate(MultiLayerNetwork network, Gradient gradient, int iteration, int epoch, int batchSize,
            LayerWorkspaceMgr workspaces) {
        network.getUpdater().update(network, gradient, iteration, epoch, batchSize, workspaces);
        INDArray params = network.params();
        params.subi(network.getGradientsViewArray().reshape(params.shape()));
        network.setIterationCount(iteration + 1);
        network.setEpochCount(epoch);
    }

    /** @throws IllegalArgumentException unless both arrays hold exactly {@code batchSize} examples */
    static void requireBatch(INDArray realImages, INDArray z, int batchSize) {
        if (realImages.size(0) != batchSize || z.size(0) != batchSize) {
            throw new IllegalArgumentException("a step takes exactly " + batchSize + " examples, got "
                    + realImages.size(0) + " images and " + z.size(0) + " latent vectors");
        }
    }
}
