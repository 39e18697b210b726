package dev.ganforge.core.spec;

import dev.ganforge.config.PluginSection;
import dev.ganforge.config.SelectsPlugin;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.spi.SpecField;
import java.util.List;

/**
 * The optional {@code evaluation:} section: when and how a run's generator is evaluated, which
 * evaluator plugins compute metrics, the domain classifier they use, training-health limits and the
 * best-checkpoint rule. Absent means no evaluation during training.
 *
 * @param every evaluate every this many steps (and once at the end)
 * @param samplesPerClass generated samples per class (and at most this many real ones per class);
 *     an unconditional model gets the same total, K·samplesPerClass. Small counts bias the Fréchet
 *     distance upwards
 * @param evaluators the evaluator plugin sections, run in order
 * @param classifier how the domain classifier is trained and where it is cached
 * @param cas the Classification Accuracy Score's classifier ({@code eval/cas})
 * @param bestMetric keep {@code checkpoints/best/} for the best value of this metric, e.g. {@code
 *     eval/fd_ganforge_cnn}; null for no best checkpoint
 * @param goal whether {@code bestMetric} is better when smaller or larger
 * @param stopOnUnhealthy stop the run as FAILED when a health signal fires
 * @param saturationMargin D counts as saturated when D(x) &gt; 1 - margin and D(G(z)) &lt; margin
 * @param saturationEvaluations ... on this many consecutive evaluations
 * @param collapseRatio a class counts as collapsed when the mean pairwise feature distance of its
 *     generated samples is below this fraction of the real samples' one. On ORL faces through the
 *     augmented classifier, one face plus Gaussian noise (σ 0.05) per person measured ratios of
 *     0.06–0.25 and held-out real faces 0.70–1.41, hence the default 0.4 (it was 0.2, which let
 *     such near-duplicates pass in some classes)
 */
public record EvaluationSpec(
        @SpecField(
                        doc = "steps between evaluations (one more at the end)",
                        defaultValue = "200",
                        min = 1)
                int every,
        @SpecField(
                        doc = "generated samples per class (also the most real samples per class)",
                        defaultValue = "100",
                        min = 4,
                        max = 100000)
                int samplesPerClass,
        @SelectsPlugin(PluginKind.EVALUATOR)
                @SpecField(
                        doc = "evaluator plugin sections, run in order",
                        defaultValue =
                                "[{type: label-accuracy}, {type: frechet-distance}, {type:"
                                        + " precision-recall}]")
                List<PluginSection> evaluators,
        @SpecField(doc = "domain classifier training and cache", defaultValue = "{}")
                ClassifierSpec classifier,
        @SpecField(
                        doc =
                                "classification accuracy score: a classifier trained on generated"
                                        + " samples, tested on held-out real images",
                        defaultValue = "{}")
                ClassificationAccuracyScoreSpec cas,
        @SpecField(
                        doc = "metric that selects checkpoints/best/, e.g. eval/fd_ganforge_cnn",
                        optional = true)
                String bestMetric,
        @SpecField(doc = "minimize or maximize best_metric", defaultValue = "minimize") Goal goal,
        @SpecField(
                        doc = "stop the run as FAILED when D saturates or a class collapses",
                        defaultValue = "false")
                boolean stopOnUnhealthy,
        @SpecField(
                        doc = "D is saturated when D(x) > 1 - margin and D(G(z)) < margin",
                        defaultValue = "0.05",
                        min = 0,
                        max = 0.5)
                double saturationMargin,
        @SpecField(
                        doc = "consecutive saturated evaluations before D saturation is reported",
                        defaultValue = "3",
                        min = 1)
                int saturationEvaluations,
        @SpecField(
                        doc =
                                "a class collapses when its generated diversity is below this share"
                                        + " of the real one",
                        defaultValue = "0.4",
                        min = 0,
                        max = 1)
                double collapseRatio) {

    /** Whether a metric is better small or large. */
    public enum Goal {
        /** Smaller is better (Fréchet distance). */
        MINIMIZE,
        /** Larger is better (label accuracy, precision, recall). */
        MAXIMIZE;

        /**
         * @param candidate a new value
         * @param best the best so far, or NaN if none
         * @return whether {@code candidate} is finite and strictly better than {@code best}
         */
        public boolean improves(double candidate, double best) {
            if (!Double.isFinite(candidate)) {
                return false;
            }
            return Double.isNaN(best) || (this == MINIMIZE ? candidate < best : candidate > best);
        }
    }

    /**
     * @throws IllegalArgumentException if best_metric does not start with eval/
     */
    public EvaluationSpec {
        evaluators = List.copyOf(evaluators);
        if (bestMetric != null && !bestMetric.startsWith("eval/")) {
            throw new IllegalArgumentException(
                    "'best_metric' must name an eval/ metric, e.g. eval/fd_ganforge_cnn;"
                            + " found '"
                            + bestMetric
                            + "'");
        }
    }
}
