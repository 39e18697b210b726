package dev.ganforge.spi;

import java.util.Map;

/**
 * Computes quality metrics of a generator from a fixed evaluation set: real and generated images,
 * both also seen through the core's domain classifier (its penultimate-layer features and its class
 * probabilities). The core draws the latent vectors once from the experiment seed, so the metrics
 * of different steps and runs are comparable; it calls {@link #evaluate} every {@code
 * evaluation.every} steps, at the end of a run, and from {@code ganforge evaluate}.
 *
 * <p>Metric names are lowercase paths starting with {@code eval/}, e.g. {@code eval/precision}; a
 * metric that does not apply (label accuracy of an unconditional model) is left out, not reported
 * as NaN.
 *
 * @param <S> the evaluator's spec record
 */
public interface EvaluatorPlugin<S extends Record> extends GanPlugin<S> {

    @Override
    default PluginKind kind() {
        return PluginKind.EVALUATOR;
    }

    /**
     * @param spec the bound evaluator spec
     * @param input the evaluation set; arrays must not be modified
     * @return metric name to value, in a stable order (a {@link java.util.LinkedHashMap}); may be
     *     empty
     * @throws IllegalArgumentException if the input does not suit the evaluator (e.g. too few
     *     samples for its k)
     */
    Map<String, Double> evaluate(S spec, EvaluationInput input);
}
