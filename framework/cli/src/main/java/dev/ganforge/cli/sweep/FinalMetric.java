package dev.ganforge.cli.sweep;

import dev.ganforge.core.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a run's last logged value of a metric from its CSV files: a column of {@code metrics.csv}
 * (e.g. {@code g_loss}) or of {@code eval.csv} (e.g. {@code eval/label_accuracy}), or, for a
 * long-format file with columns {@code step,metric,value}, the last row naming the metric.
 */
public final class FinalMetric {

    private static final List<String> FILES =
            List.of(RunDirectory.METRICS_FILE, RunDirectory.EVALUATION_FILE);

    private FinalMetric() {}

    /**
     * @param runDirectory a run folder
     * @param metric the metric name
     * @return its last logged value; null when no file logs it or when that last value is not
     *     finite (a trial whose metric ended NaN or infinite, diverged say, has no value to be
     *     ranked by, rather than the stale value of an earlier evaluation)
     */
    public static Double read(Path runDirectory, String metric) {
        for (String name : FILES) {
            Path file = runDirectory.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                continue;
            }
            if (lines.isEmpty()) {
                continue;
            }
            List<String> header = Arrays.asList(lines.get(0).split(","));
            int column = header.indexOf(metric);
            int metricColumn = header.indexOf("metric");
            int valueColumn = header.indexOf("value");
            for (int i = lines.size() - 1; i > 0; i--) {
                String[] cells = lines.get(i).split(",");
                String text = null;
                if (column >= 0 && column < cells.length) {
                    text = cells[column];
                } else if (column < 0
                        && metricColumn >= 0
                        && valueColumn >= 0
                        && valueColumn < cells.length
                        && metric.equals(cells[metricColumn])) {
                    text = cells[valueColumn];
                }
                if (text != null && !text.isBlank()) {
                    try {
                        double value = Double.parseDouble(text);
                        return Double.isFinite(value) ? Double.valueOf(value) : null;
                    } catch (NumberFormatException ignored) {
                        // a non-numeric cell: keep looking further up
                    }
                }
            }
        }
        return null;
    }
}
