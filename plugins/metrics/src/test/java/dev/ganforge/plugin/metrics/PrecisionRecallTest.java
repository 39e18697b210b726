package dev.ganforge.plugin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluationSizes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

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
    void theRealSetItselfHasDensityAndCoverageOne() {
        // each open real ball holds its own centre and its k - 1 nearest neighbours, not the k-th
        // on its boundary (no ties in a Gaussian cloud): n k memberships over k n generated points
        double[][] real = cloud(150, 0, 4);
        for (int k : new int[] {1, 3, 5}) {
            PrecisionRecall.DensityCoverage result =
                    PrecisionRecall.densityAndCoverage(real, real.clone(), k);

            assertThat(result.coverage()).isEqualTo(1.0);
            assertThat(result.density()).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void freshDrawsOfTheRealDistributionHaveDensityNearOneAndCoverageNearItsExpectation() {
        // E[density] = 1 and E[coverage] = 1 - prod_{i=1..k} (n - i) / (m + n - i), 0.969 here
        // (Naeem et al. 2020, lemmas 1 and 2)
        double[][] real = cloud(400, 0, 5);
        double[][] generated = cloud(400, 0, 6);

        PrecisionRecall.DensityCoverage result =
                PrecisionRecall.densityAndCoverage(real, generated, 5);

        assertThat(result.density()).isBetween(0.8, 1.2);
        assertThat(result.coverage()).isBetween(0.92, 1.0);
        // at k = 1 the expectation is 1 - (n - 1) / (m + n - 1), about 0.5
        assertThat(PrecisionRecall.densityAndCoverage(real, generated, 1).coverage())
                .isBetween(0.4, 0.6);
    }

    @Test
    void disjointFarCloudsHaveDensityAndCoverageZero() {
        PrecisionRecall.DensityCoverage result =
                PrecisionRecall.densityAndCoverage(cloud(200, 0, 1), cloud(200, 100, 2), 5);

        assertThat(result.density()).isZero();
        assertThat(result.coverage()).isZero();
    }

    @Test
    void aLoneGeneratedPointFoolsRecallButNotCoverage() {
        // 196 copies of one image far from the real cloud and one generated point at the cloud's
        // centre: that point's k-th nearest generated neighbour is a copy 100 away, so its ball
        // holds every real point (recall 1); coverage counts only the real points whose own small
        // ball holds a generated point, those near the centre
        double[][] real = cloud(200, 0, 7);
        Random random = new Random(8);
        double[][] generated = new double[197][];
        for (int j = 0; j < 196; j++) {
            generated[j] =
                    new double[] {
                        100 + 1e-3 * random.nextGaussian(), 1e-3 * random.nextGaussian(), 0
                    };
        }
        generated[196] = new double[] {0, 0, 0};

        assertThat(PrecisionRecall.compute(real, generated, 3).recall()).isEqualTo(1.0);
        assertThat(PrecisionRecall.densityAndCoverage(real, generated, 3).coverage())
                .isLessThan(0.1);
    }

    @Test
    void aRealOutlierFoolsPrecisionButNotDensity() {
        // one real point far from the rest: its ball reaches back to the cloud, so a generated
        // cluster placed beside it is inside the real manifold (precision 1), but every generated
        // point sits in that one ball only (density 1 / k)
        double[][] real = cloud(200, 0, 9);
        real[0] = new double[] {30, 30, 30};
        Random random = new Random(10);
        double[][] generated = new double[100][3];
        for (double[] p : generated) {
            for (int d = 0; d < 3; d++) {
                p[d] = 31 + 0.1 * random.nextGaussian();
            }
        }

        PrecisionRecall.DensityCoverage result =
                PrecisionRecall.densityAndCoverage(real, generated, 3);

        assertThat(PrecisionRecall.compute(real, generated, 3).precision()).isEqualTo(1.0);
        assertThat(result.density()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(result.coverage()).isCloseTo(1.0 / 200, within(1e-12));
    }

    @Test
    void theOnePassEqualsTheSeparateCallsForEveryPairOfK() {
        // a generated cloud shifted half a standard deviation: precision, recall, density and
        // coverage all strictly between their extremes, so a swapped radius row would show
        double[][] real = cloud(150, 0, 11);
        double[][] generated = cloud(120, 0.5, 12);
        for (int[] ks : new int[][] {{3, 5}, {5, 3}, {2, 2}, {1, 7}}) {
            PrecisionRecall.Measures both =
                    PrecisionRecall.computeWithDensityCoverage(real, generated, ks[0], ks[1]);

            assertThat(both.precisionRecall())
                    .isEqualTo(PrecisionRecall.compute(real, generated, ks[0]));
            assertThat(both.densityCoverage())
                    .isEqualTo(PrecisionRecall.densityAndCoverage(real, generated, ks[1]));
        }
        assertThatThrownBy(
                        () ->
                                PrecisionRecall.computeWithDensityCoverage(
                                        cloud(5, 0, 1), cloud(10, 0, 2), 3, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("density/coverage with k = 5");
    }

    @Test
    void rejectsSetsNoLargerThanK() {
        assertThatThrownBy(() -> PrecisionRecall.compute(cloud(3, 0, 1), cloud(10, 0, 2), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k = 3");
    }

    /**
     * n points of one class in 32 dimensions: N(offset, 1) in the first 16, N(0, 0.1²) in the last
     * 16 (where the real data hardly varies).
     */
    private static double[][] faceLikeClass(int n, double offset, Random random) {
        double[][] points = new double[n][32];
        for (double[] p : points) {
            for (int j = 0; j < 32; j++) {
                p[j] = j < 16 ? offset + random.nextGaussian() : 0.1 * random.nextGaussian();
            }
        }
        return points;
    }

    private static double meanPairwiseDistance(double[][] points) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < points.length; i++) {
            for (int j = i + 1; j < points.length; j++) {
                sum += Math.sqrt(PrecisionRecall.squaredDistance(points[i], points[j]));
                pairs++;
            }
        }
        return sum / pairs;
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static int[] labels(int first, int second) {
        int[] labels = new int[first + second];
        Arrays.fill(labels, first, labels.length, 1);
        return labels;
    }

    @Test
    void perClassRecallCatchesRepeatsThatNoiseSpreadsAsWideAsRealData() {
        // class 0 "generated": one real point repeated, each copy moved by unit noise in the
        // directions the real data does not vary in (as noise texture moves a repeated face's
        // features); class 1 "generated": fresh draws from class 1's real distribution
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            int n = 30;
            double[][] real0 = faceLikeClass(n, 0, random);
            double[][] real1 = faceLikeClass(n, 5, random);
            double[][] copies = new double[n][];
            for (int i = 0; i < n; i++) {
                copies[i] = real0[0].clone();
                for (int j = 16; j < 32; j++) {
                    copies[i][j] += random.nextGaussian();
                }
            }
            double[][] fresh = faceLikeClass(n, 5, random);

            double[] recall =
                    PrecisionRecall.recallPerClass(
                            concat(real0, real1),
                            labels(n, n),
                            concat(copies, fresh),
                            labels(n, n),
                            2,
                            3);

            // the copies are as spread as the real class (a diversity ratio near 1: 0.92–1.08
            // over 50 seeds in numpy), yet recall at most a few of its 30 real points (measured
            // 0.03–0.10), while fresh draws recall most (0.67–0.97)
            assertThat(meanPairwiseDistance(copies) / meanPairwiseDistance(real0))
                    .as("seed %d", seed)
                    .isGreaterThan(0.8);
            assertThat(recall[0]).as("seed %d", seed).isLessThanOrEqualTo(0.2);
            assertThat(recall[1]).as("seed %d", seed).isGreaterThanOrEqualTo(0.5);
        }
    }

    @Test
    void perClassRecallOfTheRealDataItselfIsOneAndNaNWhereAClassIsTooSmall() {
        Random random = new Random(4);
        // real: classes 0 and 1 with 10 points each, class 2 with 4, class 3 with none
        double[][] real =
                concat(
                        concat(faceLikeClass(10, 0, random), faceLikeClass(10, 5, random)),
                        faceLikeClass(4, 9, random));
        int[] labels = new int[24];
        Arrays.fill(labels, 10, 20, 1);
        Arrays.fill(labels, 20, 24, 2);
        // generated: the real points of classes 0 and 1, 3 points (not more than k) of class 2
        // and 5 of class 3
        double[][] generated =
                concat(
                        concat(Arrays.copyOf(real, 20), faceLikeClass(3, 9, random)),
                        faceLikeClass(5, 12, random));
        int[] generatedLabels = new int[28];
        Arrays.fill(generatedLabels, 10, 20, 1);
        Arrays.fill(generatedLabels, 20, 23, 2);
        Arrays.fill(generatedLabels, 23, 28, 3);

        double[] recall =
                PrecisionRecall.recallPerClass(real, labels, generated, generatedLabels, 4, 3);

        assertThat(recall).hasSize(4);
        assertThat(recall[0]).isEqualTo(1.0);
        assertThat(recall[1]).isEqualTo(1.0);
        assertThat(recall[2]).as("3 generated samples, k = 3").isNaN();
        assertThat(recall[3]).as("no real sample").isNaN();
        int[] twoClasses = Arrays.copyOf(labels, 20);

        // the same points asked for as the other class recall none of their own class's data
        int[] swapped = Arrays.stream(twoClasses).map(c -> 1 - c).toArray();
        double[][] twoClassReal = Arrays.copyOf(real, 20);
        double[] swappedRecall =
                PrecisionRecall.recallPerClass(
                        twoClassReal, twoClasses, twoClassReal, swapped, 2, 3);
        assertThat(swappedRecall).containsExactly(0.0, 0.0);
    }

    @Test
    void perClassRecallRejectsLabelsOutsideTheClasses() {
        double[][] points = cloud(5, 0, 1);
        assertThatThrownBy(
                        () ->
                                PrecisionRecall.recallPerClass(
                                        points,
                                        new int[] {0, 0, 0, 0, 2},
                                        points,
                                        new int[5],
                                        2,
                                        3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2 of point 4 is outside [0, 2)");
    }

    private static Map<String, Double> evaluate(
            double[][] real,
            int[] realLabels,
            double[][] generated,
            int[] generatedLabels,
            boolean conditional,
            double floor) {
        EvaluationInput input =
                new EvaluationInput(
                        "test_cnn",
                        List.of("T-shirt/top", "bag", "coat"),
                        conditional,
                        realLabels,
                        Nd4j.create(real),
                        generatedLabels,
                        Nd4j.create(generated),
                        Nd4j.ones(generated.length, 3).divi(3));
        return new PrecisionRecallEvaluator()
                .evaluate(new PrecisionRecallEvaluator.Spec(3, 5, floor), input);
    }

    @Test
    void evaluatorReportsRecallPerClassAndCountsTheClassesBelowTheFloor() {
        Random random = new Random(9);
        // real: 10 points of each class; generated: "T-shirt/top" far from its real data, "bag"
        // drawn from its own, "coat" only 3 samples (not more than k: left out)
        double[][] real =
                concat(
                        concat(faceLikeClass(10, 0, random), faceLikeClass(10, 5, random)),
                        faceLikeClass(10, 10, random));
        int[] realLabels = new int[30];
        Arrays.fill(realLabels, 10, 20, 1);
        Arrays.fill(realLabels, 20, 30, 2);
        double[][] generated =
                concat(
                        concat(faceLikeClass(10, 40, random), faceLikeClass(10, 5, random)),
                        faceLikeClass(3, 10, random));
        int[] generatedLabels = new int[23];
        Arrays.fill(generatedLabels, 10, 20, 1);
        Arrays.fill(generatedLabels, 20, 23, 2);

        Map<String, Double> metrics =
                evaluate(real, realLabels, generated, generatedLabels, true, 0.2);

        assertThat(metrics)
                .containsOnlyKeys(
                        "eval/precision",
                        "eval/recall",
                        "eval/density",
                        "eval/coverage",
                        "eval/low_recall_classes",
                        "eval/recall/T-shirt_top",
                        "eval/recall/bag");
        PrecisionRecall.DensityCoverage whole =
                PrecisionRecall.densityAndCoverage(real, generated, 5);
        assertThat(metrics.get("eval/density")).isEqualTo(whole.density());
        assertThat(metrics.get("eval/coverage")).isEqualTo(whole.coverage());
        // no "T-shirt/top" real point is covered (its samples are far off), so at most the other 20
        assertThat(whole.coverage()).isLessThanOrEqualTo(20.0 / 30);
        assertThat(metrics.get("eval/recall/T-shirt_top")).isZero();
        double bag = metrics.get("eval/recall/bag");
        assertThat(bag).isGreaterThanOrEqualTo(0.5);
        assertThat(metrics.get("eval/low_recall_classes")).isEqualTo(1.0);
        // a class counts only strictly below the floor
        assertThat(
                        evaluate(real, realLabels, generated, generatedLabels, true, bag)
                                .get("eval/low_recall_classes"))
                .isEqualTo(1.0);
        assertThat(
                        evaluate(real, realLabels, generated, generatedLabels, true, bag + 1e-9)
                                .get("eval/low_recall_classes"))
                .isEqualTo(2.0);
        // unconditional: the labels mean nothing, so no per-class metric
        assertThat(evaluate(real, realLabels, generated, generatedLabels, false, 0.2))
                .containsOnlyKeys("eval/precision", "eval/recall", "eval/density", "eval/coverage");
    }

    @Test
    void evaluatorLeavesOutDensityAndCoverageWhenASetHasNoMoreThanCoverageKSamples() {
        Random random = new Random(11);
        double[][] real = faceLikeClass(5, 0, random); // k = 3 < 5 = coverage_k
        double[][] generated = faceLikeClass(12, 0, random);
        EvaluationInput input =
                new EvaluationInput(
                        "test",
                        List.of("a"),
                        false,
                        new int[5],
                        Nd4j.create(real),
                        new int[12],
                        Nd4j.create(generated),
                        Nd4j.ones(12, 1));

        assertThat(
                        new PrecisionRecallEvaluator()
                                .evaluate(new PrecisionRecallEvaluator.Spec(3, 5, 0.2), input))
                .containsOnlyKeys("eval/precision", "eval/recall");
        assertThat(
                        new PrecisionRecallEvaluator()
                                .evaluate(new PrecisionRecallEvaluator.Spec(3, 4, 0.2), input))
                .containsKeys("eval/density", "eval/coverage");
    }

    @Test
    void evaluatorLeavesOutTheCountWhenNoClassHasMoreThanKSamples() {
        Random random = new Random(10);
        double[][] real = concat(faceLikeClass(10, 0, random), faceLikeClass(10, 5, random));
        double[][] generated =
                concat(
                        concat(faceLikeClass(3, 0, random), faceLikeClass(3, 5, random)),
                        faceLikeClass(3, 10, random));
        int[] generatedLabels = {0, 0, 0, 1, 1, 1, 2, 2, 2};

        assertThat(evaluate(real, labels(10, 10), generated, generatedLabels, true, 0.2))
                .containsOnlyKeys("eval/precision", "eval/recall", "eval/density", "eval/coverage");
    }

    @Test
    void checkSizesRefusesExactlyTheKsThatEvaluateWouldReject() {
        PrecisionRecallEvaluator evaluator = new PrecisionRecallEvaluator();
        // 5 real (one class short of samples_per_class) and 6 generated: k must stay below 5
        EvaluationSizes sizes = new EvaluationSizes(5, 6, 2, true);

        assertThat(evaluator.checkSizes(new PrecisionRecallEvaluator.Spec(4, 5, 0.2), sizes))
                .isEmpty(); // coverage_k 5 only leaves density and coverage out
        assertThat(evaluator.checkSizes(new PrecisionRecallEvaluator.Spec(5, 5, 0.2), sizes))
                .singleElement()
                .asString()
                .contains("k = 5")
                .contains("5 real and 6 generated")
                .contains("2 classes")
                .contains("give k below 5");

        // the boundary agrees with evaluate: k = 4 evaluates sets of 5 and 6, k = 5 throws
        Random random = new Random(12);
        EvaluationInput input =
                new EvaluationInput(
                        "test",
                        List.of("a", "b"),
                        true,
                        new int[] {0, 0, 0, 1, 1},
                        Nd4j.create(faceLikeClass(5, 0, random)),
                        new int[] {0, 0, 0, 1, 1, 1},
                        Nd4j.create(faceLikeClass(6, 0, random)),
                        Nd4j.ones(6, 2).divi(2));
        assertThat(evaluator.evaluate(new PrecisionRecallEvaluator.Spec(4, 5, 0.2), input))
                .containsKeys("eval/precision", "eval/recall");
        assertThatThrownBy(
                        () ->
                                evaluator.evaluate(
                                        new PrecisionRecallEvaluator.Spec(5, 5, 0.2), input))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
