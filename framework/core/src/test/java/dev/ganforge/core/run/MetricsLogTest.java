package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metrics.csv gets the mode-seeking ratio column in runs with the term, and a resume keeps the
 * layout the file already has, so no row of an older run is dropped.
 */
class MetricsLogTest {

    private static final String WITH_RATIO =
            MetricsLog.HEADER + "," + MetricsLog.MODE_SEEKING_RATIO;

    @TempDir Path folder;

    @Test
    void aRunWithTheModeSeekingTermLogsItsRatio() throws IOException {
        Path file = folder.resolve("metrics.csv");
        try (MetricsLog log = new MetricsLog(file, -1, true)) {
            assertThat(log.hasModeSeekingColumn()).isTrue();
            log.append(5, 0, new StepResult(1.25, 0.75, 0.6, 0.4, 0.0321), 0.5, 64);
            log.append(10, 0, new StepResult(1.25, 0.75, 0.6, 0.4, 1.23456e-7), 0.5, 64);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(WITH_RATIO);
        String[] cells = lines.get(1).split(",", -1);
        assertThat(cells).hasSize(10);
        assertThat(cells[0]).isEqualTo("5");
        assertThat(cells[2]).isEqualTo("1.250000");
        assertThat(Double.parseDouble(cells[9])).isEqualTo(0.0321);
        // a ratio near 0 (a collapsed class) keeps its significant digits
        assertThat(Double.parseDouble(lines.get(2).split(",", -1)[9])).isEqualTo(1.23456e-7);
    }

    @Test
    void aRunWithoutTheTermHasNoRatioColumn() throws IOException {
        Path file = folder.resolve("metrics.csv");
        try (MetricsLog log = new MetricsLog(file, -1, false)) {
            log.append(5, 0, new StepResult(1.25, 0.75, 0.6, 0.4), 0.5, 64);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(MetricsLog.HEADER);
        assertThat(lines.get(1).split(",", -1)).hasSize(9);
    }

    /** A run logged before the column existed, resumed with the term on, keeps its rows. */
    @Test
    void resumingAnOlderLogKeepsItsRowsAndItsColumns() throws IOException {
        Path file = folder.resolve("metrics.csv");
        String row5 = "5,0,1.0,0.5,0.6,0.4,0.5,128.0,1000";
        String row10 = "10,0,0.9,0.6,0.6,0.4,0.5,128.0,2000";
        Files.writeString(file, MetricsLog.HEADER + "\n" + row5 + "\n" + row10 + "\n");

        try (MetricsLog log = new MetricsLog(file, 5, true)) {
            assertThat(log.hasModeSeekingColumn()).isFalse();
            log.append(10, 0, new StepResult(0.8, 0.7, 0.6, 0.4, 0.05), 0.5, 64);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2)).containsExactly(MetricsLog.HEADER, row5);
        assertThat(lines.get(2)).startsWith("10,0,0.800000,").doesNotContain("0.050000");
    }

    /** A log with the column, resumed with the term off, keeps the column and writes NaN. */
    @Test
    void resumingALogWithTheColumnKeepsIt() throws IOException {
        Path file = folder.resolve("metrics.csv");
        try (MetricsLog log = new MetricsLog(file, -1, true)) {
            log.append(5, 0, new StepResult(1.0, 0.5, 0.6, 0.4, 0.04), 0.5, 64);
            log.append(10, 0, new StepResult(0.9, 0.6, 0.6, 0.4, 0.05), 0.5, 64);
        }

        try (MetricsLog log = new MetricsLog(file, 5, false)) {
            assertThat(log.hasModeSeekingColumn()).isTrue();
            log.append(10, 0, new StepResult(0.8, 0.7, 0.6, 0.4), 0.5, 64);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(WITH_RATIO);
        assertThat(Double.parseDouble(lines.get(1).substring(lines.get(1).lastIndexOf(',') + 1)))
                .isEqualTo(0.04);
        assertThat(lines.get(2)).startsWith("10,0,0.800000,").endsWith(",NaN");
    }
}
