package dev.ganforge.core.run;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code metrics.csv} of a run: a header row, then one row per logged step, flushed as written so a
 * crash loses nothing already logged. Columns: {@link #HEADER}. Losses in nats, probabilities in
 * [0, 1], {@code sec_per_step} in seconds (mean over the steps since the previous row), {@code
 * timestamp_ms} in Unix epoch milliseconds.
 */
public final class MetricsLog implements Closeable {

    /** The header row. */
    public static final String HEADER =
            "step,epoch,d_loss,g_loss,d_real,d_fake,sec_per_step,samples_per_sec,timestamp_ms";

    private final BufferedWriter writer;

    /**
     * Opens the log for appending. When resuming, rows after {@code keepThroughStep} (written after
     * the checkpoint being resumed from) are dropped so no step appears twice.
     *
     * @param file the CSV file; created with a header if missing
     * @param keepThroughStep keep rows with step ≤ this; -1 for a new run
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public MetricsLog(Path file, long keepThroughStep) {
        try {
            StepCsv.keepThrough(file, HEADER, keepThroughStep);
            writer =
                    Files.newBufferedWriter(
                            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one row and flushes it.
     *
     * @param step 1-based number of steps done
     * @param epoch 0-based epoch of that step
     * @param result the step's losses and probabilities
     * @param secondsPerStep mean wall-clock seconds per step since the last row
     * @param batchSize B, for samples per second
     */
    public void append(
            long step, long epoch, StepResult result, double secondsPerStep, int batchSize) {
        try {
            writer.write(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.2f,%d%n",
                            step,
                            epoch,
                            result.discriminatorLoss(),
                            result.generatorLoss(),
                            result.realProbability(),
                            result.fakeProbability(),
                            secondsPerStep,
                            batchSize / secondsPerStep,
                            System.currentTimeMillis()));
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.csv: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
