package dev.ganforge.core.train;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One GAN training step (Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661, with the
 * non-saturating generator loss of section 3), done by hand on two DL4J networks so that:
 *
 * <ol>
 *   <li>G runs forward once, BatchNorm in training mode: fake = G([z | one-hot]).
 *   <li>D's gradient is the sum of its gradients on the real batch (target 1) and on the fake batch
 *       (target 0), each in its own forward pass so BatchNorm statistics are per batch, as in
 *       PyTorch; then D's own updater is applied once.
 *   <li>The updated D runs forward on the fake batch with target 1; the gradient with respect to
 *       its input (image channels only) is back-propagated through G, and G's own updater is
 *       applied. D's parameters are not changed by this pass.
 * </ol>
 *
 * Loss gradients come from {@link BinaryCrossEntropyWithLogits}; DL4J's updater divides them by the
 * batch size, so D minimises mean BCE(real) + mean BCE(fake) and G minimises mean BCE(D(G(z)), 1).
 * The step number passed to the updaters is the true iteration count, so Adam's bias correction
 * (which uses iteration + 1) is right after a resume too.
 *
 * <p>All batch-sized buffers are allocated once here; a step only writes into them. This is the
 * reference path: any network and data type, on any ND4J backend; the oneDNN engine computes the
 * same step faster on the CPU.
 */
public final class Dl4jTrainingStep implements TrainingStep {

    private static final BinaryCrossEntropyWithLogits LOSS = new BinaryCrossEntropyWithLogits();
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    private final MultiLayerNetwork generator;
    private final MultiLayerNetwork discriminator;
    private final ImageShape shape;
    private final int batchSize;
    private final StepInputs inputs;
    private final INDArray ones;
    private final INDArray zeros;
    private final INDArray realGradient;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    /**
     * @param setup the networks (any data type) and batch shape
     */
    public Dl4jTrainingStep(StepSetup setup) {
        this.generator = setup.generator();
        this.discriminator = setup.discriminator();
        this.shape = setup.shape();
        this.batchSize = setup.batchSize();
        // Without workspaces the output layer's input stays valid after calculateGradients, so the
        // logits can be read back without another forward pass.
        discriminator.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.NONE);
        var dataType = generator.params().dataType();
        this.inputs = new StepInputs(setup);
        this.ones = Nd4j.ones(dataType, batchSize, 1);
        this.zeros = Nd4j.zeros(dataType, batchSize, 1);
        this.realGradient = Nd4j.create(dataType, discriminator.numParams());
    }

    @Override
    public String engine() {
        return "dl4j";
    }

    @Override
    public StepResult step(
            INDArray realImages,
            int[] realLabels,
            INDArray z,
            int[] fakeLabels,
            int iteration,
            int epoch) {
        TrainingStep.requireBatch(realImages, z, batchSize);

        // 1. G forward, keeping each layer's input for the backward pass in 3.
        generator.setInput(inputs.generator(z, fakeLabels));
        List<INDArray> activations = generator.feedForward(true, false);
        INDArray fake = activations.get(activations.size() - 1);

        // 2. D: gradient on real (target 1) + gradient on fake (target 0), then one update.
        INDArray realInput = inputs.real(realImages, realLabels);
        INDArray fakeInput = inputs.fake(fake, fakeLabels);
        discriminator.calculateGradients(realInput, ones, null, null);
        INDArray realLogits = lastLogits();
        realGradient.assign(discriminator.getGradientsViewArray().reshape(realGradient.shape()));
        Pair<Gradient, INDArray> fakePass =
                discriminator.calculateGradients(fakeInput, zeros, null, null);
        INDArray fakeLogits = lastLogits();
        discriminator
                .getGradientsViewArray()
                .addi(realGradient.reshape(discriminator.getGradientsViewArray().shape()));
        applyUpdate(discriminator, fakePass.getFirst(), iteration, epoch);

        // 3. G: non-saturating loss through the updated D; D's parameters stay as they are.
        Pair<Gradient, INDArray> generatorPass =
                discriminator.calculateGradients(fakeInput, ones, null, null);
        INDArray generatorLogits = lastLogits();
        INDArray imageGradient =
                Conditioning.imageGradient(generatorPass.getSecond(), shape.channels()).dup();
        Pair<Gradient, INDArray> backward = generator.backpropGradient(imageGradient, workspaces);
        applyUpdate(generator, backward.getFirst(), iteration, epoch);

        double discriminatorLoss = meanLoss(realLogits, ones) + meanLoss(fakeLogits, zeros);
        return new StepResult(
                discriminatorLoss,
                meanLoss(generatorLogits, ones),
                meanProbability(realLogits),
                meanProbability(fakeLogits));
    }

    /**
     * The logits {@code [B, 1]} of the discriminator's last forward pass (its output layer's input
     * is kept).
     */
    private INDArray lastLogits() {
        return discriminator.getOutputLayer().activate(false, workspaces);
    }

    private void applyUpdate(
            MultiLayerNetwork network, Gradient gradient, int iteration, int epoch) {
        TrainingStep.applyUpdate(network, gradient, iteration, epoch, batchSize, workspaces);
    }

    private static double meanLoss(INDArray logits, INDArray targets) {
        return LOSS.computeScore(targets, logits, IDENTITY, null, true);
    }

    private static double meanProbability(INDArray logits) {
        return Transforms.sigmoid(logits, true).meanNumber().doubleValue();
    }
}
