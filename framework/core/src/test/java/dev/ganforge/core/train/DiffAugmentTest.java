package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.core.spec.Augmentation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DiffAugment in float64: the backward pass is the transpose of the forward map (⟨J v, g⟩ = ⟨v,
 * Jᵀg⟩, with J v measured as f(x + v) − f(x), exact for these affine maps up to rounding), draws
 * depend only on the random source, and each operation does what the paper's code does.
 */
class DiffAugmentTest {

    private static final long[] SHAPE = {3, 2, 8, 8};

    @ParameterizedTest
    @EnumSource(Augmentation.class)
    void backwardIsTheTransposeOfForward(Augmentation augmentation) {
        checkAdjoint(List.of(augmentation));
    }

    @Test
    void theWholePolicyBackPropagatesAsItsTranspose() {
        checkAdjoint(
                List.of(
                        Augmentation.COLOR,
                        Augmentation.TRANSLATION,
                        Augmentation.SCALE,
                        Augmentation.CUTOUT));
    }

    private static void checkAdjoint(List<Augmentation> policy) {
        INDArray x = random(1);
        INDArray v = random(2);
        INDArray g = random(3);
        DiffAugment augment = new DiffAugment(policy, SHAPE);
        INDArray fx = augment.forward(x, new SplittableRandom(9)).dup();
        INDArray fxv = augment.replay(x.add(v)).dup();
        double left = fxv.sub(fx).mul(g).sumNumber().doubleValue(); // ⟨J v, g⟩
        double right = v.mul(augment.backward(g)).sumNumber().doubleValue(); // ⟨v, Jᵀ g⟩
        assertThat(right).as("policy %s", policy).isCloseTo(left, within(1e-9 * Math.abs(left)));
        assertThat(Math.abs(left)).isGreaterThan(1e-3);
    }

    @Test
    void drawsDependOnlyOnTheRandomSource() {
        List<Augmentation> all =
                List.of(
                        Augmentation.COLOR,
                        Augmentation.TRANSLATION,
                        Augmentation.SCALE,
                        Augmentation.CUTOUT);
        INDArray x = random(4);
        INDArray a = new DiffAugment(all, SHAPE).forward(x, new SplittableRandom(5)).dup();
        INDArray b = new DiffAugment(all, SHAPE).forward(x, new SplittableRandom(5)).dup();
        INDArray c = new DiffAugment(all, SHAPE).forward(x, new SplittableRandom(6)).dup();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void cutoutZeroesHalfSizedSquaresAndTranslationMovesPixels() {
        INDArray ones = Nd4j.ones(DataType.DOUBLE, SHAPE);
        INDArray cut =
                new DiffAugment(List.of(Augmentation.CUTOUT), SHAPE)
                        .forward(ones, new SplittableRandom(3));
        for (int b = 0; b < SHAPE[0]; b++) {
            double zeros = 64 - cut.slice(b).slice(0).sumNumber().doubleValue();
            // a 4×4 square, clipped at the border: between 2×2 and 16 pixels
            assertThat(zeros).as("image %d", b).isBetween(4.0, 16.0);
        }
        INDArray x = random(7);
        INDArray moved =
                new DiffAugment(List.of(Augmentation.TRANSLATION), SHAPE)
                        .forward(x, new SplittableRandom(11));
        // every non-zero output pixel is an input pixel of the same image and channel
        for (int b = 0; b < SHAPE[0]; b++) {
            INDArray in = x.slice(b).slice(1);
            INDArray out = moved.slice(b).slice(1);
            for (int i = 0; i < 64; i++) {
                double value = out.getDouble(i / 8, i % 8);
                if (value != 0) {
                    boolean found = false;
                    for (int j = 0; j < 64 && !found; j++) {
                        found = in.getDouble(j / 8, j % 8) == value;
                    }
                    assertThat(found)
                            .as("pixel %d of image %d comes from the input", i, b)
                            .isTrue();
                }
            }
        }
    }

    /**
     * Bilinear sampling reproduces a linear ramp exactly, so near the centre the output of the ramp
     * x[w] = w + ½ − W/2 is x[w]/s: that recovers each image's zoom s, which must be the same
     * across rows and channels and follow ADA's lognormal(0, (0.2·ln 2)²).
     */
    @Test
    void scaleZoomsAboutTheCentreByALognormalFactor() {
        long[] shape = {4000, 2, 8, 8};
        INDArray ramp = Nd4j.create(DataType.DOUBLE, shape);
        for (int w = 0; w < 8; w++) {
            ramp.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(w))
                    .assign(w + 0.5 - 4);
        }
        INDArray zoomed =
                new DiffAugment(List.of(Augmentation.SCALE), shape)
                        .forward(ramp, new SplittableRandom(13));
        double sum = 0;
        double squares = 0;
        for (int b = 0; b < shape[0]; b++) {
            // column 3 samples near the centre for any zoom in [½, 2]: both taps inside the image
            double inverse = zoomed.getDouble(b, 0, 4, 3) / -0.5;
            double log2 = -Math.log(inverse) / Math.log(2);
            sum += log2;
            squares += log2 * log2;
            for (int c = 0; c < 2; c++) {
                for (int h = 2; h < 6; h++) {
                    assertThat(zoomed.getDouble(b, c, h, 3))
                            .as("image %d, channel %d, row %d", b, c, h)
                            .isCloseTo(-0.5 * inverse, within(1e-12));
                }
            }
        }
        double mean = sum / shape[0];
        double std = Math.sqrt(squares / shape[0] - mean * mean);
        // 4,000 draws: standard errors 0.0032 (mean) and 0.0022 (std); 5 of them allowed
        assertThat(mean).isCloseTo(0, within(0.016));
        assertThat(std).isCloseTo(0.2, within(0.011));
    }

    @Test
    void anEmptyPolicyReturnsItsInput() {
        INDArray x = random(8);
        DiffAugment none = new DiffAugment(List.of(), SHAPE);
        assertThat(none.forward(x, new SplittableRandom(1))).isSameAs(x);
        assertThat(none.backward(x)).isSameAs(x);
    }

    private static INDArray random(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[(int) (SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3])];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-1, 1);
        }
        return Nd4j.createFromArray(values).reshape(SHAPE);
    }
}
