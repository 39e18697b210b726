package dev.ganforge.core.run;

import java.io.BufferedReader;
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
 * crash loses nothing already logged. Columns: {@link #HEADER}, followed by {@link
 * #MODE_SEEKING_RATIO} in runs with MSGAN's mode-seeking term. Losses in nats, probabilities in [0,
 * 1], {@code sec_per_step} in seconds (mean over the steps since the previous row), {@code
 * timestamp_ms} in Unix epoch milliseconds, {@code mode_seeking_ratio} the term's r of the logged
 * step (image distance over latent distance, ≥ 0, {@link StepResult#modeSeekingRatio()}).
 */
public final class MetricsLog implements Closeable {

    /** The header row. */
    public static final String HEADER =
            "step,epoch,d_loss,g_loss,d_real,d_fake,sec_per_step,samples_per_sec,timestamp_ms";

    /** The column appended to {@link #HEADER} in runs with the mode-seeking term. */
    public static final String MODE_SEEKING_RATIO = "mode_seeking_ratio";

    private final BufferedWriter writer;
    private final boolean modeSeekingColumn;

    /**
     * Opens the log of a run without the mode-seeking term for appending. When resuming, rows after
     * {@code keepThroughStep} (written after the checkpoint being resumed from) are dropped so no
     * step appears twice.
     *
     * @param file the CSV file; created with a header if missing
     * @param keepThroughStep keep rows with step ≤ this; -1 for a new run
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public MetricsLog(Path file, long keepThroughStep) {
        this(file, keepThroughStep, false);
    }

    /**
     * Opens the log for appending, as {@link #MetricsLog(Path, long)}. With {@code modeSeeking} a
     * new file gets the {@link #MODE_SEEKING_RATIO} column. An existing file keeps the columns it
     * has, so resuming never drops rows of another layout: a run logged before the column existed
     * goes on without it, and one that has it goes on writing it (NaN while the term is off).
     *
     * @param file the CSV file; created with a header if missing
     * @param keepThroughStep keep rows with step ≤ this; -1 for a new run
     * @param modeSeeking whether the run trains with the mode-seeking term
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public MetricsLog(Path file, long keepThroughStep, boolean modeSeeking) {
        try {
            String existing = firstLine(file);
            modeSeekingColumn =
                    existing != null
                            ? existing.equals(HEADER + "," + MODE_SEEKING_RATIO)
                            : modeSeeking;
            StepCsv.keepThrough(
                    file,
                    modeSeekingColumn ? HEADER + "," + MODE_SEEKING_RATIO : HEADER,
                    keepThroughStep);
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
     * @param result the step's losses, probabilities and mode-seeking ratio
     * @param secondsPerStep mean wall-clock seconds per step since the last row
     * @param batchSize B, for samples per second
     */
    public void append(
            long step, long epoch, StepResult result, double secondsPerStep, int batchSize) {
        try {
            StringBuilder row =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.2f,%d",
                                    step,
                                    epoch,
                                    result.discriminatorLoss(),
                                    result.generatorLoss(),
                                    result.realProbability(),
                                    result.fakeProbability(),
                                    secondsPerStep,
                                    batchSize / secondsPerStep,
                                    System.currentTimeMillis()));
            if (modeSeekingColumn) {
                // significant digits: r near ε = 1e-5 (a collapsed class) must stay readable
                row.append(String.format(Locale.ROOT, ",%.6g", result.modeSeekingRatio()));
            }
            writer.write(row.append('\n').toString());
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.csv: " + e.getMessage(), e);
        }
    }

    /**
     * @return whether this log writes the {@link #MODE_SEEKING_RATIO} column
     */
    public boolean hasModeSeekingColumn() {
        return modeSeekingColumn;
    }

    /**
     * @return the file's first line, or null if the file is missing or empty
     */
    private static String firstLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null || line.isEmpty() ? null : line.strip();
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
