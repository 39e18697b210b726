package dev.ganforge.plugin.metrics;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method (Golub &amp;
 * Van Loan, "Matrix Computations", 4th ed., section 8.5). Plain Java in double precision: the
 * matrices here are covariances of at most a few hundred features, where Jacobi is fast enough and,
 * unlike a general eigen-solver, always returns real eigenvalues and orthonormal eigenvectors.
 */
final class SymmetricEigen {

    private static final int MAX_SWEEPS = 100;

    /**
     * Eigenvalues {@code values[i]} with eigenvector column i of {@code vectors}: A = V
     * diag(values) Vᵀ.
     */
    record Result(double[] values, double[][] vectors) {}

    private SymmetricEigen() {}

    /**
     * @param matrix a symmetric n×n matrix (only read; asymmetry below rounding is averaged away)
     * @return its eigenvalues (unsorted) and orthonormal eigenvectors
     */
    static Result decompose(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][n];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = (matrix[i][j] + matrix[j][i]) / 2;
            }
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) {
                        off += a[i][j] * a[i][j];
                    }
                }
            }
            if (off <= 1e-30 * Math.max(total, Double.MIN_NORMAL)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return new Result(values, v);
    }

    /** One Jacobi rotation that zeroes a[p][q] (Golub &amp; Van Loan, algorithm 8.5.1). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
