package dev.ganforge.core.train;

import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network inputs of one training step, in buffers allocated once: G's input {@code [z |
 * one-hot]} {@code [B, latentDim + K]} and D's inputs {@code [B, C + K, H, W]} for the real and the
 * fake batch (K = 0 for an unconditional model; D's input has no label maps when D has a projection
 * head). Shared by both {@link TrainingStep} implementations.
 */
public final class StepInputs {

    private final boolean conditional;
    private final INDArray oneHotFake;
    private final INDArray generatorInput;
    private final DiscriminatorInput real;
    private final DiscriminatorInput fake;

    /**
     * @param setup the batch shape; the buffers take the generator's parameter data type
     */
    public StepInputs(StepSetup setup) {
        this(
                setup.shape(),
                setup.latentDim(),
                setup.numClasses(),
                setup.conditional(),
                setup.conditional() && !setup.recipe().projection(),
                setup.batchSize(),
                setup.generator().params().dataType());
    }

    private StepInputs(
            ImageShape shape,
            int latentDim,
            int numClasses,
            boolean conditional,
            boolean labelMaps,
            int batchSize,
            DataType dataType) {
        this.conditional = conditional;
        int classes = labelMaps ? numClasses : 0;
        this.oneHotFake = conditional ? Nd4j.create(dataType, batchSize, numClasses) : null;
        this.generatorInput =
                Nd4j.create(dataType, batchSize, latentDim + (conditional ? numClasses : 0));
        this.real =
                new DiscriminatorInput(
                        batchSize,
                        shape.channels(),
                        classes,
                        shape.height(),
                        shape.width(),
                        dataType);
        this.fake =
                new DiscriminatorInput(
                        batchSize,
                        shape.channels(),
                        classes,
                        shape.height(),
                        shape.width(),
                        dataType);
    }

    /**
     * @param z latent vectors {@code [B, latentDim]}
     * @param fakeLabels class to generate per example (ignored when unconditional)
     * @return G's input {@code [B, latentDim + K]}, valid until the next call
     */
    public INDArray generator(INDArray z, int[] fakeLabels) {
        INDArray oneHot = conditional ? Conditioning.oneHot(fakeLabels, oneHotFake) : null;
        return Conditioning.generatorInput(z, oneHot, generatorInput);
    }

    /**
     * @return D's input for the real batch {@code [B, C + K, H, W]}, valid until the next call
     */
    public INDArray real(INDArray images, int[] labels) {
        return real.write(images, labels);
    }

    /**
     * @return D's input for the fake batch {@code [B, C + K, H, W]}, valid until the next call
     */
    public INDArray fake(INDArray images, int[] labels) {
        return fake.write(images, labels);
    }

    /**
     * @return the shape of G's input, {@code [B, latentDim + K]}
     */
    public long[] generatorShape() {
        return generatorInput.shape();
    }

    /**
     * @return the shape of D's input, {@code [B, C + K, H, W]}
     */
    public long[] discriminatorShape() {
        return real.shape();
    }
}
