package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The best checkpoint's value is what a resumed run must beat; it counts only for the metric and
 * goal that chose it, or a resume with another {@code evaluation.best_metric} would compare, say, a
 * KID with a CAS, and one with the other {@code evaluation.goal} would have to beat the worst
 * value.
 */
class CheckpointBestValueTest {

    @TempDir Path folder;

    @Test
    void theBestValueCountsOnlyForTheMetricThatChoseIt() throws Exception {
        CheckpointStore store = new CheckpointStore(folder);
        assertThat(store.bestValue("eval/cas", "maximize")).isEmpty();

        Path best = Files.createDirectories(folder.resolve("best-step-00000500"));
        Files.writeString(
                best.resolve("best.properties"), "metric=eval/cas\nvalue=0.575\nstep=500\n");
        Files.createSymbolicLink(folder.resolve("best"), best.getFileName());

        // written before the goal was recorded: counts for either goal
        assertThat(store.bestValue("eval/cas", "maximize")).contains(0.575);
        assertThat(store.bestValue("eval/cas", "minimize")).contains(0.575);
        assertThat(store.bestValue("eval/kid", "minimize")).isEmpty();
    }

    @Test
    void theBestValueCountsOnlyForTheGoalThatChoseIt() throws Exception {
        CheckpointStore store = new CheckpointStore(folder);
        Path best = Files.createDirectories(folder.resolve("best-step-00000500"));
        Files.writeString(
                best.resolve("best.properties"),
                "metric=eval/cas\ngoal=maximize\nvalue=0.575\nstep=500\n");
        Files.createSymbolicLink(folder.resolve("best"), best.getFileName());

        assertThat(store.bestValue("eval/cas", "maximize")).contains(0.575);
        assertThat(store.bestValue("eval/cas", "minimize")).isEmpty();
    }
}
