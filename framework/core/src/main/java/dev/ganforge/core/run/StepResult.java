package dev.ganforge.core.run;

/**
 * What one training step measured.
 *
 * @param discriminatorLoss D's loss: mean BCE on the real batch (target 1) plus mean BCE on the
 *     fake batch (target 0), in nats, ≥ 0
 * @param generatorLoss G's non-saturating loss: mean BCE of D(G(z)) against target 1, in nats, ≥ 0
 * @param realProbability mean D(x) = sigmoid(logit) on the real batch, in [0, 1]
 * @param fakeProbability mean D(G(z)) on the fake batch before D's update, in [0, 1]
 */
public record StepResult(
        double discriminatorLoss,
        double generatorLoss,
        double realProbability,
        double fakeProbability) {

    /**
     * @return whether both losses are finite numbers
     */
    public boolean finite() {
        return Double.isFinite(discriminatorLoss) && Double.isFinite(generatorLoss);
    }
}
