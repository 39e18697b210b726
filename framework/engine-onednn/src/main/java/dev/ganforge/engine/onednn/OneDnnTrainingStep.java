package dev.ganforge.engine.onednn;

import dev.ganforge.core.train.AdversarialStep;
import dev.ganforge.core.train.DiscriminatorHead.Target;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@link TrainingStep} on oneDNN primitives (https://github.com/oneapi-src/oneDNN): both
 * networks are compiled once into {@link OneDnnNetwork}s that read the DL4J networks' parameters in
 * place and write their gradient views, so the step is {@link Dl4jTrainingStep}'s ({@link
 * AdversarialStep} orders the passes for both), and DL4J's updaters apply the updates. What makes
 * it faster: activations stay in oneDNN's blocked layouts between layers, each primitive is created
 * once, the real-batch pass of D skips the gradient with respect to its input, and the generator
 * pass through D skips D's parameter gradients.
 *
 * <p>Loss gradients are written straight into D's output gradient by the step's {@link
 * dev.ganforge.core.train.DiscriminatorHead}. Float32 only, CPU backend only.
 */
public final class OneDnnTrainingStep extends AdversarialStep {

    private final OneDnnNetwork generatorNet;
    private final OneDnnNetwork discriminatorNet;

    /**
     * @param setup float32 networks of supported layers ({@link OneDnnNetwork#unsupported}), the
     *     batch shape and the recipe
     * @throws IllegalArgumentException if a network has a layer the oneDNN path does not support
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnTrainingStep(StepSetup setup) {
        super(setup);
        long[] generatorShape = generatorInputShape();
        this.generatorNet = new OneDnnNetwork(generator, generatorShape, generatorShape[1]);
        // G needs dLoss/dImage only, not the gradient for the label maps.
        this.discriminatorNet =
                new OneDnnNetwork(
                        discriminator, discriminatorInputShape(), setup.shape().channels());
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
    protected void parametersChanged(boolean generatorChanged, boolean discriminatorChanged) {
        if (generatorChanged) {
            generatorNet.parametersChanged();
        }
        if (discriminatorChanged) {
            discriminatorNet.parametersChanged();
        }
    }

    @Override
    protected INDArray generatorForward(INDArray input) {
        return generatorNet.forward(input);
    }

    @Override
    protected double discriminatorPass(
            INDArray input,
            int[] labels,
            Target target,
            float[] logits,
            boolean parameters,
            boolean toInput) {
        INDArray output = discriminatorNet.forward(input);
        double loss = head.apply(output, labels, target, logits, discriminatorNet.outputGradient());
        discriminatorNet.backward(parameters, toInput);
        return loss;
    }

    @Override
    protected INDArray discriminatorImageGradient() {
        return discriminatorNet.inputGradient();
    }

    @Override
    protected Gradient generatorBackward(INDArray imageGradient) {
        generatorNet.outputGradient().assign(imageGradient);
        generatorNet.backward(true, false);
        return generatorNet.gradient();
    }

    @Override
    protected Gradient discriminatorGradient() {
        return discriminatorNet.gradient();
    }
}
