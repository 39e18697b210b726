package dev.ganforge.engine.onednn;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepInputs;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.ImageShape;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link TrainingStep} on oneDNN primitives (https://github.com/oneapi-src/oneDNN): both
 * networks are compiled once into {@link OneDnnNetwork}s that read the DL4J networks' parameters in
 * place and write their gradient views, so the step is {@link Dl4jTrainingStep}'s, pass for pass,
 * and DL4J's updaters apply the updates. What makes it faster: activations stay in oneDNN's blocked
 * layouts between layers, each primitive is created once, the real-batch pass of D skips the
 * gradient with respect to its input, and the generator pass through D skips D's parameter
 * gradients.
 *
 * <p>Losses and loss gradients are {@link BinaryCrossEntropyWithLogits}'s: dL/dlogit =
 * sigmoid(logit) − target per example (summed; DL4J's updater divides by B). Float32 only, CPU
 * backend only.
 */
public final class OneDnnTrainingStep implements TrainingStep {

    private final MultiLayerNetwork generator;
    private final MultiLayerNetwork discriminator;
    private final OneDnnNetwork generatorNet;
    private final OneDnnNetwork discriminatorNet;
    private final ImageShape shape;
    private final int batchSize;
    private final StepInputs inputs;
    private final INDArray realGradient;
    private final float[] realLogits;
    private final float[] fakeLogits;
    private final float[] generatorLogits;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    /**
     * @param setup float32 networks of supported layers ({@link OneDnnNetwork#unsupported}) and the
     *     batch shape
     * @throws IllegalArgumentException if a network has a layer the oneDNN path does not support
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnTrainingStep(StepSetup setup) {
        this.generator = setup.generator();
        this.discriminator = setup.discriminator();
        this.shape = setup.shape();
        this.batchSize = setup.batchSize();
        var dataType = generator.params().dataType();
        this.inputs = new StepInputs(setup);
        this.realGradient = Nd4j.create(dataType, discriminator.numParams());
        this.realLogits = new float[batchSize];
        this.fakeLogits = new float[batchSize];
        this.generatorLogits = new float[batchSize];
        long[] generatorShape = inputs.generatorShape();
        this.generatorNet = new OneDnnNetwork(generator, generatorShape, generatorShape[1]);
        // G needs dLoss/dImage only, not the gradient for the label maps.
        this.discriminatorNet =
                new OneDnnNetwork(discriminator, inputs.discriminatorShape(), shape.channels());
    }

    @Override
    public String engine() {
        return "onednn";
    }

    /** Destroys both compiled networks' oneDNN objects; the DL4J networks are untouched. */
    @Override
    public void close() {
        generatorNet.close();
        discriminatorNet.close();
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
        // Parameters may have been changed between steps (a restore), so layout copies are remade
        // once here.
        generatorNet.parametersChanged();
        discriminatorNet.parametersChanged();

        // 1. G forward (BatchNorm on batch statistics); activations kept for 3.
        INDArray fake = generatorNet.forward(inputs.generator(z, fakeLabels));

        // 2. D: gradient on real (target 1) + gradient on fake (target 0), then one update.
        INDArray realInput = inputs.real(realImages, realLabels);
        INDArray fakeInput = inputs.fake(fake, fakeLabels);
        discriminatorPass(realInput, 1f, true, false, realLogits);
        INDArray dGradient = discriminator.getGradientsViewArray();
        realGradient.assign(dGradient.reshape(realGradient.shape()));
        discriminatorPass(fakeInput, 0f, true, false, fakeLogits);
        dGradient.addi(realGradient.reshape(dGradient.shape()));
        TrainingStep.applyUpdate(
                discriminator,
                discriminatorNet.gradient(),
                iteration,
                epoch,
                batchSize,
                workspaces);
        discriminatorNet.parametersChanged();

        // 3. G: non-saturating loss through the updated D; only D's input gradient is computed.
        discriminatorPass(fakeInput, 1f, false, true, generatorLogits);
        generatorNet.outputGradient().assign(discriminatorNet.inputGradient());
        generatorNet.backward(true, false);
        TrainingStep.applyUpdate(
                generator, generatorNet.gradient(), iteration, epoch, batchSize, workspaces);

        return new StepResult(
                meanLoss(realLogits, 1f) + meanLoss(fakeLogits, 0f),
                meanLoss(generatorLogits, 1f),
                meanProbability(realLogits),
                meanProbability(fakeLogits));
    }

    /**
     * D forward on {@code input}, BCE-with-logits gradient against {@code target}, backward; fills
     * {@code logits}.
     */
    private void discriminatorPass(
            INDArray input, float target, boolean parameters, boolean toInput, float[] logits) {
        INDArray output = discriminatorNet.forward(input);
        INDArray gradient = discriminatorNet.outputGradient();
        for (int i = 0; i < batchSize; i++) {
            logits[i] = output.getFloat(i, 0);
            gradient.putScalar(i, 0, BinaryCrossEntropyWithLogits.gradient(logits[i], target));
        }
        discriminatorNet.backward(parameters, toInput);
    }

    private static double meanLoss(float[] logits, float target) {
        double sum = 0;
        for (float x : logits) {
            sum += BinaryCrossEntropyWithLogits.loss(x, target);
        }
        return sum / logits.length;
    }

    private static double meanProbability(float[] logits) {
        double sum = 0;
        for (float x : logits) {
            sum += BinaryCrossEntropyWithLogits.sigmoid(x);
        }
        return sum / logits.length;
    }
}
