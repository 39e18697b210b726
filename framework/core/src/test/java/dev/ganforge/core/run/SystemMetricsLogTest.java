package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.runtime.SystemSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** system.csv: values round-trip, a resume appends, and timestamps never repeat. */
class SystemMetricsLogTest {

    @TempDir Path folder;

    private static SystemSample sample(double base) {
        return new SystemSample(
                base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7);
    }

    @Test
    void rowsRoundTripWithTheirStepTimestampAndOneDecimal() throws IOException {
        Path file = folder.resolve("system.csv");
        try (SystemMetricsLog log = new SystemMetricsLog(file)) {
            log.append(0, sample(12.34), 1_700_000_000_000L);
            log.append(40, sample(56.78), 1_700_000_010_000L);
        }

        List<String> lines = Files.readAllLines(file);

        assertThat(lines.get(0)).isEqualTo(SystemMetricsLog.HEADER);
        assertThat(List.of(lines.get(0).split(",")))
                .startsWith("step")
                .endsWith("timestamp_ms")
                .containsAll(SystemSample.NAMES);
        assertThat(lines).hasSize(3);
        String[] row = lines.get(2).split(",");
        assertThat(row[0]).isEqualTo("40");
        assertThat(row[row.length - 1]).isEqualTo("1700000010000");
        double[] expected = sample(56.78).values();
        for (int i = 0; i < expected.length; i++) {
            assertThat(Double.parseDouble(row[i + 1]))
                    .as(SystemSample.NAMES.get(i))
                    .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(0.05));
        }
    }

    @Test
    void anUnknownValueIsAnEmptyCell() throws IOException {
        Path file = folder.resolve("system.csv");
        try (SystemMetricsLog log = new SystemMetricsLog(file)) {
            log.append(3, new SystemSample(1, 2, 3, Double.NaN, 5, 6, 7, 8), 1_700_000_000_000L);
        }

        String[] row = Files.readAllLines(file).get(1).split(",", -1);

        assertThat(row).hasSize(SystemSample.NAMES.size() + 2);
        assertThat(row[1 + SystemSample.NAMES.indexOf("process_rss_megabytes")]).isEmpty();
        assertThat(row[1 + SystemSample.NAMES.indexOf("jvm_heap_used_megabytes")]).isEqualTo("5.0");
    }

    @Test
    void aResumeAppendsDropsATornRowAndKeepsTimestampsIncreasing() throws IOException {
        Path file = folder.resolve("system.csv");
        try (SystemMetricsLog log = new SystemMetricsLog(file)) {
            log.append(10, sample(1), 2_000L);
            log.append(20, sample(2), 3_000L);
        }
        Files.writeString(file, "20,1.0,2.0", java.nio.file.StandardOpenOption.APPEND); // kill -9

        long written;
        try (SystemMetricsLog resumed = new SystemMetricsLog(file)) {
            // resumed from the checkpoint at step 10, with a clock that went back
            written = resumed.append(10, sample(3), 1_000L);
            resumed.append(12, sample(4), written); // the same millisecond again
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(5);
        assertThat(lines.subList(1, 5))
                .extracting(line -> line.substring(0, line.indexOf(',')))
                .containsExactly("10", "20", "10", "12");
        assertThat(written).isEqualTo(3_001L);
        List<Long> times =
                lines.subList(1, 5).stream()
                        .map(line -> Long.parseLong(line.substring(line.lastIndexOf(',') + 1)))
                        .toList();
        assertThat(times).isSorted().doesNotHaveDuplicates();
    }
}
