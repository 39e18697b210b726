package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluatorPlugin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code frechet-distance} evaluator: {@code eval/fd_<backbone>}, the Fréchet distance between
 * Gaussians fitted to the real and the generated features (the FID formula of Heusel et al. 2017,
 * https://arxiv.org/abs/1706.08500, on the domain classifier's features rather than InceptionV3's,
 * hence not called FID); see {@link FrechetDistance}. Lower is better; 0 for identical statistics.
 * It is biased upwards for small sample counts, so compare values computed from equal counts.
 */
public final class FrechetDistanceEvaluator
        implements EvaluatorPlugin<FrechetDistanceEvaluator.Spec> {

    /** The evaluator has no settings. */
    public record Spec() {}

    /** Creates the plugin; it holds no state. */
    public FrechetDistanceEvaluator() {}

    @Override
    public String name() {
        return "frechet-distance";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "Frechet distance between real and generated classifier features"
                + " (eval/fd_<backbone>)";
    }

    /**
     * @return {@code eval/fd_<backbone>} ≥ 0
     */
    @Override
    public Map<String, Double> evaluate(Spec spec, EvaluationInput input) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(
                "eval/fd_" + input.backbone(),
                FrechetDistance.between(
                        input.realFeatures().toDoubleMatrix(),
                        input.generatedFeatures().toDoubleMatrix()));
        return metrics;
    }
}
