package dev.ganforge.spi;

/**
 * How large the sets of every evaluation of a run will be, known before any training: what {@link
 * EvaluatorPlugin#checkSizes} judges its settings against.
 *
 * @param realSamples N, the real reference samples ({@code evaluation.samples_per_class} per class
 *     at most, fewer for a class with fewer images), at least 1
 * @param generatedSamples M, the generated samples (K · {@code evaluation.samples_per_class}), at
 *     least 1
 * @param classes K, at least 1
 * @param conditional whether the generator takes labels (per-class metrics apply)
 */
public record EvaluationSizes(
        int realSamples, int generatedSamples, int classes, boolean conditional) {

    /**
     * @throws IllegalArgumentException if a count is below 1
     */
    public EvaluationSizes {
        if (realSamples < 1 || generatedSamples < 1 || classes < 1) {
            throw new IllegalArgumentException(
                    "evaluation sizes must be at least 1, got "
                            + realSamples
                            + " real, "
                            + generatedSamples
                            + " generated, "
                            + classes
                            + " classes");
        }
    }
}
