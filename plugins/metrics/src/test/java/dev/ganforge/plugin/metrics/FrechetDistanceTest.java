package dev.ganforge.plugin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fréchet distance against exact cases. */
class FrechetDistanceTest {

    private static double[][] gaussian(int n, double[] mean, double[] stddev, long seed) {
        Random random = new Random(seed);
        double[][] points = new double[n][mean.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < mean.length; j++) {
                points[i][j] = mean[j] + stddev[j] * random.nextGaussian();
            }
        }
        return points;
    }

    @Test
    void distanceOfAFeatureSetWithItselfIsZero() {
        double[][] features =
                gaussian(300, new double[] {1, -2, 0.5, 3}, new double[] {1, 0.3, 2, 0.01}, 1);
        // correlate the columns so the covariance is not diagonal
        for (double[] row : features) {
            row[1] += 0.7 * row[0];
            row[3] -= 0.2 * row[2];
        }

        assertThat(FrechetDistance.between(features, features)).isCloseTo(0, within(1e-9));
    }

    @Test
    void matchesTheClosedFormForDiagonalCovariances() {
        // ||μ1-μ2||² + Σ (σ1² + σ2² - 2 σ1 σ2), with the variances given exactly
        double[] mean1 = {0, 1, -1};
        double[] mean2 = {2, 1, 0.5};
        double[] var1 = {1, 4, 0.25};
        double[] var2 = {9, 1, 0.25};
        var first = new FrechetDistance.Gaussian(mean1, diagonal(var1), 100);
        var second = new FrechetDistance.Gaussian(mean2, diagonal(var2), 100);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            expected +=
                    Math.pow(mean1[i] - mean2[i], 2)
                            + var1[i]
                            + var2[i]
                            - 2 * Math.sqrt(var1[i] * var2[i]);
        }

        assertThat(FrechetDistance.between(first, second)).isCloseTo(expected, within(1e-9));
        assertThat(expected).isEqualTo(4 + 2.25 + 4 + 1);
    }

    @Test
    void matchesTheClosedFormForFullCovariancesThatCommute() {
        // Σ1 = R diag(1, 4) Rᵀ, Σ2 = R diag(9, 1) Rᵀ share eigenvectors: Tr sqrt(Σ1Σ2) = 3 + 2
        double c = Math.cos(0.6);
        double s = Math.sin(0.6);
        double[][] sigma1 = rotated(c, s, 1, 4);
        double[][] sigma2 = rotated(c, s, 9, 1);
        var first = new FrechetDistance.Gaussian(new double[] {0, 0}, sigma1, 100);
        var second = new FrechetDistance.Gaussian(new double[] {3, 4}, sigma2, 100);

        assertThat(FrechetDistance.between(first, second))
                .isCloseTo(25 + 5 + 10 - 2 * 5, within(1e-9));
    }

    @Test
    void sampleEstimateApproachesTheClosedForm() {
        double[][] a = gaussian(4000, new double[] {0, 0}, new double[] {1, 2}, 2);
        double[][] b = gaussian(4000, new double[] {1, 0}, new double[] {1, 1}, 3);

        // 1 + (1 + 1 - 2) + (4 + 1 - 4) = 2
        assertThat(FrechetDistance.between(a, b)).isCloseTo(2.0, within(0.15));
    }

    @Test
    void squareRootOfASingularMatrixIsStable() {
        double[][] singular = {{1, 1}, {1, 1}};
        double[][] root = FrechetDistance.symmetricSquareRoot(singular);
        // sqrt of [[1,1],[1,1]] (eigenvalues 2, 0) is [[1,1],[1,1]]/sqrt(2)
        assertThat(root[0][0]).isCloseTo(1 / Math.sqrt(2), within(1e-12));
        assertThat(root[0][1]).isCloseTo(1 / Math.sqrt(2), within(1e-12));
    }

    private static double[][] diagonal(double[] values) {
        double[][] m = new double[values.length][values.length];
        for (int i = 0; i < values.length; i++) {
            m[i][i] = values[i];
        }
        return m;
    }

    private static double[][] rotated(double c, double s, double a, double b) {
        return new double[][] {
            {c * c * a + s * s * b, c * s * (a - b)}, {c * s * (a - b), s * s * a + c * c * b}
        };
    }
}
