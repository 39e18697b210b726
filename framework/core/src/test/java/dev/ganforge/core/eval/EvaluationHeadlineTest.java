package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console line after an evaluation puts the judging metrics first. */
class EvaluationHeadlineTest {

    @Test
    void putsTheJudgingMetricsFirstAndLeavesPerClassValuesToTheCsv() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval/label_accuracy", 0.93);
        metrics.put("eval/label_accuracy/s1", 1.0);
        metrics.put("eval/fd_ganforge_cnn", 12.5);
        metrics.put("eval/precision", 0.8);
        metrics.put("eval/recall", 0.5);
        metrics.put("eval/coverage", 0.25);
        metrics.put("eval/density", 1.125);
        metrics.put("eval/recall/s1", 0.1);
        metrics.put("eval/recall/s2", 0.9);
        metrics.put("eval/recall/s3", 0.0);
        metrics.put("eval/recall/s4", 0.1);
        metrics.put("eval/low_recall_classes", 3.0);
        metrics.put("eval/kid", 0.00123456);
        metrics.put("eval/kid_ci_low", 0.0010);
        metrics.put("eval/kid_ci_high", 0.0015);
        metrics.put("eval/cas", 0.425);
        metrics.put("eval/cas_ci_low", 0.34);
        metrics.put("eval/cas_ci_high", 0.515);
        metrics.put("eval/cas_sd", 0.05);
        metrics.put("eval/classifier_real_accuracy", 1.0);
        metrics.put("eval/classifier_real_accuracy_augmented", 0.98);
        metrics.put("eval/samples", 400.0);
        metrics.put("health/diversity_ratio/s1", 0.9);
        metrics.put("health/min_diversity_ratio", 0.3);
        metrics.put("health/collapsed_classes", 2.0);
        metrics.put("eval/custom", 7.0);

        assertThat(EvaluationHeadline.format(300, metrics))
                .isEqualTo(
                        "eval step 300: cas=0.4250 [0.3400, 0.5150] cas_sd=0.0500 kid=0.001235"
                            + " [0.001000, 0.001500] fd_ganforge_cnn=12.5000 precision=0.8000"
                            + " recall=0.5000 density=1.1250 coverage=0.2500 low_recall_classes=3"
                            + " [s3 s1 s4] label_accuracy=0.9300 collapsed_classes=2"
                            + " min_diversity_ratio=0.3000 classifier_real_accuracy=1.0000"
                            + " classifier_real_accuracy_augmented=0.9800 custom=7.0000");
    }

    @Test
    void namesAtMostSixClassesOfLowRecall() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int c = 1; c <= 10; c++) {
            metrics.put("eval/recall/s" + c, c <= 8 ? 0.0 : 0.5);
        }
        metrics.put("eval/low_recall_classes", 8.0);

        assertThat(EvaluationHeadline.format(1, metrics))
                .isEqualTo("eval step 1: low_recall_classes=8 [s1 s2 s3 s4 s5 s6 +2 more]");
        metrics.put("eval/low_recall_classes", 0.0);
        assertThat(EvaluationHeadline.format(1, metrics))
                .isEqualTo("eval step 1: low_recall_classes=0");
    }

    @Test
    void leavesOutWhatWasNotMeasured() {
        assertThat(EvaluationHeadline.format(5, Map.of("eval/fd_ganforge_cnn", 3.0)))
                .isEqualTo("eval step 5: fd_ganforge_cnn=3.0000");
        // half an interval is no interval
        Map<String, Double> halfInterval = new LinkedHashMap<>();
        halfInterval.put("eval/cas", 0.5);
        halfInterval.put("eval/cas_ci_low", 0.4);
        assertThat(EvaluationHeadline.format(5, halfInterval)).isEqualTo("eval step 5: cas=0.5000");
    }
}
