package dev.ganforge.spi;

import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evaluation set handed to every {@link EvaluatorPlugin}. Row i of each generated array belongs
 * to generated sample i; row j of each real array to real sample j. Arrays are float32 or float64,
 * read-only for evaluators.
 *
 * @param backbone the feature extractor's name, used in metric names ({@code eval/fd_<backbone>}),
 *     e.g. {@code ganforge_cnn}
 * @param classNames class names in label order (K of them)
 * @param conditional whether the generator was given the labels in {@code generatedLabels}; when
 *     false those labels carry no meaning and label metrics do not apply
 * @param realLabels the class of each real sample, length N, in [0, K)
 * @param realFeatures the classifier's penultimate-layer activations of the real images, {@code [N,
 *     F]}
 * @param generatedLabels the class each generated sample was asked for, length M, in [0, K)
 * @param generatedFeatures penultimate-layer activations of the generated images, {@code [M, F]}
 * @param generatedProbabilities the classifier's class probabilities (softmax) of the generated
 *     images, {@code [M, K]}, rows summing to 1
 */
public record EvaluationInput(
        String backbone,
        List<String> classNames,
        boolean conditional,
        int[] realLabels,
        INDArray realFeatures,
        int[] generatedLabels,
        INDArray generatedFeatures,
        INDArray generatedProbabilities) {

    /**
     * @throws IllegalArgumentException if the row counts or feature widths disagree
     */
    public EvaluationInput {
        Objects.requireNonNull(backbone, "backbone");
        classNames = List.copyOf(classNames);
        check(
                realFeatures.rank() == 2 && realFeatures.size(0) == realLabels.length,
                "realFeatures must be [" + realLabels.length + ", F]");
        check(
                generatedFeatures.rank() == 2
                        && generatedFeatures.size(0) == generatedLabels.length,
                "generatedFeatures must be [" + generatedLabels.length + ", F]");
        check(
                realFeatures.size(1) == generatedFeatures.size(1),
                "real and generated features differ in width");
        check(
                generatedProbabilities.rank() == 2
                        && generatedProbabilities.size(0) == generatedLabels.length
                        && generatedProbabilities.size(1) == classNames.size(),
                "generatedProbabilities must be ["
                        + generatedLabels.length
                        + ", "
                        + classNames.size()
                        + "]");
    }

    /**
     * @return K, the number of classes
     */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * The form a class name takes inside a per-class metric name ({@code
     * eval/label_accuracy/<class>}, {@code health/diversity_ratio/<class>}, …), so that every
     * evaluator names a class the same way and MLflow accepts the key.
     *
     * @param className a class name from the data, e.g. {@code T-shirt/top}
     * @return the name with every character other than ASCII letters, digits, '.', '_' and '-'
     *     replaced by '_', e.g. {@code T-shirt_top}
     */
    public static String classMetricPart(String className) {
        return className.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
