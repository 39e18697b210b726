package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MSGAN's mode-seeking term in float64: its gradient against central differences of λ / (r + ε)
 * written out here, the direction it pushes a collapsed pair, and its input checks.
 */
class ModeSeekingTest {

    private static final long[] IMAGES = {6, 2, 3, 3};

    @Test
    void gradientMatchesCentralDifferencesOfTheLoss() {
        INDArray fake = random(IMAGES, 1);
        INDArray z = random(new long[] {6, 4}, 2);
        int[] labels = {4, 1, 0, 4, 1, 0};
        ModeSeeking term = new ModeSeeking(0.7);
        INDArray analytic = term.gradient(fake, z, labels, 1);
        double ratio = term.lastRatio();
        assertThat(term.loss(ratio)).isCloseTo(0.7 / (reference(fake, z) + 1e-5), within(1e-12));
        double epsilon = 1e-7;
        for (int i = 0; i < fake.length(); i++) {
            double original = fake.getDouble(i);
            fake.putScalar(i, original + epsilon);
            double plus = 0.7 / (reference(fake, z) + 1e-5);
            fake.putScalar(i, original - epsilon);
            double minus = 0.7 / (reference(fake, z) + 1e-5);
            fake.putScalar(i, original);
            double numeric = (plus - minus) / (2 * epsilon);
            assertThat(analytic.getDouble(i))
                    .as("element %d", i)
                    .isCloseTo(numeric, within(1e-6 * Math.abs(numeric) + 1e-10));
        }
        assertThat(analytic.norm2Number().doubleValue()).isGreaterThan(1e-3);
        // the per-example-sum convention scales the whole gradient by the factor it is given
        INDArray scaled = term.gradient(fake, z, labels, 6);
        assertThat(scaled.sub(analytic.mul(6)).amaxNumber().doubleValue()).isLessThan(1e-15);
    }

    @Test
    void descendingTheGradientPullsAPairOfImagesApart() {
        INDArray fake = random(IMAGES, 3);
        INDArray z = random(new long[] {6, 4}, 4);
        ModeSeeking term = new ModeSeeking(1);
        int[] labels = {0, 1, 2, 0, 1, 2};
        INDArray gradient = term.gradient(fake, z, labels, 1);
        double before = term.lastRatio();
        term.gradient(fake.sub(gradient.mul(1e-3)), z, labels, 1);
        assertThat(term.lastRatio()).isGreaterThan(before);
    }

    @Test
    void pairLabelsRepeatsTheFirstHalf() {
        int[] labels = {3, 1, 4, 9, 9, 9};
        ModeSeeking.pairLabels(labels);
        assertThat(labels).containsExactly(3, 1, 4, 3, 1, 4);
        assertThatThrownBy(() -> ModeSeeking.pairLabels(new int[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("even batch size, got 5");
    }

    @Test
    void refusesUnpairedLabelsAndANonPositiveWeight() {
        INDArray fake = random(IMAGES, 5);
        INDArray z = random(new long[] {6, 4}, 6);
        assertThatThrownBy(
                        () -> new ModeSeeking(1).gradient(fake, z, new int[] {0, 1, 2, 0, 2, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs example 1 (class 1) with example 4 (class 2)");
        assertThatThrownBy(() -> new ModeSeeking(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    /** r = mean|G_i − G_{i+B/2}| / mean|z_i − z_{i+B/2}|, element by element. */
    private static double reference(INDArray fake, INDArray z) {
        int half = (int) fake.size(0) / 2;
        INDArray flatImages = fake.reshape(fake.size(0), -1);
        INDArray flatLatents = z.reshape(z.size(0), -1);
        double images = 0;
        double latents = 0;
        for (int i = 0; i < half; i++) {
            for (int k = 0; k < flatImages.size(1); k++) {
                images += Math.abs(flatImages.getDouble(i, k) - flatImages.getDouble(i + half, k));
            }
            for (int k = 0; k < flatLatents.size(1); k++) {
                latents +=
                        Math.abs(flatLatents.getDouble(i, k) - flatLatents.getDouble(i + half, k));
            }
        }
        return (images / (half * flatImages.size(1))) / (latents / (half * flatLatents.size(1)));
    }

    private static INDArray random(long[] shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = 1;
        for (long dimension : shape) {
            size *= (int) dimension;
        }
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextDouble(-1, 1);
        }
        return Nd4j.createFromArray(values).reshape(shape).castTo(DataType.DOUBLE);
    }
}
