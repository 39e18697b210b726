package dev.ganforge.core.train;

import dev.ganforge.core.spec.GanLoss;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns D's raw output into one logit per example and the loss's gradient back into dLoss/dOutput,
 * for both {@link TrainingStep}s. With one output column the logit is that column; with a
 * projection head ({@link StepRecipe#projection()}) D's output is {@code [B, 1 + K]} and the logit
 * of an example of class y is {@code out[0] + out[1 + y]} (Miyato &amp; Koyama 2018,
 * https://arxiv.org/abs/1802.05637, eq. 3: ψ(φ(x)) + yᵀVφ(x), with V's rows the last dense layer's
 * columns 1…K), so its gradient goes to those two columns only. D's two passes also carry the
 * {@link LeCam} regulariser when the recipe has one.
 */
public final class DiscriminatorHead {

    /** Which term of the loss a pass computes. */
    public enum Target {
        /** D on real images: D's loss with real = true. */
        REAL,
        /** D on generated images: D's loss with real = false. */
        FAKE,
        /** D on generated images for G's update: G's loss. */
        GENERATOR
    }

    private final GanLoss loss;
    private final boolean projection;
    private final boolean batchMean;
    private final LeCam lecam;

    /**
     * @param recipe the loss and whether D has a projection head
     * @param batchMean whether {@link #apply} writes the gradient of the batch-mean loss (each
     *     example's gradient divided by B) instead of the per-example gradients
     * @param lecam the LeCam regulariser added to D's loss on its {@code REAL} and {@code FAKE}
     *     passes, or null for none; the caller updates its averages
     */
    public DiscriminatorHead(StepRecipe recipe, boolean batchMean, LeCam lecam) {
        this.loss = recipe.loss();
        this.projection = recipe.projection();
        this.batchMean = batchMean;
        this.lecam = lecam;
    }

    /**
     * Reads the logits from {@code output} and writes each example's loss gradient into {@code
     * gradient}, divided by B if the head was made for batch-mean gradients.
     *
     * @param output D's output {@code [B, 1]}, or {@code [B, 1 + K]} with a projection head
     * @param labels class per example, length B, in [0, K) (read only with a projection head)
     * @param target which loss term
     * @param logits filled with the B logits
     * @param gradient dLoss/dOutput, same shape as {@code output}; every entry is written
     * @return the mean loss of the batch, the LeCam term included on D's passes
     * @throws IllegalArgumentException if a label is outside the head's K classes
     */
    public double apply(
            INDArray output, int[] labels, Target target, float[] logits, INDArray gradient) {
        int batch = logits.length;
        long columns = output.size(1);
        if (columns > 1) {
            gradient.assign(0);
        }
        double sum = 0;
        for (int i = 0; i < batch; i++) {
            double logit = output.getDouble(i, 0);
            int column = -1;
            if (projection) {
                column = 1 + labels[i];
                if (labels[i] < 0 || column >= columns) {
                    throw new IllegalArgumentException(
                            "label "
                                    + labels[i]
                                    + " of example "
                                    + i
                                    + " is outside the projection head's "
                                    + (columns - 1)
                                    + " classes");
                }
                logit += output.getDouble(i, column);
            }
            logits[i] = (float) logit;
            double g;
            if (target == Target.GENERATOR) {
                sum += loss.generatorLoss(logit);
                g = loss.generatorGradient(logit);
            } else {
                boolean real = target == Target.REAL;
                sum += loss.discriminatorLoss(logit, real);
                g = loss.discriminatorGradient(logit, real);
                if (lecam != null) {
                    sum += lecam.loss(logit, real);
                    g += lecam.gradient(logit, real);
                }
            }
            if (batchMean) {
                g /= batch;
            }
            gradient.putScalar(i, 0, g);
            if (column > 0) {
                gradient.putScalar(i, column, g);
            }
        }
        return sum / batch;
    }

    /**
     * @param logits the logits of one pass
     * @return the mean of sigmoid(logit), D's belief that the examples are real, in [0, 1] (for
     *     hinge and least squares a monotone summary, not a calibrated probability)
     */
    public static double meanProbability(float[] logits) {
        double sum = 0;
        for (float x : logits) {
            sum += 1.0 / (1.0 + Math.exp(-x));
        }
        return sum / logits.length;
    }
}
