package dev.ganforge.core.spec;

import dev.ganforge.spi.BinaryCrossEntropyWithLogits;

/**
 * The adversarial loss of a training step, per example, as a function of the discriminator's logit
 * x (any real). Each loss gives D's loss on a real and on a fake example and G's loss on a fake
 * one, with their derivatives with respect to x; both networks minimise batch means (how the
 * division by the batch size is done depends on the engine: see {@code AdversarialStep}).
 */
public enum GanLoss {
    /**
     * Binary cross-entropy with logits and the non-saturating generator loss (Goodfellow et al.
     * 2014, https://arxiv.org/abs/1406.2661, section 3): D minimises BCE(x_real, 1) + BCE(x_fake,
     * 0), G minimises BCE(x_fake, 1) = softplus(−x).
     */
    BCE,
    /**
     * Hinge loss (Lim &amp; Ye 2017, https://arxiv.org/abs/1705.02894; Miyato et al. 2018,
     * https://arxiv.org/abs/1802.05957): D minimises max(0, 1 − x_real) + max(0, 1 + x_fake), G
     * minimises −x_fake.
     */
    HINGE,
    /**
     * Least squares (Mao et al. 2017, https://arxiv.org/abs/1611.04076, the a=0, b=c=1 variant): D
     * minimises ½(x_real − 1)² + ½x_fake², G minimises ½(x_fake − 1)².
     */
    LEAST_SQUARES;

    /**
     * @param logit D's output x for one example
     * @param real whether the example is real (else generated)
     * @return D's loss on that example, ≥ 0
     */
    public double discriminatorLoss(double logit, boolean real) {
        return switch (this) {
            case BCE -> BinaryCrossEntropyWithLogits.loss(logit, real ? 1 : 0);
            case HINGE -> Math.max(0, 1 + (real ? -logit : logit));
            case LEAST_SQUARES -> 0.5 * square(real ? logit - 1 : logit);
        };
    }

    /**
     * @param logit D's output x for one example
     * @param real whether the example is real
     * @return d(discriminatorLoss)/dx; for the hinge 0 at the kink
     */
    public double discriminatorGradient(double logit, boolean real) {
        return switch (this) {
            case BCE -> BinaryCrossEntropyWithLogits.gradient(logit, real ? 1 : 0);
            case HINGE -> real ? (logit < 1 ? -1 : 0) : (logit > -1 ? 1 : 0);
            case LEAST_SQUARES -> real ? logit - 1 : logit;
        };
    }

    /**
     * @param logit D's output x for one generated example
     * @return G's loss on it: softplus(−x) (bce, ≥ 0), −x (hinge, any real), ½(x − 1)² (least
     *     squares, ≥ 0)
     */
    public double generatorLoss(double logit) {
        return switch (this) {
            case BCE -> BinaryCrossEntropyWithLogits.loss(logit, 1);
            case HINGE -> -logit;
            case LEAST_SQUARES -> 0.5 * square(logit - 1);
        };
    }

    /**
     * @param logit D's output x for one generated example
     * @return d(generatorLoss)/dx
     */
    public double generatorGradient(double logit) {
        return switch (this) {
            case BCE -> BinaryCrossEntropyWithLogits.gradient(logit, 1);
            case HINGE -> -1;
            case LEAST_SQUARES -> logit - 1;
        };
    }

    private static double square(double x) {
        return x * x;
    }
}
