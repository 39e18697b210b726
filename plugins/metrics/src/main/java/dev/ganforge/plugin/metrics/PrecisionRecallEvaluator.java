package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluationSizes;
import dev.ganforge.spi.EvaluatorPlugin;
import dev.ganforge.spi.SpecField;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code precision-recall} evaluator: {@code eval/precision} (how many generated samples look
 * real) and {@code eval/recall} (how much of the real data the generator covers), both in [0, 1],
 * in the domain classifier's feature space, with the k-NN manifolds of Kynkäänniemi et al. 2019
 * (https://arxiv.org/abs/1904.06991); beside them {@code eval/density} (fidelity, about 1 for
 * samples distributed as the real data, unbounded above) and {@code eval/coverage} (diversity, in
 * [0, 1], about 0.97 at its default k of 5 for samples distributed as the real data and as many as
 * them) of Naeem et al. 2020 (https://arxiv.org/abs/2002.09797), which a few outliers cannot
 * inflate the way they inflate precision and recall; see {@link PrecisionRecall}.
 *
 * <p>For a conditional model also the recall within each class ({@link
 * PrecisionRecall#recallPerClass}): {@code eval/recall/<class>} in [0, 1], and {@code
 * eval/low_recall_classes}, how many classes recall less than {@code class_recall_floor} of their
 * real images. It names the classes whose generated samples miss their real ones, collapsed or not;
 * copies of one image under noise texture, which pass the feature-diversity check ({@code
 * health/collapsed_classes}), fall below the floor in most classes, though not in every one (recall
 * rewards spread). Measured on faces in {@code docs/quality.md}, "A per-class recall check". A
 * class with no real sample or with {@code k} generated samples or fewer is left out; if every
 * class is, neither metric is reported.
 */
public final class PrecisionRecallEvaluator
        implements EvaluatorPlugin<PrecisionRecallEvaluator.Spec> {

    /**
     * The evaluator's spec.
     *
     * @param k the neighbour whose distance is each manifold ball's radius, for precision and
     *     recall
     * @param coverageK the same for the real balls of density and coverage (Naeem et al. recommend
     *     5)
     * @param classRecallFloor a class counts in {@code eval/low_recall_classes} when its recall is
     *     below this, in [0, 1]; the default 0.2 means "at most one of ten real images"
     */
    public record Spec(
            @SpecField(doc = "k of the k-NN manifold radii", defaultValue = "3", min = 1, max = 100)
                    int k,
            @SpecField(
                            doc = "k of the real k-NN radii for density and coverage",
                            defaultValue = "5",
                            min = 1,
                            max = 100)
                    int coverageK,
            @SpecField(
                            doc =
                                    "a class counts as low-recall when its own recall is below"
                                            + " this (conditional models)",
                            defaultValue = "0.2",
                            min = 0,
                            max = 1)
                    double classRecallFloor) {}

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
        return "k-NN manifold precision, recall, density and coverage of generated vs real"
                + " classifier features";
    }

    /**
     * Refuses a {@code k} that {@link #evaluate} would reject: precision and recall need more than
     * k samples in each set. A {@code coverage_k} too large only leaves density and coverage out,
     * and a k too large for a class only leaves that class's recall out, as documented; neither is
     * refused.
     *
     * @return one problem if k ≥ the smaller set's size, else none
     */
    @Override
    public List<String> checkSizes(Spec spec, EvaluationSizes sizes) {
        int smaller = Math.min(sizes.realSamples(), sizes.generatedSamples());
        if (spec.k() < smaller) {
            return List.of();
        }
        return List.of(
                "k = "
                        + spec.k()
                        + " needs more than "
                        + spec.k()
                        + " samples in each set, and each evaluation has "
                        + sizes.realSamples()
                        + " real and "
                        + sizes.generatedSamples()
                        + " generated (evaluation.samples_per_class for each of "
                        + sizes.classes()
                        + (sizes.classes() == 1 ? " class" : " classes")
                        + "): give k below "
                        + smaller
                        + " or raise evaluation.samples_per_class");
    }

    /**
     * @return {@code eval/precision}, {@code eval/recall}, {@code eval/density} and {@code
     *     eval/coverage} (the last two only when both sets have more than {@code coverage_k}
     *     samples); for a conditional model then {@code eval/low_recall_classes} and {@code
     *     eval/recall/<class>} for every class with more than k generated samples
     * @throws IllegalArgumentException if either set has k samples or fewer
     */
    @Override
    public Map<String, Double> evaluate(Spec spec, EvaluationInput input) {
        double[][] real = input.realFeatures().toDoubleMatrix();
        double[][] generated = input.generatedFeatures().toDoubleMatrix();
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (real.length > spec.coverageK() && generated.length > spec.coverageK()) {
            PrecisionRecall.Measures measures =
                    PrecisionRecall.computeWithDensityCoverage(
                            real, generated, spec.k(), spec.coverageK());
            metrics.put("eval/precision", measures.precisionRecall().precision());
            metrics.put("eval/recall", measures.precisionRecall().recall());
            metrics.put("eval/density", measures.densityCoverage().density());
            metrics.put("eval/coverage", measures.densityCoverage().coverage());
        } else {
            PrecisionRecall.Result result = PrecisionRecall.compute(real, generated, spec.k());
            metrics.put("eval/precision", result.precision());
            metrics.put("eval/recall", result.recall());
        }
        if (input.conditional()) {
            double[] perClass =
                    PrecisionRecall.recallPerClass(
                            real,
                            input.realLabels(),
                            generated,
                            input.generatedLabels(),
                            input.numClasses(),
                            spec.k());
            Map<String, Double> byClass = new LinkedHashMap<>();
            int low = 0;
            for (int c = 0; c < perClass.length; c++) {
                if (Double.isNaN(perClass[c])) {
                    continue;
                }
                byClass.put(
                        "eval/recall/" + EvaluationInput.classMetricPart(input.classNames().get(c)),
                        perClass[c]);
                if (perClass[c] < spec.classRecallFloor()) {
                    low++;
                }
            }
            if (!byClass.isEmpty()) {
                metrics.put("eval/low_recall_classes", (double) low);
                metrics.putAll(byClass);
            }
        }
        return metrics;
    }
}
