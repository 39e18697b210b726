package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --checkpoint} takes the names a user sees in a run's {@code checkpoints/} folder, not only
 * paths: {@code step-00000030} alone used to be read relative to the working directory and failed
 * with an I/O error that printed the path twice.
 */
class CheckpointResolveTest {

    @TempDir Path temp;

    @Test
    void aNameFromTheCheckpointsFolderAPathOrAClearError() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("run/checkpoints"));
        Path step = Files.createDirectories(folder.resolve("step-00000030"));
        Path elsewhere = Files.createDirectories(temp.resolve("copied/step-00000010"));
        CheckpointStore store = new CheckpointStore(folder);

        assertThat(store.resolve("step-00000030")).isEqualTo(step);
        assertThat(store.resolve(elsewhere.toString())).isEqualTo(elsewhere);
        assertThat(store.resolve(step.toString())).isEqualTo(step);
        Files.createDirectories(folder.resolve("step-00000040.tmp")); // a checkpoint being written
        for (String missing :
                new String[] {
                    "step-00000040", "checkpoints/step-00000030", "step-00000040.tmp", ".", "..", ""
                }) {
            assertThatThrownBy(() -> store.resolve(missing))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no checkpoint folder '" + missing + "'")
                    .hasMessageContaining("best, last, the name of a folder in " + folder);
        }
    }
}
