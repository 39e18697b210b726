package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluatorPlugin;
import dev.ganforge.spi.SpecField;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code label-accuracy} evaluator: does a conditional generator obey its labels? For each
 * class, the share of samples generated for it that the domain classifier assigns to it (arg-max of
 * the softmax); {@code eval/label_accuracy} is the macro average over classes, and {@code
 * eval/label_accuracy/<class>} the per-class values (characters other than letters, digits, '.',
 * '_' and '-' in class names become '_'). A generator that ignores its labels scores 1/K on
 * average, whatever it draws. Nothing is reported for an unconditional model.
 */
public final class LabelAccuracyEvaluator implements EvaluatorPlugin<LabelAccuracyEvaluator.Spec> {

    /**
     * The evaluator's spec.
     *
     * @param perClass also report one metric per class
     */
    public record Spec(
            @SpecField(doc = "also report eval/label_accuracy/<class>", defaultValue = "true")
                    boolean perClass) {}

    /** Creates the plugin; it holds no state. */
    public LabelAccuracyEvaluator() {}

    @Override
    public String name() {
        return "label-accuracy";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "share of generated samples the domain classifier assigns to their label (macro and"
                + " per class)";
    }

    /**
     * @return {@code eval/label_accuracy} in [0, 1] and, if asked, per-class values; empty if
     *     unconditional
     */
    @Override
    public Map<String, Double> evaluate(Spec spec, EvaluationInput input) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!input.conditional()) {
            return metrics;
        }
        int classes = input.numClasses();
        int[] asked = new int[classes];
        int[] hits = new int[classes];
        INDArray predicted = input.generatedProbabilities().argMax(1);
        for (int i = 0; i < input.generatedLabels().length; i++) {
            int label = input.generatedLabels()[i];
            asked[label]++;
            if (predicted.getInt(i) == label) {
                hits[label]++;
            }
        }
        double sum = 0;
        int present = 0;
        Map<String, Double> perClass = new LinkedHashMap<>();
        for (int k = 0; k < classes; k++) {
            if (asked[k] == 0) {
                continue;
            }
            double accuracy = (double) hits[k] / asked[k];
            sum += accuracy;
            present++;
            perClass.put(
                    "eval/label_accuracy/"
                            + EvaluationInput.classMetricPart(input.classNames().get(k)),
                    accuracy);
        }
        metrics.put("eval/label_accuracy", present == 0 ? Double.NaN : sum / present);
        if (spec.perClass()) {
            metrics.putAll(perClass);
        }
        return metrics;
    }
}
