package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.SystemMetricsLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder samples on its own thread with the step of the moment, and once more at the end. */
class SystemMetricsRecorderTest {

    @TempDir Path folder;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @Test
    void samplesEveryIntervalWithTheCurrentStepAndOnceMoreWhenClosed() throws Exception {
        RunDirectory run = new RunDirectory(folder);
        Path file = run.systemMetricsFile();
        try (SystemMetricsRecorder recorder =
                SystemMetricsRecorder.start(run, 0.1, 5, new PrintStream(console))) {
            awaitRows(file, 1);
            recorder.step(6);
            long rowsAtStep5 = steps(file).size();
            awaitRows(file, rowsAtStep5 + 1);
            recorder.step(9);
        }

        List<Long> steps = steps(file);
        assertThat(steps).startsWith(5L).endsWith(9L).isSorted();
        assertThat(steps).contains(6L);
        assertThat(console.toString()).isEmpty();
    }

    @Test
    void zeroSecondsRecordsNothing() throws Exception {
        RunDirectory run = new RunDirectory(folder);
        try (SystemMetricsRecorder recorder =
                SystemMetricsRecorder.start(run, 0, 0, new PrintStream(console))) {
            recorder.step(1);
        }

        assertThat(run.systemMetricsFile()).doesNotExist();
    }

    private static void awaitRows(Path file, long rows) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (steps(file).size() < rows && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(steps(file)).hasSizeGreaterThanOrEqualTo((int) rows);
    }

    private static List<Long> steps(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream()
                .filter(line -> !line.equals(SystemMetricsLog.HEADER) && line.contains(","))
                .map(line -> Long.parseLong(line.substring(0, line.indexOf(','))))
                .toList();
    }
}
