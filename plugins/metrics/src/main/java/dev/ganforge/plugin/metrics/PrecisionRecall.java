package dev.ganforge.plugin.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Improved precision and recall of Kynkäänniemi et al., "Improved Precision and Recall Metric for
 * Assessing Generative Models" (2019, https://arxiv.org/abs/1904.06991). Each set's manifold is the
 * union of balls around its points with radius the distance to the point's k-th nearest neighbour
 * in the same set (itself excluded). Precision is the share of generated points inside the real
 * manifold; recall the share of real points inside the generated manifold.
 *
 * <p>Beside them, density and coverage of Naeem et al., "Reliable Fidelity and Diversity Metrics
 * for Generative Models" (ICML 2020, https://arxiv.org/abs/2002.09797; {@link
 * #densityAndCoverage}), which use the real balls only. Euclidean distances in double precision,
 * brute force: O((n + m)² F).
 */
public final class PrecisionRecall {

    /**
     * @param precision share of generated samples inside the real manifold, in [0, 1]
     * @param recall share of real samples inside the generated manifold, in [0, 1]
     */
    public record Result(double precision, double recall) {}

    /**
     * @param density {@code (1 / (k m)) Σ_j Σ_i [generated_j in ball(real_i)]}, in [0, n / k]:
     *     about 1 when the generated samples follow the real distribution (exactly 1 when they are
     *     the real samples themselves), above 1 when they crowd where real samples are dense, below
     *     1 when they lie off the real ones
     * @param coverage share of real samples whose own ball holds at least one generated sample, in
     *     [0, 1]; for generated samples of the real distribution its expectation is {@code 1 - Π_{i
     *     = 1..k} (n - i) / (m + n - i)} (Naeem et al., lemma 2), about {@code 1 - 2^-k} for m = n:
     *     0.97 at k = 5, 0.875 at k = 3
     */
    public record DensityCoverage(double density, double coverage) {}

    private PrecisionRecall() {}

    /**
     * @param real real features {@code [n][F]}, n &gt; k
     * @param generated generated features {@code [m][F]}, m &gt; k
     * @param k the neighbour that sets each ball's radius (the paper uses 3)
     * @return precision and recall
     * @throws IllegalArgumentException if k &lt; 1 or a set has k points or fewer
     */
    public static Result compute(double[][] real, double[][] generated, int k) {
        checkSizes("precision/recall", real, generated, k);
        return precisionRecall(real, generated, radii(real, k)[0], k);
    }

    /**
     * Precision and recall ({@link #compute}) and density and coverage ({@link
     * #densityAndCoverage}) in one pass over the real set: each real point's distances to the
     * others are sorted once and give both radii. Equal, value for value, to calling the two
     * methods separately.
     *
     * @param real real features {@code [n][F]}, n &gt; max(k, coverageK)
     * @param generated generated features {@code [m][F]}, m &gt; max(k, coverageK)
     * @param k the neighbour for precision and recall (the paper uses 3)
     * @param coverageK the neighbour for density and coverage (Naeem et al. recommend 5)
     * @return both results
     * @throws IllegalArgumentException if k or coverageK is below 1 or a set has max(k, coverageK)
     *     points or fewer
     */
    public static Measures computeWithDensityCoverage(
            double[][] real, double[][] generated, int k, int coverageK) {
        checkSizes("precision/recall", real, generated, k);
        checkSizes("density/coverage", real, generated, coverageK);
        double[][] realRadii = radii(real, k, coverageK);
        return new Measures(
                precisionRecall(real, generated, realRadii[0], k),
                densityCoverage(real, generated, realRadii[1], coverageK));
    }

    /**
     * @param precisionRecall precision and recall at k
     * @param densityCoverage density and coverage at coverage_k
     */
    public record Measures(Result precisionRecall, DensityCoverage densityCoverage) {}

    private static Result precisionRecall(
            double[][] real, double[][] generated, double[] realRadii, int k) {
        return new Result(
                insideShare(generated, real, realRadii),
                insideShare(real, generated, radii(generated, k)[0]));
    }

    /**
     * Density and coverage of Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative
     * Models" (ICML 2020, https://arxiv.org/abs/2002.09797), from the real samples' balls only
     * (radius: the distance to the k-th nearest other real sample). Density counts how many real
     * balls each generated sample falls in, so one real outlier's wide ball cannot make a cluster
     * of generated samples look realistic, as it can for precision; coverage is the share of real
     * samples whose own ball holds a generated sample, so a few generated outliers with wide balls
     * cannot make copies look varied, as they can for recall. The balls are open (distance &lt;
     * radius), as in the authors' code (https://github.com/clovaai/generative-evaluation-prdc),
     * unlike the closed balls of {@link #compute}; the two differ only for samples at exactly a
     * ball's radius.
     *
     * @param real real features {@code [n][F]}, n &gt; k
     * @param generated generated features {@code [m][F]}, m &gt; k
     * @param k the neighbour that sets each real ball's radius (the paper recommends 5)
     * @return density and coverage
     * @throws IllegalArgumentException if k &lt; 1 or a set has k points or fewer
     */
    public static DensityCoverage densityAndCoverage(double[][] real, double[][] generated, int k) {
        checkSizes("density/coverage", real, generated, k);
        return densityCoverage(real, generated, radii(real, k)[0], k);
    }

