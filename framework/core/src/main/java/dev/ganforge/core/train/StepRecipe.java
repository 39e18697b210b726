package dev.ganforge.core.train;

import dev.ganforge.core.spec.Augmentation;
import dev.ganforge.core.spec.GanLoss;
import dev.ganforge.core.spec.Precision;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link TrainingStep} trains, beyond the networks: the loss, how D sees the label, whether
 * D's weights are spectrally normalised, the differentiable augmentation of D's inputs, the
 * arithmetic, the weight of the mode-seeking term in G's loss and that of the LeCam regulariser in
 * D's.
 *
 * @param loss the adversarial loss
 * @param projection D's output is {@code [B, 1 + K]}: column 0 is ψ(φ(x)), column 1 + y is the
 *     projection ⟨e_y, φ(x)⟩ of class y (Miyato &amp; Koyama 2018,
 *     https://arxiv.org/abs/1802.05637), and the logit of an example of class y is their sum; D's
 *     input then has no label maps. False: one logit {@code [B, 1]}, labels (if any) as maps in D's
 *     input.
 * @param spectralNorm every weight matrix of D (convolutions, dense layers) is divided by its
 *     largest singular value in each pass ({@link SpectralNorm})
 * @param augment the augmentations applied, in this order, to real and generated images before D
 *     ({@link DiffAugment}); empty for none
 * @param seed the run's seed: random draws of step s come from a mix of (seed, s), so a resumed run
 *     repeats them
 * @param precision the arithmetic asked for ({@link Precision}); the engine resolves {@code AUTO}
 *     and says what it computes in through {@link TrainingStep#precision()}
 * @param modeSeeking λ of MSGAN's mode-seeking term in G's loss ({@link ModeSeeking}), ≥ 0; 0 =
 *     off. When on, the fake labels' second half repeats the first.
 * @param lecam λ of the LeCam regulariser in D's loss ({@link LeCam}), ≥ 0; 0 = off
 */
public record StepRecipe(
        GanLoss loss,
        boolean projection,
        boolean spectralNorm,
        List<Augmentation> augment,
        long seed,
        Precision precision,
        double modeSeeking,
        double lecam) {

    /** Today's DCGAN step: BCE, label maps, no spectral norm, no augmentation, float32. */
    public static final StepRecipe DCGAN = new StepRecipe(GanLoss.BCE, false, false, List.of(), 0);

    /**
     * A float32 recipe without the mode-seeking term and the LeCam regulariser; {@link
     * #withPrecision}, {@link #withModeSeeking} and {@link #withLecam} change those.
     *
     * @param loss the adversarial loss
     * @param projection whether D has a projection head
     * @param spectralNorm whether D's weights are spectrally normalised
     * @param augment the augmentations, in order
     * @param seed the run's seed
     * @throws NullPointerException if {@code loss} or {@code augment} is null
     */
    public StepRecipe(
            GanLoss loss,
            boolean projection,
            boolean spectralNorm,
            List<Augmentation> augment,
            long seed) {
        this(loss, projection, spectralNorm, augment, seed, Precision.FP32, 0, 0);
    }

    /**
     * @throws NullPointerException if {@code loss}, {@code augment} or {@code precision} is null
     * @throws IllegalArgumentException if {@code modeSeeking} or {@code lecam} is negative or not
     *     finite
     */
    public StepRecipe {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(precision, "precision");
        augment = List.copyOf(augment);
        if (!(modeSeeking >= 0) || !Double.isFinite(modeSeeking)) {
            throw new IllegalArgumentException(
                    "mode-seeking weight must be ≥ 0 and finite, got " + modeSeeking);
        }
        if (!(lecam >= 0) || !Double.isFinite(lecam)) {
            throw new IllegalArgumentException("LeCam weight must be ≥ 0 and finite, got " + lecam);
        }
    }

    /**
     * @param precision the arithmetic
     * @return this recipe with another precision
     * @throws NullPointerException if {@code precision} is null
     */
    public StepRecipe withPrecision(Precision precision) {
        return new StepRecipe(
                loss, projection, spectralNorm, augment, seed, precision, modeSeeking, lecam);
    }

    /**
     * @param modeSeeking λ of MSGAN's mode-seeking term, ≥ 0 and finite; 0 = off
     * @return this recipe with another mode-seeking weight
     * @throws IllegalArgumentException if {@code modeSeeking} is negative or not finite
     */
    public StepRecipe withModeSeeking(double modeSeeking) {
        return new StepRecipe(
                loss, projection, spectralNorm, augment, seed, precision, modeSeeking, lecam);
    }

    /**
     * @param lecam λ of the LeCam regulariser, ≥ 0 and finite; 0 = off
     * @return this recipe with another LeCam weight
     * @throws IllegalArgumentException if {@code lecam} is negative or not finite
     */
    public StepRecipe withLecam(double lecam) {
        return new StepRecipe(
                loss, projection, spectralNorm, augment, seed, precision, modeSeeking, lecam);
    }

    /**
     * @return whether this recipe trains exactly like {@link #DCGAN} (the seed and the precision
     *     aside)
     */
    public boolean isDcgan() {
        return loss == GanLoss.BCE
                && !projection
                && !spectralNorm
                && augment.isEmpty()
                && modeSeeking == 0
                && lecam == 0;
    }
}
