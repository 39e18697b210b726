package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cutting a step log back for a resume keeps whole rows only, even after a crash mid-write. */
class StepCsvTest {

    private static final String HEADER = "step,a,b";

    @TempDir Path folder;

    @Test
    void keepsTheRowsUpToTheStepAndDropsLaterOnes() throws IOException {
        Path file = folder.resolve("metrics.csv");
        Files.writeString(file, HEADER + "\n1,0.5,0.6\n2,0.4,0.5\n3,0.3,0.4\n");

        StepCsv.keepThrough(file, HEADER, 2);

        assertThat(Files.readAllLines(file)).containsExactly(HEADER, "1,0.5,0.6", "2,0.4,0.5");
    }

    @Test
    void dropsARowCutOffByACrash() throws IOException {
        for (String torn : new String[] {"3", "3,0.3", "3,0.3,0.4", "x,1,2\n"}) {
            Path file = folder.resolve("metrics.csv");
            Files.writeString(file, HEADER + "\n1,0.5,0.6\n2,0.4,0.5\n" + torn);

            StepCsv.keepThrough(file, HEADER, Long.MAX_VALUE);

            assertThat(Files.readAllLines(file))
                    .as("after %s", torn)
                    .containsExactly(HEADER, "1,0.5,0.6", "2,0.4,0.5");
        }
    }

    @Test
    void createsTheHeaderForANewLogAndLeavesNoTemporaryFile() throws IOException {
        Path file = folder.resolve("eval.csv");

        StepCsv.keepThrough(file, HEADER, -1);

        assertThat(Files.readString(file)).isEqualTo(HEADER + "\n");
        try (var entries = Files.list(folder)) {
            assertThat(entries).containsExactly(file);
        }
    }
}
