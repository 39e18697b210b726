package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep metric is read from metrics.csv columns and from eval.csv's long format. */
class FinalMetricTest {

    @TempDir Path run;

    @Test
    void readsTheLastValueOfAMetricsColumnAndOfAnEvaluationMetric() throws Exception {
        Files.writeString(
                run.resolve("metrics.csv"),
                "step,epoch,d_loss,g_loss\n10,0,1.5,0.9\n20,0,1.25,0.75\n");
        Files.writeString(
                run.resolve("eval.csv"),
                "step,metric,value,timestamp_ms\n"
                        + "10,eval/label_accuracy,0.5,1\n10,eval/fd_ganforge_cnn,30.0,1\n"
                        + "20,eval/label_accuracy,0.8,2\n20,eval/fd_ganforge_cnn,NaN,2\n");

        assertThat(FinalMetric.read(run, "g_loss")).isEqualTo(0.75);
        assertThat(FinalMetric.read(run, "eval/label_accuracy")).isEqualTo(0.8);
        // the last value is NaN: no value, not step 10's stale 30.0
        assertThat(FinalMetric.read(run, "eval/fd_ganforge_cnn")).isNull();
        assertThat(FinalMetric.read(run, "eval/precision")).isNull();
    }

    @Test
    void summaryPicksTheBestByGoalAndSpreadsOverSeeds() {
        var a = new TrialState("a", Map.of("seed", "1"), "FINISHED", 1, 0.5, null);
        var b = new TrialState("b", Map.of("seed", "2"), "FINISHED", 1, 0.9, null);
        var c = new TrialState("c", Map.of("seed", "3"), "FAILED", 2, null, "exit code 1");

        SweepSummary maximize = SweepSummary.of(List.of(a, b, c), SweepSpec.Goal.MAXIMIZE);
        SweepSummary minimize = SweepSummary.of(List.of(a, b, c), SweepSpec.Goal.MINIMIZE);

        assertThat(maximize.best())
                .hasValueSatisfying(best -> assertThat(best.id()).isEqualTo("b"));
        assertThat(minimize.best())
                .hasValueSatisfying(best -> assertThat(best.id()).isEqualTo("a"));
        assertThat(maximize.finished()).isEqualTo(2);
        assertThat(maximize.failed()).isEqualTo(1);
        SweepSummary.Spread spread = maximize.seedSpread().get("{}");
        assertThat(spread.mean()).isEqualTo(0.7, Assertions.within(1e-12));
        assertThat(spread.min()).isEqualTo(0.5);
        assertThat(spread.max()).isEqualTo(0.9);
        assertThat(spread.count()).isEqualTo(2);
    }
}
