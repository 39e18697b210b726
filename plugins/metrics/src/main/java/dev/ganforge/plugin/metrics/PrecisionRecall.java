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
 * for Generative Models" (ICML 2020, https://arxiv.org/abs/2002.09797), which use the real balls
 * only: density counts how many real balls each generated point falls in (so one real outlier with
 * a wide ball cannot make a cluster of generated points look realistic, as it can for precision),
 * coverage is the share of real points whose own ball holds a generated point (so a few generated
 * outliers with wide balls cannot make copies look varied, as they can for recall). Euclidean
 * distances in double precision, brute force: O((n + m)² F).
 */
public final class PrecisionRecall {

    /**
     * @param precision share of generated samples inside the real manifold, in [0, 1]
     * @param recall share of real samples inside the generated manifold, in [0, 1]
     * @param density {@code (1 / (k m)) Σ_j Σ_i [generated_j in ball(real_i)]}, in [0, n / k];
     *     about 1 when the generated samples follow the real distribution, (k + 1) / k when they
     *     are the real samples themselves, above 1 when they crowd where real samples are dense
     * @param coverage share of real samples whose ball (radius: distance to their k-th nearest real
     *     neighbour) holds at least one generated sample, in [0, 1]
     */
    public record Result(double precision, double recall, double density, double coverage) {}

    private PrecisionRecall() {}

    /**
     * @param real real features {@code [n][F]}, n &gt; k
     * @param generated generated features {@code [m][F]}, m &gt; k
     * @param k the neighbour that sets each ball's radius (Kynkäänniemi et al. use 3, Naeem et al.
     *     5; one k serves all four figures here)
     * @return precision, recall, density and coverage
     * @throws IllegalArgumentException if k &lt; 1 or a set has k points or fewer
     */
    public static Result compute(double[][] real, double[][] generated, int k) {
        if (k < 1 || real.length <= k || generated.length <= k) {
            throw new IllegalArgumentException(
                    "precision/recall with k = "
                            + k
                            + " needs more than k samples in each"
                            + " set, found "
                            + real.length
                            + " real and "
                            + generated.length
                            + " generated");
        }
        double[] realRadii = radii(real, k);
        double[] generatedRadii = radii(generated, k);
        int[] ballsHoldingEach = new int[generated.length];
        int coveredReal = 0;
        for (int i = 0; i < real.length; i++) {
            boolean covered = false;
            for (int j = 0; j < generated.length; j++) {
                if (squaredDistance(generated[j], real[i]) <= realRadii[i]) {
                    ballsHoldingEach[j]++;
                    covered = true;
                }
            }
            if (covered) {
                coveredReal++;
            }
        }
        int inRealManifold = 0;
        long memberships = 0;
        for (int count : ballsHoldingEach) {
            memberships += count;
            if (count > 0) {
                inRealManifold++;
            }
        }
        return new Result(
                (double) inRealManifold / generated.length,
                insideShare(real, generated, generatedRadii),
                (double) memberships / ((double) k * generated.length),
                (double) coveredReal / real.length);
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
                            : insideShare(classReal, classGenerated, radii(classGenerated, k));
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
     * @return squared distance to each point's k-th nearest other point
     */
    static double[] radii(double[][] points, int k) {
        double[] radii = new double[points.length];
        double[] distances = new double[points.length - 1];
        for (int i = 0; i < points.length; i++) {
            int next = 0;
            for (int j = 0; j < points.length; j++) {
                if (j != i) {
                    distances[next++] = squaredDistance(points[i], points[j]);
                }
            }
            double[] copy = distances.clone();
            Arrays.sort(copy);
            radii[i] = copy[k - 1];
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
