package dev.ganforge.core.eval;

import dev.ganforge.core.spec.AugmentationSpec;
import dev.ganforge.core.spec.ClassificationAccuracyScoreSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Classification Accuracy Score (Ravuri &amp; Vinyals 2019, https://arxiv.org/abs/1905.10887): the
 * accuracy on real held-out images of a classifier trained only on generated images, each labelled
 * with the class it was generated for. A generator scores well only if each class's samples carry
 * what distinguishes that class in real images and cover its variety: samples a classifier can be
 * fooled by (texture), samples of the wrong class, and a class collapsed to one image all lower it.
 * The classifier has the domain classifier's architecture ({@link DomainClassifier#build}) and is
 * trained with {@link ClassifierTraining#fit} and the same augmentation; weights, shuffles and
 * augmentation come from the seed, so equal inputs give equal scores.
 */
public final class ClassificationAccuracyScore {

    private ClassificationAccuracyScore() {}

    /**
     * The version of this protocol (the classifier's architecture, its training in {@link
     * ClassifierTraining#fit}, the augmentation, the seeding), part of the key under which {@code
     * eval/cas_real} is cached on disk ({@link ScoreCache}). Bump it with any change to them that
     * changes scores, so that a cached ceiling is never read against a score of another protocol.
     */
    public static final String PROTOCOL = "cas-v1";

    /**
     * @param generated generated images {@code [M, C, H, W]} in [-1, 1], M ≥ 1
     * @param labels the class each was generated for, length M, in [0, K)
     * @param classNames the K class names
     * @param realImages held-out real images {@code [N, C, H, W]} in [-1, 1]
     * @param realLabels their classes, length N
     * @param spec epochs, batch size and learning rate
     * @param augmentation the transformations of the training batches
     * @param seed seeds the weights, the shuffles and the augmentation
     * @param progress told after each update of the classifier's training
     * @param task the name it is told, e.g. {@code "eval/cas"}
     * @return the share of real images classified right, in [0, 1]; NaN if N = 0
     * @throws IllegalArgumentException if the arrays disagree in length or shape
     * @throws java.util.concurrent.CancellationException from {@code progress}
     */
    public static double score(
            INDArray generated,
            int[] labels,
            List<String> classNames,
            INDArray realImages,
            int[] realLabels,
            ClassificationAccuracyScoreSpec spec,
            AugmentationSpec augmentation,
            long seed,
            WorkProgress progress,
            String task) {
        if (generated.rank() != 4
                || generated.size(0) != labels.length
                || labels.length == 0
                || realImages.size(0) != realLabels.length) {
            throw new IllegalArgumentException(
                    "CAS needs generated images [M, C, H, W] with M = "
                            + labels.length
                            + " labels and real images [N, C, H, W] with N = "
                            + realLabels.length
                            + " labels");
        }
        if (realLabels.length == 0) {
            return Double.NaN;
        }
        ImageShape shape =
                new ImageShape(
                        (int) generated.size(1), (int) generated.size(2), (int) generated.size(3));
        int classes = classNames.size();
        MultiLayerNetwork network =
                DomainClassifier.build(shape, classes, spec.learningRate(), seed);
        ClassifierTraining.fit(
                network,
                generated,
                labels,
                IntStream.range(0, labels.length).toArray(),
                classes,
                Math.min(spec.batchSize(), labels.length),
                spec.epochs(),
                augmentation,
                seed ^ 0x636173L,
                progress,
                task);
        return ClassifierTraining.accuracy(
                new DomainClassifier(network, Double.NaN, Double.NaN, classNames),
                realImages,
                realLabels);
    }

    /** z of a two-sided 90 % normal interval (the 95th percentile), KID's default level. */
    public static final double Z_90 = 1.6448536269514722;

    /**
     * The Wilson score interval of a proportion (E. B. Wilson, "Probable inference, the law of
     * succession, and statistical inference", JASA 22, 1927; https://doi.org/10.2307/2276774): a
     * confidence interval for the trained classifier's accuracy on all images like the n test
     * images, of which the test set is a sample. It leaves out the spread from the classifier's own
     * training, so two scores on the same test set can differ by more than it suggests.
     *
     * @param accuracy the share right, in [0, 1] (for several classifiers tested on the same
     *     images, their mean: the interval then covers the test images' part of its uncertainty)
     * @param n the test images, n ≥ 1
     * @param z the normal quantile of the level, e.g. {@link #Z_90}
     * @return {low, high}, within [0, 1], low ≤ accuracy ≤ high
     * @throws IllegalArgumentException if accuracy is outside [0, 1], n &lt; 1 or z ≤ 0
     */
    public static double[] wilsonInterval(double accuracy, int n, double z) {
        if (!(accuracy >= 0 && accuracy <= 1) || n < 1 || !(z > 0)) {
            throw new IllegalArgumentException(
                    "Wilson interval needs an accuracy in [0, 1], n >= 1 and z > 0, found "
                            + accuracy
                            + ", "
                            + n
                            + ", "
                            + z);
        }
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (accuracy + z2 / (2.0 * n)) / denominator;
        double half =
                z * Math.sqrt(accuracy * (1 - accuracy) / n + z2 / (4.0 * n * n)) / denominator;
        // exact ends at 0 and 1, where rounding would leave 1e-17 above 0 or below 1
        double low = accuracy == 0 ? 0 : Math.max(0, centre - half);
        double high = accuracy == 1 ? 1 : Math.min(1, centre + half);
        return new double[] {low, high};
    }
}
