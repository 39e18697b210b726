package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluatorPlugin;
import dev.ganforge.spi.SpecField;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code precision-recall} evaluator: {@code eval/precision} (how many generated samples look
 * real) and {@code eval/recall} (how much of the real data the generator covers), both in [0, 1],
 * in the domain classifier's feature space, with the k-NN manifolds of Kynkäänniemi et al. 2019
 * (https://arxiv.org/abs/1904.06991); see {@link PrecisionRecall}.
 */
public final class PrecisionRecallEvaluator
        implements EvaluatorPlugin<PrecisionRecallEvaluator.Spec> {

    /**
     * The evaluator's spec.
     *
     * @param k the neighbour whose distance is each manifold ball's radius
     */
    public record Spec(
            @SpecField(doc = "k of the k-NN manifold radii", defaultValue = "3", min = 1, max = 100)
                    int k) {}

    /** Creates the plugin; it holds no state. */
    public PrecisionRecallEvaluator() {}

    @Override
    public String name() {
        return "precision-recall";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "k-NN manifold precision and recall of generated vs real classifier features";
    }

    /**
     * @return {@code eval/precision} and {@code eval/recall}
     * @throws IllegalArgumentException if either set has k samples or fewer
     */
    @Override
    public Map<String, Double> evaluate(Spec spec, EvaluationInput input) {
        PrecisionRecall.Result result =
                PrecisionRecall.compute(
                        input.realFeatures().toDoubleMatrix(),
                        input.generatedFeatures().toDoubleMatrix(),
                        spec.k());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval/precision", result.precision());
        metrics.put("eval/recall", result.recall());
        return metrics;
    }
}
