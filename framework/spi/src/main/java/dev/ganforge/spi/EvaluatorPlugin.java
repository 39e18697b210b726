package dev.ganforge.spi;

import java.util.List;
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

    /**
     * Judges the evaluator's settings against the sizes of the sets it will get, before any
     * training, so that a run is refused at its start rather than failing at its first evaluation
     * hours later. The core prefixes each problem with the evaluator's place in the spec ({@code
     * evaluation.evaluators[i]}) and refuses the run (or {@code ganforge evaluate}) with all of
     * them.
     *
     * @param spec the bound evaluator spec
     * @param sizes the sizes of every evaluation set of the run
     * @return problems, each naming the key, its value, the sizes and what would fit; empty (the
     *     default) when {@link #evaluate} accepts sets of these sizes
     */
    default List<String> checkSizes(S spec, EvaluationSizes sizes) {
        return List.of();
    }
}
