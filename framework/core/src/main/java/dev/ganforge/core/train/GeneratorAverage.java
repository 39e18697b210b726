package dev.ganforge.core.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exponential moving average of the generator's parameters (Yazıcı et al. 2019, "The Unusual
 * Effectiveness of Averaging in GAN Training", https://arxiv.org/abs/1806.04498; used by
 * ProGAN/StyleGAN/BigGAN): after step s, θ̄ = θ while s ≤ start, else θ̄ ← β·θ̄ + (1 − β)·θ. The
 * average is a second network of the same configuration, used for sample grids, evaluation, {@code
 * generate} and the best checkpoint; the training generator is untouched. Every parameter is
 * averaged, BatchNorm's running mean and log-deviation included (DL4J keeps them as parameters).
 */
public final class GeneratorAverage {

    private final MultiLayerNetwork generator;
    private final MultiLayerNetwork average;
    private final double decay;
    private final long start;

    /**
     * @param generator the training generator
     * @param restored the average saved with the checkpoint a run resumes from, or null to start
     *     from a copy of {@code generator}
     * @param decay β in [0, 1)
     * @param start the last step that copies instead of averaging, ≥ 0
     * @throws IllegalArgumentException if β is outside [0, 1), start is negative, or {@code
     *     restored} has a different parameter count
     */
    public GeneratorAverage(
            MultiLayerNetwork generator, MultiLayerNetwork restored, double decay, long start) {
        if (!(decay >= 0 && decay < 1) || start < 0) {
            throw new IllegalArgumentException(
                    "EMA decay must be in [0, 1) and start ≥ 0, got " + decay + " and " + start);
        }
        this.generator = generator;
        this.decay = decay;
        this.start = start;
        if (restored != null && restored.numParams() != generator.numParams()) {
            throw new IllegalArgumentException(
                    "the saved average generator has "
                            + restored.numParams()
                            + " parameters, the generator "
                            + generator.numParams());
        }
        this.average = restored != null ? restored : copyOf(generator);
    }

    /**
     * Folds the generator's parameters after {@code step} into the average.
     *
     * @param step the number of steps done, ≥ 1
     */
    public void update(long step) {
        INDArray target = average.params();
        INDArray current = generator.params();
        if (step <= start) {
            target.assign(current);
        } else {
            target.muli(decay).addi(current.mul(1 - decay));
        }
    }

    /**
     * @return the averaged generator: input {@code [B, latentDim (+K)]}, output {@code [B, C, H,
     *     W]} in [-1, 1]
     */
    public MultiLayerNetwork network() {
        return average;
    }

    private static MultiLayerNetwork copyOf(MultiLayerNetwork generator) {
        MultiLayerNetwork copy =
                new MultiLayerNetwork(generator.getLayerWiseConfigurations().clone());
        copy.init(generator.params().dup(), false);
        return copy;
    }
}
