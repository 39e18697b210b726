package dev.ganforge.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names from data never leave their folder; atomic writes leave no temporary file behind. */
class FoldersTest {

    @TempDir Path folder;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "..",
                ".",
                "",
                "../../etc",
                "/etc/passwd",
                "a/../../b",
                "..\\\\windows",
                "nul\\u0000byte",
                "tab\\tand\\nnewline",
                ".hidden",
                "Zoë"
            })
    void aSafeNameStaysInsideItsParent(String name) {
        String safe = Folders.safeName(name);
        Path resolved = folder.resolve(safe).normalize();

        assertThat(safe).matches("[A-Za-z0-9_-][A-Za-z0-9._-]*");
        assertThat(resolved.getParent()).isEqualTo(folder.normalize());
    }

    @Test
    void ordinaryNamesAreKept() {
        assertThat(Folders.safeName("s12")).isEqualTo("s12");
        assertThat(Folders.safeName("T-shirt_top.v2")).isEqualTo("T-shirt_top.v2");
        assertThat(Folders.safeName("Ankle boot")).isEqualTo("Ankle_boot");
    }

    @Test
    void writeAtomicallyReplacesTheFileAndLeavesNoTemporary() throws IOException {
        Path file = folder.resolve("sub/status.json");
        Folders.writeAtomically(file, "one");
        Folders.writeAtomically(file, "two");

        assertThat(file).hasContent("two");
        try (var entries = Files.list(file.getParent())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("status.json");
        }
    }

    @Test
    void concurrentSharedWritersEachLeaveAWholeFileAndNoTemporary() throws Exception {
        Path file = folder.resolve("cache/score.json");
        int writers = 8;
        // each writer writes its own letter 100,000 times, slowly enough that writes overlap
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String text = String.valueOf((char) ('a' + w)).repeat(100_000);
            done.add(
                    pool.submit(
                            () -> {
                                start.await();
                                for (int i = 0; i < 20; i++) {
                                    Folders.writeAtomicallyShared(
                                            file,
                                            target -> {
                                                try (var out = Files.newBufferedWriter(target)) {
                                                    for (int c = 0; c < text.length(); c += 1000) {
                                                        out.write(text, c, 1000);
                                                        out.flush();
                                                    }
                                                }
                                            });
                                }
                                return null;
                            }));
        }
        start.countDown();
        for (Future<?> writer : done) {
            writer.get(); // a writer whose temporary another renamed away fails here
        }
        pool.shutdown();

        String content = Files.readString(file);
        assertThat(content).hasSize(100_000).matches("(.)\\1*");
        try (var entries = Files.list(file.getParent())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("score.json");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileDeletesItsTemporaryAndNamesTheFile() throws IOException {
        Path file = folder.resolve("status.json");
        Folders.writeAtomically(file, "old");

        assertThatThrownBy(
                        () ->
                                Folders.writeAtomically(
                                        file,
                                        target -> {
                                            Files.writeString(target, "half of the new");
                                            throw new IOException("No space left on device");
                                        }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("No space left on device");
        assertThat(file).hasContent("old");
        try (var entries = Files.list(folder)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("status.json");
        }
    }

    @Test
    void aWriterThatHidesTheCauseStillShowsIt() {
        Path file = folder.resolve("grid.png");

        assertThatThrownBy(
                        () ->
                                Folders.writeAtomically(
                                        file,
                                        target -> {
                                            throw new IOException(
                                                    "I/O error writing PNG file!",
                                                    new IOException("No space left on device"));
                                        }))
                .hasMessageContaining("I/O error writing PNG file! (No space left on device)");
        assertThat(Folders.reason(new IOException("No space left on device")))
                .isEqualTo("No space left on device");
    }
}
