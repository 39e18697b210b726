package dev.ganforge.plugin.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The kernel distance of Bińkowski et al., "Demystifying MMD GANs" (ICLR 2018,
 * https://arxiv.org/abs/1801.01401), known as KID on InceptionV3 features: the unbiased estimator
 * of the squared maximum mean discrepancy with the cubic polynomial kernel {@code k(x, y) = (xᵀy /
 * d + 1)³}, d the feature width,
 *
 * <pre>
 * MMD²_u = 1/(n(n-1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m-1)) Σ_{i≠j} k(y_i, y_j) - 2/(nm) Σ_{i,j} k(x_i, y_j)
 * </pre>
 *
 * Unlike the Fréchet distance it is unbiased for any sample counts (its expectation is the
 * population MMD², 0 for equal distributions), so values from small sets (10 images per class)
 * compare; a single estimate can be slightly negative. The confidence interval is a percentile
 * bootstrap: each replicate redraws both sets with replacement and evaluates the same estimator
 * with the pairs of copies of one sample left out of the within-set sums (so a replicate stays
 * unbiased rather than being pulled up by k(x, x)). Double precision, brute force: O((n + m)² d)
 * for the estimate and O((n + m)²) per replicate.
 */
public final class KernelDistance {

    /** Sets larger than this are subsampled (seeded, without replacement) for the bootstrap. */
    public static final int MAX_BOOTSTRAP_SET = 2000;

    private KernelDistance() {}

    /**
     * An estimate and its bootstrap confidence interval.
     *
     * @param estimate MMD²_u of the full sets (may be slightly below 0)
     * @param low lower end of the interval, NaN without bootstrap
     * @param high upper end of the interval, NaN without bootstrap
     */
    public record Result(double estimate, double low, double high) {}

    /**
     * @param x real features {@code [n][d]}, n ≥ 2
     * @param y generated features {@code [m][d]}, m ≥ 2
     * @return MMD²_u with the cubic polynomial kernel
     * @throws IllegalArgumentException if a set has fewer than 2 rows or the widths differ
     */
    public static double estimate(double[][] x, double[][] y) {
        check(x, y);
        int d = x[0].length;
        return within(x, d) + within(y, d) - 2 * cross(x, y, d);
    }

    /**
     * @param x real features {@code [n][d]}, n ≥ 2
     * @param y generated features {@code [m][d]}, m ≥ 2
     * @param replicates bootstrap replicates, 0 for no interval
     * @param level the interval's coverage, in (0, 1), e.g. 0.9 for the 5th to 95th percentile
     * @param seed seeds the resampling
     * @return the estimate and the percentile interval; when a set has more than {@value
     *     #MAX_BOOTSTRAP_SET} rows the interval comes from a seeded subset of that size, and is
     *     therefore wider than the full estimate's
     * @throws IllegalArgumentException if a set has fewer than 2 rows, the widths differ,
     *     replicates &lt; 0 or level is outside (0, 1)
     */
    public static Result withInterval(
            double[][] x, double[][] y, int replicates, double level, long seed) {
        check(x, y);
        if (replicates < 0 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException(
                    "need replicates >= 0 and 0 < level < 1, found "
                            + replicates
                            + " and "
                            + level);
        }
        double estimate = estimate(x, y);
        if (replicates == 0) {
            return new Result(estimate, Double.NaN, Double.NaN);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] xs = subset(x, random);
        double[][] ys = subset(y, random);
        int d = x[0].length;
        double[] kxx = gram(xs, xs, d);
        double[] kyy = gram(ys, ys, d);
        double[] kxy = gram(xs, ys, d);
        int n = xs.length;
        int m = ys.length;
        double[] values = new double[replicates];
        double[] w = new double[n];
        double[] v = new double[m];
        for (int r = 0; r < replicates; r++) {
            multiplicities(w, random);
            multiplicities(v, random);
            values[r] =
                    weightedWithin(kxx, w) + weightedWithin(kyy, v) - 2 * weightedCross(kxy, w, v);
        }
        Arrays.sort(values);
        double tail = (1 - level) / 2;
        return new Result(estimate, quantile(values, tail), quantile(values, 1 - tail));
    }

    /**
     * @return the cubic polynomial kernel (xᵀy / d + 1)³
     */
    static double kernel(double[] a, double[] b, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
            dot += a[k] * b[k];
        }
        double base = dot / d + 1;
        return base * base * base;
    }

    private static double within(double[][] x, int d) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                sum += kernel(x[i], x[j], d);
            }
        }
        return 2 * sum / ((double) x.length * (x.length - 1));
    }

    private static double cross(double[][] x, double[][] y, int d) {
        double sum = 0;
        for (double[] a : x) {
            for (double[] b : y) {
                sum += kernel(a, b, d);
            }
        }
        return sum / ((double) x.length * y.length);
    }

    /**
     * @return the kernel matrix, row-major {@code [a.length · b.length]}
     */
    private static double[] gram(double[][] a, double[][] b, int d) {
        double[] out = new double[a.length * b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i * b.length + j] = kernel(a[i], b[j], d);
            }
        }
        return out;
    }

    /**
     * @return Σ_{i≠j} w_i w_j K_ij / (W² - Σ w_i²), W = Σ w_i: the within-set mean over pairs of
     *     distinct original samples
     */
    private static double weightedWithin(double[] gram, double[] w) {
        int n = w.length;
        double total = 0;
        double squares = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] == 0) {
                continue;
            }
            double row = 0;
            int base = i * n;
            for (int j = 0; j < n; j++) {
                row += gram[base + j] * w[j];
            }
            sum += w[i] * (row - gram[base + i] * w[i]);
            total += w[i];
            squares += w[i] * w[i];
        }
        return sum / (total * total - squares);
    }

    private static double weightedCross(double[] gram, double[] w, double[] v) {
        int m = v.length;
        double sum = 0;
        double totalW = 0;
        double totalV = 0;
        for (double value : v) {
            totalV += value;
        }
        for (int i = 0; i < w.length; i++) {
            if (w[i] == 0) {
                continue;
            }
            double row = 0;
            int base = i * m;
            for (int j = 0; j < m; j++) {
                row += gram[base + j] * v[j];
            }
            sum += w[i] * row;
            totalW += w[i];
        }
        return sum / (totalW * totalV);
    }

    /** Fills w with the counts of n draws with replacement from n items. */
    private static void multiplicities(double[] w, SplittableRandom random) {
        Arrays.fill(w, 0);
        for (int i = 0; i < w.length; i++) {
            w[random.nextInt(w.length)]++;
        }
    }

    private static double[][] subset(double[][] rows, SplittableRandom random) {
        if (rows.length <= MAX_BOOTSTRAP_SET) {
            return rows;
        }
        int[] order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[][] picked = new double[MAX_BOOTSTRAP_SET][];
        for (int i = 0; i < MAX_BOOTSTRAP_SET; i++) {
            int j = i + random.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            picked[i] = rows[order[i]];
        }
        return picked;
    }

    /**
     * @return the linearly interpolated quantile q of sorted values (type 7, as R and numpy)
     */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private static void check(double[][] x, double[][] y) {
        if (x.length < 2 || y.length < 2) {
            throw new IllegalArgumentException(
                    "the kernel distance needs at least 2 samples in each set, found "
                            + x.length
                            + " real and "
                            + y.length
                            + " generated");
        }
        if (x[0].length != y[0].length || x[0].length == 0) {
            throw new IllegalArgumentException(
                    "real and generated features differ in width: "
                            + x[0].length
                            + " and "
                            + y[0].length);
        }
    }
}
