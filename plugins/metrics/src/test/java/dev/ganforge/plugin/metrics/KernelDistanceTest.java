package dev.ganforge.plugin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.EvaluationInput;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernel distance (KID estimator) against a float64 brute-force reference written from the
 * paper's formula, hand-computed cases, and known distributions.
 */
class KernelDistanceTest {

    private static double[][] gaussian(int n, int d, double shift, long seed) {
        Random random = new Random(seed);
        double[][] points = new double[n][d];
        for (double[] row : points) {
            for (int j = 0; j < d; j++) {
                row[j] = shift + random.nextGaussian();
            }
        }
        return points;
    }

    /**
     * The estimator exactly as Bińkowski et al. (2018, eq. 3 with the cubic kernel) write it: full
     * kernel matrices, the diagonal subtracted from the within-set sums.
     */
    private static double reference(double[][] x, double[][] y) {
        int d = x[0].length;
        int n = x.length;
        int m = y.length;
        double[][] kxx = new double[n][n];
        double[][] kyy = new double[m][m];
        double[][] kxy = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                kxx[i][j] = Math.pow(dot(x[i], x[j]) / d + 1, 3);
            }
            for (int j = 0; j < m; j++) {
                kxy[i][j] = Math.pow(dot(x[i], y[j]) / d + 1, 3);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                kyy[i][j] = Math.pow(dot(y[i], y[j]) / d + 1, 3);
            }
        }
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sxx += kxx[i][j];
            }
            sxx -= kxx[i][i];
            for (int j = 0; j < m; j++) {
                sxy += kxy[i][j];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                syy += kyy[i][j];
            }
            syy -= kyy[i][i];
        }
        return sxx / (n * (n - 1.0)) + syy / (m * (m - 1.0)) - 2 * sxy / ((double) n * m);
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }

    @Test
    void matchesTheBruteForceReference() {
        double[][] x = gaussian(57, 16, 0.0, 1);
        double[][] y = gaussian(43, 16, 0.3, 2);
        for (double[] row : y) {
            row[3] *= 2; // a different covariance too
        }

        double expected = reference(x, y);
        // both sum about 5·10³ terms of size ≤ max k ≈ 30 in float64 in different orders: the
        // rounding difference is below 5e3 · 30 · 2⁻⁵² / (n(n-1)) per term mean, far below 1e-10
        assertThat(KernelDistance.estimate(x, y)).isCloseTo(expected, within(1e-10));
        assertThat(expected).isGreaterThan(0.01);
    }

    @Test
    void matchesHandComputedValues() {
        // d = 1, k(x, y) = (xy + 1)³. X = {2, 0}: k(2, 0) = 1. Y = {1, -1}: k(1, -1) = 0.
        // cross: k(2,1) = 27, k(2,-1) = -1, k(0,1) = k(0,-1) = 1, mean 7. MMD²_u = 1 + 0 - 14.
        double[][] x = {{2}, {0}};
        double[][] y = {{1}, {-1}};
        assertThat(KernelDistance.estimate(x, y)).isCloseTo(-13.0, within(1e-12));
        // the kernel divides the dot product by d: (1·1 + 2·0) / 2 + 1 = 1.5, cubed 3.375
        assertThat(KernelDistance.kernel(new double[] {1, 2}, new double[] {1, 0}, 2))
                .isCloseTo(3.375, within(1e-12));
    }

    @Test
    void isSymmetricAndZeroInExpectationForEqualDistributions() {
        double[][] x = gaussian(200, 8, 0, 3);
        double[][] y = gaussian(200, 8, 0, 4);
        assertThat(KernelDistance.estimate(x, y))
                .isCloseTo(KernelDistance.estimate(y, x), within(1e-12));

        // over independent draws of equal distributions the estimates average to about 0 (the
        // estimator is unbiased), with both signs, while a shift of 0.5 is far above their spread
        double sum = 0;
        double sumSquares = 0;
        int negative = 0;
        int draws = 30;
        for (int t = 0; t < draws; t++) {
            double value =
                    KernelDistance.estimate(
                            gaussian(100, 8, 0, 10 + t), gaussian(100, 8, 0, 50 + t));
            sum += value;
            sumSquares += value * value;
            negative += value < 0 ? 1 : 0;
        }
        double mean = sum / draws;
        double spread = Math.sqrt(sumSquares / draws - mean * mean);
        assertThat(Math.abs(mean)).isLessThan(3 * spread / Math.sqrt(draws));
        assertThat(negative).isBetween(3, draws - 3);
        double shifted = KernelDistance.estimate(gaussian(100, 8, 0, 7), gaussian(100, 8, 0.5, 8));
        assertThat(shifted).isGreaterThan(mean + 10 * spread);
    }

    @Test
    void intervalContainsTheEstimateAndCoversEqualDistributionsMostOfTheTime() {
        int covered = 0;
        int draws = 20;
        for (int t = 0; t < draws; t++) {
            KernelDistance.Result result =
                    KernelDistance.withInterval(
                            gaussian(80, 8, 0, 100 + t), gaussian(80, 8, 0, 200 + t), 200, 0.9, t);
            assertThat(result.low()).isLessThanOrEqualTo(result.high());
            covered += result.low() <= 0 && 0 <= result.high() ? 1 : 0;
        }
        // nominally 90 %; the bootstrap of a degenerate U-statistic is only approximate, so ask for
        // a clear majority (20 draws at a true 90 % give fewer than 14 with probability < 0.3 %)
        assertThat(covered).isGreaterThanOrEqualTo(14);

        KernelDistance.Result shifted =
                KernelDistance.withInterval(
                        gaussian(80, 8, 0, 1), gaussian(80, 8, 0.5, 2), 200, 0.9, 3);
        assertThat(shifted.low()).isGreaterThan(0);
        assertThat(shifted.estimate()).isBetween(shifted.low(), shifted.high());
    }

    @Test
    void intervalIsDeterministicGivenTheSeedAndNarrowsWithMoreSamples() {
        double[][] x = gaussian(60, 8, 0, 1);
        double[][] y = gaussian(60, 8, 0.3, 2);
        assertThat(KernelDistance.withInterval(x, y, 100, 0.9, 5))
                .isEqualTo(KernelDistance.withInterval(x, y, 100, 0.9, 5));

        KernelDistance.Result small = KernelDistance.withInterval(x, y, 300, 0.9, 5);
        KernelDistance.Result large =
                KernelDistance.withInterval(
                        gaussian(480, 8, 0, 1), gaussian(480, 8, 0.3, 2), 300, 0.9, 5);
        assertThat(large.high() - large.low()).isLessThan((small.high() - small.low()) / 2);
    }

    @Test
    void withoutBootstrapTheIntervalIsNaN() {
        KernelDistance.Result result =
                KernelDistance.withInterval(
                        gaussian(10, 4, 0, 1), gaussian(10, 4, 0, 2), 0, 0.9, 1);
        assertThat(result.low()).isNaN();
        assertThat(result.high()).isNaN();
        assertThat(result.estimate()).isFinite();
    }

    @Test
    void rejectsTooFewSamplesAndDifferentWidths() {
        assertThatThrownBy(
                        () ->
                                KernelDistance.estimate(
                                        new double[][] {{1}}, new double[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
        assertThatThrownBy(
                        () ->
                                KernelDistance.estimate(
                                        new double[][] {{1}, {2}}, new double[][] {{1, 0}, {2, 0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width");
    }

    @Test
    void evaluatorReportsTheEstimateAndTheInterval() {
        double[][] real = gaussian(40, 6, 0, 1);
        double[][] generated = gaussian(30, 6, 0.4, 2);
        EvaluationInput input =
                new EvaluationInput(
                        "test_cnn",
                        List.of("a", "b"),
                        true,
                        IntStream.range(0, 40).map(i -> i % 2).toArray(),
                        Nd4j.create(real),
                        IntStream.range(0, 30).map(i -> i % 2).toArray(),
                        Nd4j.create(generated),
                        Nd4j.ones(30, 2).divi(2));

        Map<String, Double> metrics =
                new KernelDistanceEvaluator()
                        .evaluate(new KernelDistanceEvaluator.Spec(100, 0.9, 1), input);

        assertThat(metrics).containsOnlyKeys("eval/kid", "eval/kid_ci_low", "eval/kid_ci_high");
        assertThat(metrics.get("eval/kid")).isCloseTo(reference(real, generated), within(1e-10));
        assertThat(metrics.get("eval/kid_ci_low")).isLessThan(metrics.get("eval/kid_ci_high"));
    }
}
