package dev.ganforge.spi;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy computed from logits in the numerically stable form {@code l(x, y) = max(x,
 * 0) - x·y + log(1 + exp(-|x|))}, with gradient {@code dl/dx = sigmoid(x) - y}.
 *
 * <p>Unlike DL4J's {@code LossBinaryXENT}, which clips the sigmoid output, this gradient never
 * vanishes when the discriminator is confident: for a fake image scored with logit -20 and target 1
 * (the generator's non-saturating loss) it is -1, not 0. Same formula as TensorFlow's {@code
 * sigmoid_cross_entropy_with_logits}
 * (https://www.tensorflow.org/api_docs/python/tf/nn/sigmoid_cross_entropy_with_logits) and
 * PyTorch's {@code BCEWithLogitsLoss}.
 *
 * <p>Shapes: labels and pre-outputs {@code [B, n]} (n = 1 for a discriminator), labels in [0, 1].
 * The score of one example is the sum over its n columns; {@code computeScore(average = true)}
 * returns the mean over the batch. Gradients are per example (not divided by B): DL4J's updater
 * divides by the minibatch size where the network is configured as minibatch (the DL4J engine). The
 * output layer's activation should be identity (the logits); another activation is applied before
 * the loss and back-propagated through.
 */
public class BinaryCrossEntropyWithLogits implements ILossFunction {

    /** Creates the loss; it has no parameters. */
    public BinaryCrossEntropyWithLogits() {}

    /**
     * The loss of one logit, for code that holds logits as plain numbers.
     *
     * @param logit x, any real
     * @param target y in [0, 1]
     * @return {@code max(x, 0) - x·y + log(1 + exp(-|x|))}, in nats, finite for any finite x
     */
    public static double loss(double logit, double target) {
        return Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs(logit)));
    }

    /**
     * @param logit x, any real
     * @param target y in [0, 1]
     * @return {@code dl/dx = sigmoid(x) - y}, in [-1, 1]
     */
    public static double gradient(double logit, double target) {
        return sigmoid(logit) - target;
    }

    /**
     * @param logit x, any real
     * @return {@code sigmoid(x) = 1 / (1 + exp(-x))}, the probability the logit stands for, in [0,
     *     1]
     */
    public static double sigmoid(double logit) {
        return 1.0 / (1.0 + Math.exp(-logit));
    }

    private static INDArray logits(INDArray preOutput, IActivation activationFn) {
        return activationFn.getActivation(preOutput.dup(), true);
    }

    @Override
    public INDArray computeScoreArray(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray x = logits(preOutput, activationFn);
        INDArray loss =
                Transforms.relu(x, true)
                        .subi(x.mul(labels))
                        .addi(
                                Transforms.log(
                                        Transforms.exp(Transforms.abs(x, true).negi(), false)
                                                .addi(1.0),
                                        false));
        if (mask != null) {
            loss.muli(
                    mask.reshape(
                            mask.length() == loss.size(0)
                                    ? new long[] {loss.size(0), 1}
                                    : loss.shape()));
        }
        return loss.sum(1);
    }

    @Override
    public double computeScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        INDArray perExample = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = perExample.sumNumber().doubleValue();
        return average ? sum / perExample.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray x = logits(preOutput, activationFn);
        INDArray dLdx = Transforms.sigmoid(x, false).subi(labels);
        if (mask != null) {
            dLdx.muli(
                    mask.reshape(
                            mask.length() == dLdx.size(0)
                                    ? new long[] {dLdx.size(0), 1}
                                    : dLdx.shape()));
        }
        return activationFn.backprop(preOutput.dup(), dLdx).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "BinaryCrossEntropyWithLogits";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BinaryCrossEntropyWithLogits;
    }

    @Override
    public int hashCode() {
        return BinaryCrossEntropyWithLogits.class.hashCode();
    }

    @Override
    public String toString() {
        return name() + "()";
    }
}
