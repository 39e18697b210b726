package dev.ganforge.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mode-seeking regulariser of MSGAN (Mao et al. 2019, "Mode Seeking Generative Adversarial
 * Networks for Diverse Image Synthesis", https://arxiv.org/abs/1903.05628, eq. 3, with the
 * reference code's form https://github.com/HelenMao/MSGAN): G additionally minimises
 *
 * <pre>
 *   L_ms = λ / (r + ε),   r = mean|G(c, z₁) − G(c, z₂)| / mean|z₁ − z₂|,   ε = 1e-5,
 * </pre>
 *
 * so two latent vectors of the same class that lie apart must give images that lie apart: a
 * generator that maps every z of a class to one image (collapse inside the class) pays for it.
 *
 * <p>The pairs are taken inside the batch, without a second generator pass: example i and example i
 * + B/2 form a pair, so the fake labels' second half must repeat the first ({@link #pairLabels}).
 * Means are over all B/2 pairs, all image values ({@code C·H·W}) and all latent dimensions.
 * Computed in float64 from the arrays it is given. Not thread-safe.
 */
public final class ModeSeeking {

    /** ε of the reference code, which keeps the term finite when the images of a pair coincide. */
    public static final double EPSILON = 1e-5;

    private final double lambda;
    private double lastRatio = Double.NaN;

    /**
     * @param lambda λ, the weight of the term in G's loss, &gt; 0 (MSGAN uses 1)
     * @throws IllegalArgumentException if {@code lambda} is not positive and finite
     */
    public ModeSeeking(double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException(
                    "mode-seeking weight must be positive and finite, got " + lambda);
        }
        this.lambda = lambda;
    }

    /**
     * Makes the second half of {@code labels} repeat the first, so that examples i and i + B/2 ask
     * for the same class.
     *
     * @param labels the fake labels of one step, length B, even; changed in place
     * @throws IllegalArgumentException if B is odd or 0
     */
    public static void pairLabels(int[] labels) {
        int half = half(labels.length);
        System.arraycopy(labels, 0, labels, half, half);
    }

    /**
     * Checks that examples i and i + B/2 ask for the same class.
     *
     * @param labels the fake labels of one step, length B
     * @throws IllegalArgumentException if B is odd or 0, or naming the first pair whose classes
     *     differ
     */
    public static void requirePaired(int[] labels) {
        int half = half(labels.length);
        for (int i = 0; i < half; i++) {
            if (labels[i] != labels[i + half]) {
                throw new IllegalArgumentException(
                        "mode seeking pairs example "
                                + i
                                + " (class "
                                + labels[i]
                                + ") with example "
                                + (i + half)
                                + " (class "
                                + labels[i + half]
                                + "): the labels' second half must repeat the first");
            }
        }
    }

    /**
     * The term and its gradient with respect to the generated images.
     *
     * @param fake G's output {@code [B, C, H, W]}, B even, any value range
     * @param z the latent vectors {@code [B, latentDim]} that produced it
     * @param labels the classes asked for, length B, with example i + B/2 of example i's class
     * @param gradientScale factor on the returned gradient, &gt; 0: 1 when the step feeds gradients
     *     of batch means, B when it feeds per-example sums that the updater divides by B
     * @return dL_ms/dFake · {@code gradientScale}, {@code [B, C, H, W]}, in {@code fake}'s data
     *     type, a new array
     * @throws IllegalArgumentException if B is odd, the batch sizes differ, a pair's labels differ,
     *     every pair's latent vectors coincide, or {@code gradientScale} is not positive
     */
    public INDArray gradient(INDArray fake, INDArray z, int[] labels, double gradientScale) {
        int batch = (int) fake.size(0);
        int half = half(batch);
        if (z.size(0) != batch || labels.length != batch) {
            throw new IllegalArgumentException(
                    "mode seeking: "
                            + batch
                            + " images, "
                            + z.size(0)
                            + " latent vectors and "
                            + labels.length
                            + " labels");
        }
        requirePaired(labels);
        if (!(gradientScale > 0)) {
            throw new IllegalArgumentException(
                    "mode seeking: the gradient scale must be positive, got " + gradientScale);
        }
        double[] images = fake.dup('c').data().asDouble();
        double[] latents = z.dup('c').data().asDouble();
        int image = images.length / batch;
        int latent = latents.length / batch;
        int pairValues = half * image;
        double imageDistance = 0;
        for (int k = 0; k < pairValues; k++) {
            imageDistance += Math.abs(images[k] - images[k + pairValues]);
        }
        imageDistance /= pairValues;
        double latentDistance = 0;
        int pairLatents = half * latent;
        for (int k = 0; k < pairLatents; k++) {
            latentDistance += Math.abs(latents[k] - latents[k + pairLatents]);
        }
        latentDistance /= pairLatents;
        if (latentDistance == 0) {
            throw new IllegalArgumentException(
                    "mode seeking: the two halves of the batch have the same latent vectors");
        }
        double ratio = imageDistance / latentDistance;
        lastRatio = ratio;
        // dL/dr = −λ / (r + ε)², dr/d(image distance) = 1 / latent distance,
        // d(image distance)/dG_i = sign(G_i − G_j) / (pairs · image values), the opposite for G_j
        double slope =
                -lambda / ((ratio + EPSILON) * (ratio + EPSILON)) / latentDistance / pairValues;
        slope *= gradientScale;
        double[] gradient = new double[images.length];
        for (int k = 0; k < pairValues; k++) {
            double value = slope * Math.signum(images[k] - images[k + pairValues]);
            gradient[k] = value;
            gradient[k + pairValues] = -value;
        }
        return Nd4j.createFromArray(gradient).reshape(fake.shape()).castTo(fake.dataType());
    }

    /**
     * The term's value for a given ratio, as added to G's loss.
     *
     * @param ratio r, the image distance over the latent distance, ≥ 0
     * @return L_ms = λ / (r + ε), &gt; 0
     */
    public double loss(double ratio) {
        return lambda / (ratio + EPSILON);
    }

    /**
     * @return r of the last {@link #gradient} call, NaN before the first
     */
    public double lastRatio() {
        return lastRatio;
    }

    private static int half(int batch) {
        if (batch % 2 != 0 || batch == 0) {
            throw new IllegalArgumentException(
                    "mode seeking pairs the batch's halves and needs an even batch size, got "
                            + batch);
        }
        return batch / 2;
    }
}
