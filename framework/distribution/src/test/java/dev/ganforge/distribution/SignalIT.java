package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real ganforge process: a final checkpoint, status KILLED, metrics kept, resumable.
 */
class SignalIT {

    @TempDir Path temp;

    @Test
    void sigtermWritesAFinalCheckpointAndMarksTheRunKilled() throws Exception {
        Path spec =
                write(
                        temp,
                        "long.yaml",
                        tinySpec(1_000_000)
                                .replace("checkpoint_every: 4", "checkpoint_every: 100000"));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        Process process =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        CliFixture.awaitMetricsLines(out, 3, log);

        String running = Files.readString(out.resolve("status.json"));
        assertThat(running)
                .contains("RUNNING")
                .doesNotContain("\"step\" : 0,"); // progress is visible

        process.destroy(); // SIGTERM on Linux
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        RunDirectory run = new RunDirectory(out);
        assertThat(run.readStatusRecord().orElseThrow().status()).isEqualTo(RunStatus.KILLED);
        assertThat(run.checkpoints().latest()).isPresent();
        String checkpointStep =
                run.checkpoints().latest().orElseThrow().getFileName().toString().substring(5);
        assertThat(Long.parseLong(checkpointStep)).isGreaterThanOrEqualTo(4);
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(rows.get(0)).startsWith("step,");
        assertThat(Files.readString(out.resolve("status.json"))).contains("stopped by signal");
        assertThat(Files.readString(temp.resolve("log.txt")))
                .contains("KILLED after")
                .contains("continue it with: ./ganforge resume " + out);
    }
}
