package dev.ganforge.core.run;

import dev.ganforge.core.runtime.SystemSample;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * {@code system.csv} of a run: a header {@link #HEADER}, then one row per system metrics sample,
 * flushed as written. {@code step} is the training steps done when the sample was taken, the metric
 * columns are {@link SystemSample#NAMES} with one decimal (empty where the value cannot be read on
 * this system), {@code timestamp_ms} Unix epoch milliseconds.
 *
 * <p>Rows measure time, not steps: a resumed run appends to the rows of the earlier sessions (only
 * a row cut off by a crash is dropped), so after a resume from an older checkpoint a step may
 * appear in more than one row. The timestamps strictly increase down the file, across sessions too,
 * which is what a mirror keeps its place by.
 */
public final class SystemMetricsLog implements Closeable {

    /** The header row. */
    public static final String HEADER =
            "step," + String.join(",", SystemSample.NAMES) + ",timestamp_ms";

    private final BufferedWriter writer;
    private long lastTimestampMs;

    /**
     * Opens the log for appending, keeping every whole row already there.
     *
     * @param file the CSV file; created with a header if missing
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public SystemMetricsLog(Path file) {
        try {
            StepCsv.keepThrough(file, HEADER, Long.MAX_VALUE);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String last = lines.get(lines.size() - 1);
            if (!last.equals(HEADER)) {
                lastTimestampMs = Long.parseLong(last.substring(last.lastIndexOf(',') + 1));
            }
            writer =
                    Files.newBufferedWriter(
                            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(
                    "cannot open " + file + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * Appends one row and flushes it. A timestamp not after the previous row's (a clock set back,
     * two samples in one millisecond) is moved to one millisecond after it.
     *
     * @param step training steps done when the sample was taken, ≥ 0
     * @param sample the reading
     * @param timestampMs when it was taken, Unix epoch milliseconds
     * @return the timestamp written
     * @throws UncheckedIOException if the file cannot be written
     */
    public synchronized long append(long step, SystemSample sample, long timestampMs) {
        long time = Math.max(timestampMs, lastTimestampMs + 1);
        StringBuilder row = new StringBuilder().append(step);
        for (double value : sample.values()) {
            row.append(',');
            if (Double.isFinite(value)) {
                row.append(String.format(Locale.ROOT, "%.1f", value));
            }
        }
        row.append(',').append(time).append('\n');
        try {
            writer.write(row.toString());
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to system.csv: " + e.getMessage(), e);
        }
        lastTimestampMs = time;
        return time;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
