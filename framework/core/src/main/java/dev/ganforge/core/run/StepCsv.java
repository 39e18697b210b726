package dev.ganforge.core.run;

import dev.ganforge.core.io.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CSV logs whose first column is the step: {@code metrics.csv} and {@code eval.csv}. */
public final class StepCsv {

    private StepCsv() {}

    /**
     * Rewrites the file as the header plus the existing rows whose step is at most {@code
     * keepThroughStep}, so a run resumed from an older checkpoint logs no step twice; creates the
     * file with the header if it is missing. Only whole rows are kept: a row cut off by a crash
     * ({@code kill -9} during a write: no final newline, fewer columns than the header, or a step
     * that is not a number) is dropped. The file is replaced atomically, so a crash during the
     * rewrite leaves the old rows.
     *
     * @param file the CSV file
     * @param header the header row, starting with {@code step,}
     * @param keepThroughStep keep rows with step ≤ this (-1 keeps none, {@link Long#MAX_VALUE} all)
     * @throws IOException if the file cannot be read
     * @throws java.io.UncheckedIOException if it cannot be written
     */
    public static void keepThrough(Path file, String header, long keepThroughStep)
            throws IOException {
        int columns = header.split(",", -1).length;
        List<String> kept = new ArrayList<>();
        kept.add(header);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            // rows end with a newline: text after the last one is a row whose write was cut off
            String whole = text.substring(0, text.lastIndexOf('\n') + 1);
            for (String line : whole.split("\n")) {
                String[] cells = line.split(",", -1);
                if (cells.length == columns
                        && !line.startsWith("step,")
                        && step(cells[0]) >= 0
                        && step(cells[0]) <= keepThroughStep) {
                    kept.add(line);
                }
            }
        }
        Folders.writeAtomically(file, String.join("\n", kept) + "\n");
    }

    /**
     * @return the step of a row, or -1 if the cell is not a whole number
     */
    private static long step(String cell) {
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
