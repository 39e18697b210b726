package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.run.MetricsLog;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.runtime.SystemSample;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Reads what a sync sends from a run folder while training may still be writing it: the spec as
 * flat params, complete metrics rows, and sample grids. Lines not yet ended by a newline are
 * ignored.
 */
final class RunFolderReader {

    /**
     * Metric columns of metrics.csv sent to MLflow, under the same names; a column the file lacks
     * (the mode-seeking ratio of a run without the term) is skipped.
     */
    static final List<String> METRICS =
            List.of(
                    "epoch",
                    "d_loss",
                    "g_loss",
                    "d_real",
                    "d_fake",
                    "sec_per_step",
                    "samples_per_sec",
                    MetricsLog.MODE_SEEKING_RATIO);

    /**
     * A sample grid file. @param file the PNG @param step its step @param key real, fake1, fake2 or
     * low-recall
     */
    record Sample(Path file, long step, String key) {}

    /**
     * One metrics row. @param step its step @param points its finite values @param nonFinite values
     * left out
     */
    record Row(long step, List<MetricPoint> points, int nonFinite) {}

    private RunFolderReader() {}

    /**
     * @param specFile the run's spec.yaml
     * @return its values as dotted keys, without the {@code tracking} section (a URI is no param)
     */
    static Map<String, String> specParams(Path specFile) {
        try {
            Map<String, String> flat =
                    SpecLoader.flattenYaml(Files.readString(specFile, StandardCharsets.UTF_8));
            flat.keySet().removeIf(key -> key.equals("tracking") || key.startsWith("tracking."));
            return flat;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + specFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Evaluation metrics of eval.csv (long format {@code step,metric,value,timestamp_ms}; each
     * evaluation's rows are appended in one write), grouped into one row per step.
     *
     * @param evalFile eval.csv
     * @param afterStep only steps larger than this
     * @return one row per evaluated step, in step order; NaN and infinite values left out and
     *     counted
     */
    static List<Row> evaluationsAfter(Path evalFile, long afterStep) {
        if (!Files.isRegularFile(evalFile)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(evalFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + evalFile + ": " + e.getMessage(), e);
        }
        TreeMap<Long, List<MetricPoint>> points = new TreeMap<>();
        Map<Long, Integer> nonFinite = new HashMap<>();
        String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].strip().split(",");
            if (cells.length != 4) {
                continue;
            }
            long step = Long.parseLong(cells[0]);
            if (step <= afterStep) {
                continue;
            }
            double value = Double.parseDouble(cells[2]);
            points.computeIfAbsent(step, key -> new ArrayList<>());
            if (Double.isFinite(value)) {
                points.get(step)
                        .add(
                                new MetricPoint(
                                        LogBatchLimits.key(cells[1]),
                                        value,
                                        Long.parseLong(cells[3]),
                                        step));
            } else {
                nonFinite.merge(step, 1, Integer::sum);
            }
        }
        List<Row> rows = new ArrayList<>();
        points.forEach(
                (step, list) ->
                        rows.add(
                                new Row(step, List.copyOf(list), nonFinite.getOrDefault(step, 0))));
        return rows;
    }

    /**
     * @param metricsFile metrics.csv
     * @param afterStep only rows with a larger step
     * @return the complete rows after that step, in file order; NaN and infinite values are left
     *     out of {@link Row#points()} and counted
     */
    static List<Row> rowsAfter(Path metricsFile, long afterStep) {
        if (!Files.isRegularFile(metricsFile)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(metricsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metricsFile + ": " + e.getMessage(), e);
        }
        String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
        if (lines.length == 0 || !lines[0].startsWith("step,")) {
            return List.of();
        }
        List<String> header = List.of(lines[0].strip().split(","));
        int stepColumn = header.indexOf("step");
        int timeColumn = header.indexOf("timestamp_ms");
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].strip().split(",");
            if (cells.length != header.size()) {
                continue; // a row being rewritten by a resume; it is read again next time
            }
            long step = Long.parseLong(cells[stepColumn]);
            if (step <= afterStep) {
                continue;
            }
            long time = Long.parseLong(cells[timeColumn]);
            List<MetricPoint> points = new ArrayList<>();
            int nonFinite = 0;
            for (String metric : METRICS) {
                int column = header.indexOf(metric);
                if (column < 0) {
                    continue;
                }
                double value = Double.parseDouble(cells[column]);
                if (Double.isFinite(value)) {
                    points.add(new MetricPoint(metric, value, time, step));
                } else if (!metric.equals(MetricsLog.MODE_SEEKING_RATIO)) {
                    // NaN there means the term was off (a resume turned it off), not a fault
                    nonFinite++;
                }
            }
            rows.add(new Row(step, List.copyOf(points), nonFinite));
        }
        return rows;
    }

    /**
     * System metrics of system.csv ({@code step,<names>,timestamp_ms}, see {@code
     * SystemMetricsLog}) as MLflow's {@code system/<name>} metrics, at the row's step and
     * timestamp. Empty cells (values the system could not read) are left out, not counted as
     * non-finite; a row with no value at all is left out.
     *
     * @param systemFile system.csv
     * @param afterTimeMs only rows with a later timestamp
     * @return the complete rows after that time, in file order (which is time order)
     */
    static List<Row> systemRowsAfter(Path systemFile, long afterTimeMs) {
        List<String> lines = completeLines(systemFile);
        if (lines.isEmpty() || !lines.get(0).startsWith("step,")) {
            return List.of();
        }
        List<String> header = List.of(lines.get(0).strip().split(","));
        int timeColumn = header.indexOf("timestamp_ms");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.strip().split(",", -1);
            if (cells.length != header.size() || timeColumn < 0) {
                continue;
            }
            long time;
            long step;
            List<MetricPoint> points = new ArrayList<>();
            try {
                time = Long.parseLong(cells[timeColumn]);
                step = Long.parseLong(cells[0]);
                for (int column = 1; column < header.size(); column++) {
                    if (column != timeColumn && !cells[column].isEmpty()) {
                        double value = Double.parseDouble(cells[column]);
                        if (Double.isFinite(value)) {
                            points.add(
                                    new MetricPoint(
                                            SystemSample.MLFLOW_PREFIX + header.get(column),
                                            value,
                                            time,
                                            step));
                        }
                    }
                }
            } catch (NumberFormatException e) {
                continue; // not a row the sampler wrote; it must not stop the rest of the mirror
            }
            if (time <= afterTimeMs) {
                continue;
            }
            if (!points.isEmpty()) {
                rows.add(new Row(step, List.copyOf(points), 0));
            }
        }
        return rows;
    }

    /**
     * @return the lines of a file that end with a newline (a last line still being written is left
     *     out); empty if the file is missing
     */
    private static List<String> completeLines(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String whole = text.substring(0, text.lastIndexOf('\n') + 1);
            return whole.isEmpty() ? List.of() : List.of(whole.split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param samplesFolder the run's samples/ folder
     * @return its sample grids ordered by step, then key
     */
    static List<Sample> samples(Path samplesFolder) {
        if (!Files.isDirectory(samplesFolder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(samplesFolder)) {
            return files.map(
                            file -> {
                                Matcher m =
                                        RunDirectory.SAMPLE_FILE.matcher(
                                                file.getFileName().toString());
                                return m.matches()
                                        ? new Sample(file, Long.parseLong(m.group(1)), m.group(2))
                                        : null;
                            })
                    .filter(s -> s != null)
                    .sorted(Comparator.comparingLong(Sample::step).thenComparing(Sample::key))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot list " + samplesFolder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that everything in a run folder stays inside it: no symbolic link (a sample grid, a
     * checkpoint file, spec.yaml, a sub-folder) resolves to a path outside the folder's real path.
     * A folder that someone tampered with could otherwise make a sync read and upload any file the
     * user can read (an SSH key, a credentials file). Links that stay inside the folder (the
     * trainer's {@code checkpoints/best}) are fine; links that point nowhere are never read and are
     * ignored.
     *
     * @param runFolder the run folder (itself may be a link)
     * @throws IllegalArgumentException naming the first entry that leads out and where it leads
     * @throws UncheckedIOException if the folder cannot be walked
     */
    static void requireContained(Path runFolder) {
        try {
            Path root = runFolder.toRealPath();
            try (Stream<Path> entries = Files.walk(root)) { // links are listed, not followed
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (!Files.isSymbolicLink(entry) || !Files.exists(entry)) {
                        continue;
                    }
                    Path target = entry.toRealPath();
                    if (!target.startsWith(root)) {
                        throw new IllegalArgumentException(
                                "refusing to sync "
                                        + runFolder
                                        + ": "
                                        + root.relativize(entry)
                                        + " is a link to "
                                        + target
                                        + ", outside the run folder; nothing was sent");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runFolder + ": " + e.getMessage(), e);
        }
    }
}
