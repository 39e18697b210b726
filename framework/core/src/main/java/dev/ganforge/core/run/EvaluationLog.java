package dev.ganforge.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval.csv} of a run, in long format so any evaluator's metrics fit: a header {@value
 * #HEADER}, then one row per metric per evaluation, appended and flushed as written. {@code step}
 * is the steps done when the generator was evaluated, {@code value} a plain decimal (or NaN),
 * {@code timestamp_ms} Unix epoch milliseconds. Metric names hold no commas.
 */
public final class EvaluationLog {

    /** The header row. */
    public static final String HEADER = "step,metric,value,timestamp_ms";

    private final Path file;

    /**
     * Opens the log. When a run resumes, rows after {@code keepThroughStep} are dropped so no step
     * appears twice.
     *
     * @param file the CSV file; created with a header if missing
     * @param keepThroughStep keep rows with step ≤ this ({@link Long#MAX_VALUE} keeps all)
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public EvaluationLog(Path file, long keepThroughStep) {
        this.file = file;
        try {
            StepCsv.keepThrough(file, HEADER, keepThroughStep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param step a step
     * @return whether the log holds rows of an evaluation at {@code step}
     * @throws UncheckedIOException if the file cannot be read
     */
    public boolean has(long step) {
        String prefix = step + ",";
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.anyMatch(line -> line.startsWith(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one row per metric.
     *
     * @param step steps done at the evaluation
     * @param metrics metric name to value
     * @throws UncheckedIOException if the file cannot be written
     */
    public void append(long step, Map<String, Double> metrics) {
        StringBuilder rows = new StringBuilder();
        long now = System.currentTimeMillis();
        metrics.forEach(
                (name, value) ->
                        rows.append(
                                String.format(
                                        Locale.ROOT,
                                        "%d,%s,%s,%d%n",
                                        step,
                                        name.replace(',', '_'),
                                        Double.isFinite(value) ? Double.toString(value) : "NaN",
                                        now)));
        try {
            Files.writeString(file, rows, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }
}
