package dev.ganforge.plugin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Precision and recall on point clouds whose answer is known. */
class PrecisionRecallTest {

    private static double[][] cloud(int n, double offset, long seed) {
        Random random = new Random(seed);
        double[][] points = new double[n][3];
        for (double[] p : points) {
            for (int j = 0; j < 3; j++) {
                p[j] = offset + random.nextGaussian();
            }
        }
        return points;
    }

    @Test
    void identicalCloudsHavePrecisionAndRecallOne() {
        double[][] real = cloud(200, 0, 1);

        PrecisionRecall.Result result = PrecisionRecall.compute(real, real, 3);

        assertThat(result.precision()).isEqualTo(1.0);
        assertThat(result.recall()).isEqualTo(1.0);
    }

    @Test
    void disjointFarCloudsHavePrecisionAndRecallZero() {
        PrecisionRecall.Result result =
                PrecisionRecall.compute(cloud(200, 0, 1), cloud(200, 100, 2), 3);

        assertThat(result.precision()).isZero();
        assertThat(result.recall()).isZero();
    }

    @Test
    void aSubsetHasFullPrecisionButPartialRecall() {
        double[][] real = cloud(400, 0, 3);
        // generated = the real points of one half-space: all realistic, half the data missing
        double[][] generated = Arrays.stream(real).filter(p -> p[0] > 0).toArray(double[][]::new);

        PrecisionRecall.Result result = PrecisionRecall.compute(real, generated, 3);

        assertThat(result.precision()).isEqualTo(1.0);
        assertThat(result.recall()).isBetween(0.3, 0.8);
    }

    @Test
    void rejectsSetsNoLargerThanK() {
        assertThatThrownBy(() -> PrecisionRecall.compute(cloud(3, 0, 1), cloud(10, 0, 2), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k = 3");
    }
}
