package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluatorPlugin;
import dev.ganforge.spi.SpecField;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code kid} evaluator: {@code eval/kid}, the unbiased squared MMD with the cubic polynomial
 * kernel between the real and the generated features of the domain classifier (the KID estimator of
 * Bińkowski et al. 2018, https://arxiv.org/abs/1801.01401, on {@code input.backbone()} features
 * rather than InceptionV3's), and {@code eval/kid_ci_low}, {@code eval/kid_ci_high}, the ends of a
 * percentile bootstrap interval at {@code level} (90 % by default); see {@link KernelDistance}.
 * Lower is better; about 0 (within the interval) for equal distributions. Unbiased, so it suits
 * small sets such as 10 images per class, where the Fréchet distance is inflated and unstable.
 */
public final class KernelDistanceEvaluator
        implements EvaluatorPlugin<KernelDistanceEvaluator.Spec> {

    /**
     * The evaluator's spec.
     *
     * @param bootstrap bootstrap replicates of the interval, 0 for none (then the interval ends are
     *     NaN)
     * @param level the interval's coverage, e.g. 0.9 for the 5th to the 95th percentile
     * @param seed seeds the bootstrap resampling
     */
    public record Spec(
            @SpecField(
                            doc = "bootstrap replicates of the confidence interval (0: none)",
                            defaultValue = "200",
                            min = 0,
                            max = 100000)
                    int bootstrap,
            @SpecField(
                            doc = "coverage of the confidence interval",
                            defaultValue = "0.9",
                            min = 0.5,
                            max = 0.999)
                    double level,
            @SpecField(doc = "seed of the bootstrap resampling", defaultValue = "1") int seed) {}

    /** Creates the plugin; it holds no state. */
    public KernelDistanceEvaluator() {}

    @Override
    public String name() {
        return "kid";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "kernel (KID) distance of real and generated classifier features, with a bootstrap"
                + " interval (eval/kid, eval/kid_ci_low, eval/kid_ci_high)";
    }

    /**
     * @return {@code eval/kid}, {@code eval/kid_ci_low} and {@code eval/kid_ci_high}
     * @throws IllegalArgumentException if either set has fewer than 2 samples
     */
    @Override
    public Map<String, Double> evaluate(Spec spec, EvaluationInput input) {
        KernelDistance.Result result =
                KernelDistance.withInterval(
                        input.realFeatures().toDoubleMatrix(),
                        input.generatedFeatures().toDoubleMatrix(),
                        spec.bootstrap(),
                        spec.level(),
                        spec.seed());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval/kid", result.estimate());
        metrics.put("eval/kid_ci_low", result.low());
        metrics.put("eval/kid_ci_high", result.high());
        return metrics;
    }
}
