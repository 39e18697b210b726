package dev.ganforge.core.run;

/**
 * What one training step measured.
 *
 * @param discriminatorLoss D's loss: mean BCE on the real batch (target 1) plus mean BCE on the
 *     fake batch (target 0), in nats, ≥ 0
 * @param generatorLoss G's non-saturating loss: mean BCE of D(G(z)) against target 1, in nats, ≥ 0
 * @param realProbability mean D(x) = sigmoid(logit) on the real batch, in [0, 1]
 * @param fakeProbability mean D(G(z)) on the fake batch before D's update, in [0, 1]
 * @param modeSeekingRatio r of MSGAN's mode-seeking term in this step ({@link
 *     dev.ganforge.core.train.ModeSeeking}): the mean absolute difference between the paired images
 *     over that between their latent vectors, ≥ 0; NaN when the term is off
 */
public record StepResult(
        double discriminatorLoss,
        double generatorLoss,
        double realProbability,
        double fakeProbability,
        double modeSeekingRatio) {

    /**
     * A step without the mode-seeking term ({@code modeSeekingRatio} NaN).
     *
     * @param discriminatorLoss D's loss in nats
     * @param generatorLoss G's loss in nats
     * @param realProbability mean D(x), in [0, 1]
     * @param fakeProbability mean D(G(z)), in [0, 1]
     */
    public StepResult(
            double discriminatorLoss,
            double generatorLoss,
            double realProbability,
            double fakeProbability) {
        this(discriminatorLoss, generatorLoss, realProbability, fakeProbability, Double.NaN);
    }

    /**
     * @return whether both losses are finite numbers
     */
    public boolean finite() {
        return Double.isFinite(discriminatorLoss) && Double.isFinite(generatorLoss);
    }
}
