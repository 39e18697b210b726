package dev.ganforge.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