    private static DensityCoverage densityCoverage(
            double[][] real, double[][] generated, double[] realRadii, int k) {
        long memberships = 0;
        int covered = 0;
        for (int i = 0; i < real.length; i++) {
            int inside = 0;
            for (double[] sample : generated) {
                if (squaredDistance(sample, real[i]) < realRadii[i]) {
                    inside++;
                }
            }
            memberships += inside;
            if (inside > 0) {
                covered++;
            }
        }
        return new DensityCoverage(
                (double) memberships / ((double) k * generated.length),
                (double) covered / real.length);
    }

    private static void checkSizes(String what, double[][] real, double[][] generated, int k) {
        if (k < 1 || real.length <= k || generated.length <= k) {
            throw new IllegalArgumentException(
                    what
                            + " with k = "
                            + k
                            + " needs more than k samples in each"
                            + " set, found "
                            + real.length
                            + " real and "
                            + generated.length
                            + " generated");
        }
    }

    /**
     * Recall within each class: the share of class c's real points inside the manifold of class c's
     * generated points alone (balls around each generated point of class c with radius the distance
     * to its k-th nearest generated neighbour of class c). The per-class form of the recall of
     * Kynkäänniemi et al. 2019 (https://arxiv.org/abs/1904.06991). Copies of one image usually lie
     * in a small manifold and recall few of their class's real points, but recall rewards spread:
     * copies spread wide enough (e.g. by noise texture in feature space) get balls that reach the
     * real points, as Naeem et al. 2020 (https://arxiv.org/abs/2002.09797) point out for recall in
     * general.
     *
     * @param real real features {@code [n][F]}
     * @param realLabels the class of each real point, length n, in [0, classes)
     * @param generated generated features {@code [m][F]}
     * @param generatedLabels the class asked for per generated point, length m, in [0, classes)
     * @param classes K, the number of classes
     * @param k the neighbour that sets each ball's radius
     * @return recall per class in [0, 1], length K; NaN for a class with no real point or with k
     *     generated points or fewer
     * @throws IllegalArgumentException if k &lt; 1, a label is outside [0, K) or the label arrays
     *     and point arrays differ in length
     */
    public static double[] recallPerClass(
            double[][] real,
            int[] realLabels,
            double[][] generated,
            int[] generatedLabels,
            int classes,
            int k) {
        if (k < 1) {
            throw new IllegalArgumentException("per-class recall needs k >= 1, found " + k);
        }
        if (real.length != realLabels.length || generated.length != generatedLabels.length) {
            throw new IllegalArgumentException(
                    "per-class recall: "
                            + real.length
                            + " real points with "
                            + realLabels.length
                            + " labels, "
                            + generated.length
                            + " generated points with "
                            + generatedLabels.length
                            + " labels");
        }
        checkLabels(realLabels, classes);
        checkLabels(generatedLabels, classes);
        double[] recall = new double[classes];
        for (int c = 0; c < classes; c++) {
            double[][] classReal = ofClass(real, realLabels, c);
            double[][] classGenerated = ofClass(generated, generatedLabels, c);
            recall[c] =
                    classReal.length == 0 || classGenerated.length <= k
                            ? Double.NaN
                            : insideShare(classReal, classGenerated, radii(classGenerated, k)[0]);
        }
        return recall;
    }

    private static void checkLabels(int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label "
                                + labels[i]
                                + " of point "
                                + i
                                + " is outside [0, "
                                + classes
                                + ")");
            }
        }
    }

    private static double[][] ofClass(double[][] points, int[] labels, int c) {
        List<double[]> members = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            if (labels[i] == c) {
                members.add(points[i]);
            }
        }
        return members.toArray(double[][]::new);
    }

    /**
     * @param ks the neighbours wanted, each in [1, n)
     * @return {@code [ks.length][n]}: row r holds the squared distance of each point to its
     *     ks[r]-th nearest other point; one sort per point serves every k
     */
    static double[][] radii(double[][] points, int... ks) {
        double[][] radii = new double[ks.length][points.length];
        double[] distances = new double[points.length - 1];
        for (int i = 0; i < points.length; i++) {
            int next = 0;
            for (int j = 0; j < points.length; j++) {
                if (j != i) {
                    distances[next++] = squaredDistance(points[i], points[j]);
                }
            }
            Arrays.sort(distances);
            for (int r = 0; r < ks.length; r++) {
                radii[r][i] = distances[ks[r] - 1];
            }
        }
        return radii;
    }

    /**
     * @return the share of {@code queries} within the radius of at least one manifold point
     */
    private static double insideShare(double[][] queries, double[][] manifold, double[] radii) {
        int inside = 0;
        for (double[] query : queries) {
            for (int j = 0; j < manifold.length; j++) {
                if (squaredDistance(query, manifold[j]) <= radii[j]) {
                    inside++;
                    break;
                }
            }
        }
        return (double) inside / queries.length;
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
