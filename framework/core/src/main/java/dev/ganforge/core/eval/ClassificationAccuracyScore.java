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
}
