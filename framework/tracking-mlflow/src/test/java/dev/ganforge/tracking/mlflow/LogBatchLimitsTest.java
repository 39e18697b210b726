package dev.ganforge.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.tracking.mlflow.Tracker.KeyValue;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogBatchLimitsTest {

    @Test
    void keysKeepAllowedCharactersAndAreCutTo250() {
        assertThat(LogBatchLimits.key("model.layers")).isEqualTo("model.layers");
        assertThat(LogBatchLimits.key("a:b$c/d e-f_g")).isEqualTo("a_b_c/d e-f_g");
        assertThat(LogBatchLimits.key("/a//b/../c")).isEqualTo("_/a/_/b/_/c");
        assertThat(LogBatchLimits.key("k".repeat(300))).hasSize(250);
    }

    @Test
    void longParamValuesAreCutTo6000WithANote() {
        String cut = LogBatchLimits.paramValue("x".repeat(7000));
        assertThat(cut).hasSize(6000).endsWith("…[truncated 7000 chars]");
        assertThat(LogBatchLimits.paramValue("short")).isEqualTo("short");
    }

    @Test
    void paramsAndTagsGoInBatchesOfAtMost100EachAndUnder1Mb() {
        List<KeyValue> params =
                IntStream.range(0, 250)
                        .mapToObj(i -> new KeyValue("p" + i, "v".repeat(6000)))
                        .toList();
        List<KeyValue> tags =
                IntStream.range(0, 130).mapToObj(i -> new KeyValue("t" + i, "v")).toList();
        List<LogBatchLimits.ParamTagBatch> batches = LogBatchLimits.paramTagBatches(params, tags);
        assertThat(batches)
                .allSatisfy(
                        b -> {
                            assertThat(b.params()).hasSizeLessThanOrEqualTo(100);
                            assertThat(b.tags()).hasSizeLessThanOrEqualTo(100);
                            assertThat(
                                            b.params().stream().mapToInt(LogBatchLimits::size).sum()
                                                    + b.tags().stream()
                                                            .mapToInt(LogBatchLimits::size)
                                                            .sum())
                                    .isLessThan(1_000_000);
                        });
        assertThat(batches.stream().flatMap(b -> b.params().stream()))
                .containsExactlyElementsOf(params);
        assertThat(batches.stream().flatMap(b -> b.tags().stream()))
                .containsExactlyElementsOf(tags);
    }

    @Test
    void metricBatchesHoldAtMost1000PointsAndNeverSplitARow() {
        List<List<MetricPoint>> rows = new ArrayList<>();
        for (int step = 1; step <= 500; step++) {
            rows.add(Collections.nCopies(7, new MetricPoint("d_loss", 1, 0, step)));
        }
        List<Integer> sizes = LogBatchLimits.metricBatchSizes(rows);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
        assertThat(sizes).allMatch(n -> n * 7 <= 1000);
        assertThat(sizes.get(0)).isEqualTo(1000 / 7);
    }
}
