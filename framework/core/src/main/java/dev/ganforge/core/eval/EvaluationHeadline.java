package dev.ganforge.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one console line printed after each evaluation: the metrics that judge a generator first (CAS
 * with its interval, its spread over classifiers and its real-image ceiling, KID with its interval,
 * Fréchet distance, precision, recall, density, coverage, label accuracy, classes of low recall,
 * collapsed classes), then the health and classifier figures, then any other evaluator's metrics.
 * Per-class metrics ({@code eval/label_accuracy/<class>}) and sample counts stay in {@code
 * eval.csv} only.
 */
public final class EvaluationHeadline {

    private static final List<String> ORDER =
            List.of(
                    "eval/cas",
                    "eval/cas_sd",
                    "eval/cas_real",
                    "eval/kid",
                    "eval/fd_",
                    "eval/precision",
                    "eval/recall",
                    "eval/density",
                    "eval/coverage",
                    "eval/low_recall_classes",
                    "eval/label_accuracy",
                    "health/collapsed_classes",
                    "health/min_diversity_ratio",
                    "health/d_real",
                    "health/d_fake",
                    "eval/classifier_real_accuracy",
                    "eval/classifier_real_accuracy_augmented");

    private static final List<String> COUNTS =
            List.of("eval/low_recall_classes", "health/collapsed_classes");

    private static final List<String> HIDDEN =
            List.of(
                    "eval/kid_ci_low",
                    "eval/kid_ci_high",
                    "eval/cas_ci_low",
                    "eval/cas_ci_high",
                    "eval/samples",
                    "eval/real_samples");

    /** Metrics shown with their interval, {@code <metric>_ci_low} to {@code <metric>_ci_high}. */
    private static final List<String> INTERVALS = List.of("eval/cas", "eval/kid");

    private static final String PER_CLASS_RECALL = "eval/recall/";
    private static final int LISTED = 6;

    private EvaluationHeadline() {}

    /**
     * @param step the evaluated step
     * @param metrics metric name to value, as written to eval.csv
     * @return e.g. {@code eval step 300: cas=0.4250 [0.3380, 0.5169] kid=0.0123 [0.0101, 0.0150]
     *     fd_ganforge_cnn=…} with the {@code eval/} and {@code health/} prefixes dropped; absent
     *     metrics are left out
     */
    public static String format(long step, Map<String, Double> metrics) {
        List<String> keys = new ArrayList<>();
        for (String wanted : ORDER) {
            for (String key : metrics.keySet()) {
                boolean match = wanted.endsWith("_") ? key.startsWith(wanted) : key.equals(wanted);
                if (match && !keys.contains(key)) {
                    keys.add(key);
                }
            }
        }
        for (String key : metrics.keySet()) {
            boolean perClass = key.indexOf('/') != key.lastIndexOf('/');
            if (!keys.contains(key) && !perClass && !HIDDEN.contains(key)) {
                keys.add(key);
            }
        }
        StringBuilder line = new StringBuilder("eval step ").append(step).append(':');
        for (String key : keys) {
            line.append(' ')
                    .append(key.substring(key.indexOf('/') + 1))
                    .append('=')
                    .append(number(key, metrics.get(key)));
            if (key.equals("eval/low_recall_classes")) {
                line.append(lowRecallNames(metrics));
            }
            if (INTERVALS.contains(key)
                    && metrics.containsKey(key + "_ci_low")
                    && metrics.containsKey(key + "_ci_high")) {
                line.append(" [")
                        .append(number(key, metrics.get(key + "_ci_low")))
                        .append(", ")
                        .append(number(key, metrics.get(key + "_ci_high")))
                        .append(']');
            }
        }
        return line.toString();
    }

    /**
     * @return e.g. {@code " [s1 s2 s15 s31]"}: the classes counted in {@code
     *     eval/low_recall_classes} ({@link #lowRecallClasses}), the first {@value #LISTED} of them,
     *     then how many more; empty if none
     */
    private static String lowRecallNames(Map<String, Double> metrics) {
        List<String> classes = lowRecallClasses(metrics);
        if (classes.isEmpty()) {
            return "";
        }
        StringBuilder names = new StringBuilder(" [");
        for (int i = 0; i < Math.min(classes.size(), LISTED); i++) {
            names.append(i == 0 ? "" : " ").append(classes.get(i));
        }
        if (classes.size() > LISTED) {
            names.append(" +").append(classes.size() - LISTED).append(" more");
        }
        return names.append(']').toString();
    }

    /**
     * The classes counted in {@code eval/low_recall_classes}: those with the lowest {@code
     * eval/recall/<class>}, worst first (classes of equal recall in the order of the map). Sound
     * because the evaluator counts the classes below one floor, and every class below it recalls
     * less than every class above it, and no two class names give the same metric name (a dataset
     * where they would is refused when it is loaded).
     *
     * @param metrics one evaluation's metrics
     * @return the {@code <class>} parts of those metric names ({@link
     *     dev.ganforge.spi.EvaluationInput#classMetricPart}), worst first; empty if the metrics
     *     have no {@code eval/low_recall_classes}, it is 0, or fewer per-class recalls than it
     *     counts are present
     */
    public static List<String> lowRecallClasses(Map<String, Double> metrics) {
        Double counted = metrics.get("eval/low_recall_classes");
        int count = counted == null ? 0 : (int) Math.round(counted);
        List<Map.Entry<String, Double>> perClass = new ArrayList<>();
        for (Map.Entry<String, Double> entry : metrics.entrySet()) {
            if (entry.getKey().startsWith(PER_CLASS_RECALL)) {
                perClass.add(entry);
            }
        }
        if (count <= 0 || perClass.size() < count) {
            return List.of();
        }
        // stable: classes of equal recall keep their order
        perClass.sort(Map.Entry.comparingByValue());
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            classes.add(perClass.get(i).getKey().substring(PER_CLASS_RECALL.length()));
        }
        return classes;
    }

    private static String number(String key, double value) {
        if (COUNTS.contains(key) && value == Math.rint(value)) {
            return String.valueOf((long) value);
        }
        // KID values are often below 1e-3: keep 4 significant digits there
        String format = key.startsWith("eval/kid") && Math.abs(value) < 0.1 ? "%.4g" : "%.4f";
        return String.format(Locale.ROOT, format, value);
    }
}
