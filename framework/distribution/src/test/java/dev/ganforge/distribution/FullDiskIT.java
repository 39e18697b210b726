package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.RunDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the run folder lies on a 4 MiB tmpfs that this test mounts; once the run has
 * written a few checkpoints the test fills the rest of the file system, so the run's next write (a
 * metrics row, a sample grid, status.json or a checkpoint, whichever comes first) fails with
 * ENOSPC. The run must stop with exit code 1, status {@code FAILED} and a reason that names the
 * path and "No space left on device", leave no temporary file or half-written checkpoint behind,
 * keep its latest checkpoint loadable, and {@code resume} once space is free again.
 *
 * <p>Mounting needs root (CI runs as root); elsewhere the test is skipped with the reason.
 */
class FullDiskIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path temp;
    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        disk = Files.createDirectories(temp.resolve("disk"));
        Process mount =
                new ProcessBuilder(
                                "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(mount.getInputStream().readAllBytes());
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(
                mounted, "mounting a 4 MiB tmpfs needs root (CI runs as root): " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString())
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskFailsTheRunWithThePathKeepsTheCheckpointsAndResumesOnceThereIsRoom()
            throws Exception {
        Path spec =
                write(
                        temp,
                        "full.yaml",
                        tinySpec(1_000_000)
                                .replace("checkpoint_every: 4", "checkpoint_every: 1")
                                .replace("sample_every: 3", "sample_every: 1")
                                .replace("log_every: 2", "log_every: 1"));
        Path out = disk.resolve("run");
        RunDirectory run = new RunDirectory(out);
        Path log = temp.resolve("log.txt");
        Process process =
                CliFixture.startProcess(
                        log, List.of("run", spec.toString(), "--output", out.toString()));
        long before = waitForCheckpoint(run, 3, process, log);

        Path filler = disk.resolve("filler.bin");
        fillUntilFull(filler);

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("FAILED").contains("No space left on device");
        JsonNode status = JSON.readTree(out.resolve(RunDirectory.STATUS_FILE).toFile());
        assertThat(status.path("status").asText()).isEqualTo("FAILED");
        assertThat(status.path("reason").asText())
                .contains("No space left on device")
                .contains(out.toString())
                .contains("the last complete checkpoint is step-");
        Path latest = run.checkpoints().latest().orElseThrow();
        long kept = CheckpointStore.read(latest, true).step();
        assertThat(kept).isGreaterThanOrEqualTo(before);
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(Path::toString))
                    .as("no temporary file or folder is left behind")
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
        assertThat(CliFixture.loggedSteps(out)).isSorted().doesNotHaveDuplicates();

        Files.delete(filler);
        Process resume =
                CliFixture.startProcess(
                        temp.resolve("resume.txt"),
                        List.of("resume", out.toString(), "--set", "training.steps=" + (kept + 2)));
        assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(resume.exitValue()).as(Files.readString(temp.resolve("resume.txt"))).isZero();
        assertThat(
                        JSON.readTree(out.resolve(RunDirectory.STATUS_FILE).toFile())
                                .path("status")
                                .asText())
                .isEqualTo("FINISHED");
        List<Long> steps = CliFixture.loggedSteps(out);
        assertThat(steps).isSorted().doesNotHaveDuplicates().endsWith(kept + 1, kept + 2);
    }

    /** Writes 64 KiB blocks until the file system refuses. */
    private static void fillUntilFull(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream stream = Files.newOutputStream(filler)) {
            while (true) {
                stream.write(block);
                stream.flush();
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left on device");
        }
    }

    /**
     * @return the step of the latest checkpoint once it reaches {@code atLeast}
     */
    private static long waitForCheckpoint(RunDirectory run, long atLeast, Process process, Path log)
            throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            var latest = run.checkpoints().latest(); // step-NNNNNNNN
            if (latest.isPresent()) {
                long step = Long.parseLong(latest.get().getFileName().toString().substring(5));
                if (step >= atLeast) {
                    return step;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint at step " + atLeast + ": " + Files.readString(log));
    }
}
