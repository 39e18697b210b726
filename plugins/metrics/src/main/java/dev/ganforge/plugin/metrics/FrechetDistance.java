package dev.ganforge.plugin.metrics;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets, as in the FID of Heusel et
 * al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium" (2017,
 * https://arxiv.org/abs/1706.08500):
 *
 * <pre>
 *   d² = ||μ1 - μ2||² + Tr(Σ1) + Tr(Σ2) - 2 Tr((Σ1 Σ2)^½)
 * </pre>
 *
 * The trace of the matrix square root is computed stably without a non-symmetric square root: Σ1 Σ2
 * is similar to the symmetric positive semi-definite M = Σ1^½ Σ2 Σ1^½, so {@code Tr((Σ1 Σ2)^½) =
 * Σ_i sqrt(λ_i(M))}. Σ1^½ comes from Σ1's symmetric eigen-decomposition V diag(sqrt(λ)) Vᵀ;
 * eigenvalues that rounding makes slightly negative are clamped to 0. Covariances use the unbiased
 * 1/(n-1) normalisation. All arithmetic is in double precision.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    /**
     * Mean and covariance of a feature set.
     *
     * @param mean μ, length F
     * @param covariance Σ, F×F
     * @param count the number of samples they were estimated from
     */
    public record Gaussian(double[] mean, double[][] covariance, int count) {

        /**
         * @param features {@code [n][F]}, n ≥ 2
         * @return the sample mean and unbiased covariance
         * @throws IllegalArgumentException if n &lt; 2 or rows differ in length
         */
        public static Gaussian fit(double[][] features) {
            int n = features.length;
            if (n < 2) {
                throw new IllegalArgumentException(
                        "need at least 2 samples to estimate a covariance, found " + n);
            }
            int f = features[0].length;
            double[] mean = new double[f];
            for (double[] row : features) {
                if (row.length != f) {
                    throw new IllegalArgumentException(
                            "feature rows differ in length: " + row.length + " vs " + f);
                }
                for (int j = 0; j < f; j++) {
                    mean[j] += row[j] / n;
                }
            }
            double[][] covariance = new double[f][f];
            double[] centred = new double[f];
            for (double[] row : features) {
                for (int j = 0; j < f; j++) {
                    centred[j] = row[j] - mean[j];
                }
                for (int i = 0; i < f; i++) {
                    double ci = centred[i];
                    if (ci == 0) {
                        continue;
                    }
                    double[] target = covariance[i];
                    for (int j = i; j < f; j++) {
                        target[j] += ci * centred[j];
                    }
                }
            }
            for (int i = 0; i < f; i++) {
                for (int j = i; j < f; j++) {
                    covariance[i][j] /= n - 1;
                    covariance[j][i] = covariance[i][j];
                }
            }
            return new Gaussian(mean, covariance, n);
        }
    }

    /**
     * @param first features {@code [n1][F]}, n1 ≥ 2
     * @param second features {@code [n2][F]}, n2 ≥ 2
     * @return the Fréchet distance d² ≥ 0 (squared, as FID reports it)
     * @throws IllegalArgumentException if a set has fewer than 2 rows or the widths differ
     */
    public static double between(double[][] first, double[][] second) {
        return between(Gaussian.fit(first), Gaussian.fit(second));
    }

    /**
     * @param first μ1, Σ1
     * @param second μ2, Σ2 of the same width
     * @return d² as in the class comment, clamped at 0 against rounding
     * @throws IllegalArgumentException if the widths differ
     */
    public static double between(Gaussian first, Gaussian second) {
        int f = first.mean().length;
        if (second.mean().length != f) {
            throw new IllegalArgumentException(
                    "feature widths differ: " + f + " vs " + second.mean().length);
        }
        double meanTerm = 0;
        double traces = 0;
        for (int i = 0; i < f; i++) {
            double d = first.mean()[i] - second.mean()[i];
            meanTerm += d * d;
            traces += first.covariance()[i][i] + second.covariance()[i][i];
        }
        double[][] root = symmetricSquareRoot(first.covariance());
        double[][] m = multiply(multiply(root, second.covariance()), root);
        double traceOfRoot = 0;
        for (double value : SymmetricEigen.decompose(m).values()) {
            traceOfRoot += Math.sqrt(Math.max(value, 0));
        }
        return Math.max(0, meanTerm + traces - 2 * traceOfRoot);
    }

    /**
     * @return V diag(sqrt(max(λ, 0))) Vᵀ of a symmetric positive semi-definite matrix
     */
    static double[][] symmetricSquareRoot(double[][] matrix) {
        SymmetricEigen.Result eigen = SymmetricEigen.decompose(matrix);
        int n = matrix.length;
        double[][] v = eigen.vectors();
        double[][] root = new double[n][n];
        for (int k = 0; k < n; k++) {
            double s = Math.sqrt(Math.max(eigen.values()[k], 0));
            if (s == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double vik = v[i][k] * s;
                for (int j = 0; j < n; j++) {
                    root[i][j] += vik * v[j][k];
                }
            }
        }
        return root;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                if (aik == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    out[i][j] += aik * b[k][j];
                }
            }
        }
        return out;
    }
}
