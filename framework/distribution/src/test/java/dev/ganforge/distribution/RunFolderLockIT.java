package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.cli.Main;
import dev.ganforge.core.io.ExclusiveFileLock;
import dev.ganforge.core.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ganforge processes on one run folder: while a real process trains it, a second {@code run} or
 * {@code resume} on the same {@code --output} refuses at once (exit 2) and changes nothing; once
 * the first process is gone (here killed with SIGKILL, so nothing of it cleans up) the OS has
 * released the lock and the folder can be resumed.
 */
class RunFolderLockIT {

    @TempDir Path temp;

    @Test
    void aSecondProcessOnTheSameFolderRefusesAtOnce() throws Exception {
        Path spec =
                write(
                        temp,
                        "long.yaml",
                        tinySpec(1_000_000).replace("checkpoint_every: 4", "checkpoint_every: 2"));
        Path out = temp.resolve("run");
        Path log = temp.resolve("log.txt");
        Process first =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        try {
            CliFixture.awaitMetricsLines(out, 3, log);
            String specBefore = Files.readString(out.resolve(RunDirectory.SPEC_FILE));

            long started = System.nanoTime();
            // with tracking on (a server that is not there): refused before any mirror starts,
            // which would otherwise wait up to 60 s for its last sync
            CliFixture.Result second =
                    run(
                            "run",
                            spec.toString(),
                            "--output",
                            out.toString(),
                            "--set",
                            "tracking.uri=http://127.0.0.1:9");
            CliFixture.Result resume = run("resume", out.toString());

            assertThat(second.exitCode()).as(second.err()).isEqualTo(Main.USAGE);
            assertThat(second.err())
                    .contains("is being trained by another ganforge process")
                    .contains(out.toString())
                    .doesNotContain("MLflow");
            assertThat(resume.exitCode()).as(resume.err()).isEqualTo(Main.USAGE);
            // refused before loading data or building networks
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(20);
            assertThat(Files.readString(out.resolve(RunDirectory.SPEC_FILE))).isEqualTo(specBefore);
            assertThat(first.isAlive()).isTrue();
        } finally {
            first.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        var lock = ExclusiveFileLock.tryAcquire(out.resolve(RunDirectory.LOCK_FILE));
        assertThat(lock).as("released by the OS after kill -9").isPresent();
        lock.ifPresent(ExclusiveFileLock::close);
    }

    @Test
    void aRunThatFailsBeforeWritingLeavesNoFolder() throws Exception {
        Path spec =
                write(
                        temp,
                        "big-batch.yaml",
                        tinySpec(2).replace("batch_size: 8", "batch_size: 4096"));
        Path out = temp.resolve("never");

        CliFixture.Result result = run("run", spec.toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains("fewer than one batch");
        assertThat(out).doesNotExist();
    }
}
