package dev.ganforge.core.run;

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
     * file with the header if it is missing.
     *
     * @param file the CSV file
     * @param header the header row, starting with {@code step,}
     * @param keepThroughStep keep rows with step ≤ this (-1 keeps none, {@link Long#MAX_VALUE} all)
     * @throws IOException if the file cannot be read or written
     */
    public static void keepThrough(Path file, String header, long keepThroughStep)
            throws IOException {
        List<String> kept = new ArrayList<>();
        kept.add(header);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()
                        && !line.startsWith("step,")
                        && Long.parseLong(line.substring(0, line.indexOf(',')))
                                <= keepThroughStep) {
                    kept.add(line);
                }
            }
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
    }
}
