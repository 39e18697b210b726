package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score cache: computed once per key, kept across instances on disk, never half-written, and
 * never the reason an evaluation fails.
 */
class ScoreCacheTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aScoreIsComputedOnceAndReadBackByAnotherInstanceOfTheSameFolder(@TempDir Path folder) {
        AtomicInteger computed = new AtomicInteger();
        ScoreCache cache = ScoreCache.in(folder, console);

        double first = cache.computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double again = cache.computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double later =
                ScoreCache.in(folder, console)
                        .computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double otherKey = cache.computeIfAbsent("b", () -> 0.25 + computed.incrementAndGet());

        assertThat(first).isEqualTo(1.25);
        assertThat(again).isEqualTo(1.25);
        assertThat(later).isEqualTo(1.25);
        assertThat(otherKey).isEqualTo(2.25);
        assertThat(computed).hasValue(2);
        // one file per key, no temporary left behind
        assertThat(folder.toFile().list())
                .containsExactlyInAnyOrder(ScoreCache.fileName("a"), ScoreCache.fileName("b"));
        assertThat(printed()).isEmpty();
    }

    @Test
    void anInMemoryCacheForgetsWithTheInstance() {
        AtomicInteger computed = new AtomicInteger();
        ScoreCache cache = ScoreCache.inMemory();
        cache.computeIfAbsent("a", computed::incrementAndGet);
        cache.computeIfAbsent("a", computed::incrementAndGet);
        ScoreCache.inMemory().computeIfAbsent("a", computed::incrementAndGet);
        assertThat(computed).hasValue(2);
    }

    @Test
    void aMissingFolderIsNotCreated(@TempDir Path parent) {
        // the classifier's folder, deleted or being replaced while a run evaluates
        Path folder = parent.resolve("classifier");
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
        assertThat(folder).doesNotExist();
    }

    @Test
    void aScoreThatIsNotFiniteIsNotWritten(@TempDir Path folder) {
        ScoreCache.in(folder, console).computeIfAbsent("a", () -> Double.NaN);
        assertThat(folder.toFile().list()).isEmpty();
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
    }

    @Test
    void aFailedComputationCachesNothing(@TempDir Path folder) {
        ScoreCache cache = ScoreCache.in(folder, console);
        assertThatThrownBy(
                        () ->
                                cache.computeIfAbsent(
                                        "a",
                                        () -> {
                                            throw new CancellationException("stopped");
                                        }))
                .isInstanceOf(CancellationException.class);
        assertThat(cache.computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
        assertThat(folder.toFile().list()).containsExactly(ScoreCache.fileName("a"));
    }

    @Test
    void aFileOfAnotherKeyIsRecomputedAndReplaced(@TempDir Path folder) throws Exception {
        // what a hash collision would leave: the file name of "a" holding another key
        Files.writeString(
                folder.resolve(ScoreCache.fileName("a")), "{\"key\": \"z\", \"value\": 0.9}");
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.7)).isEqualTo(0.5);
    }

    @Test
    void aDamagedFileIsReportedWithItsPathComputedAgainAndReplaced(@TempDir Path folder)
            throws Exception {
        Path file = folder.resolve(ScoreCache.fileName("a"));
        Files.writeString(file, "{\"key\": \"a\", \"value\": ");
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
        assertThat(printed()).contains(file.toString()).contains("computing it again");

        Files.writeString(file, "{\"key\": \"a\", \"value\": \"high\"}");
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.6)).isEqualTo(0.6);
        assertThat(printed()).contains("a number \"value\"");
        // replaced: read back without computing
        assertThat(ScoreCache.in(folder, console).computeIfAbsent("a", () -> 0.7)).isEqualTo(0.6);
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedAndTheScoreStillReturned(@TempDir Path folder)
            throws Exception {
        // a non-empty folder where the file should go: the rename into place fails
        Path blocked = folder.resolve(ScoreCache.fileName("a"));
        Files.createDirectories(blocked.resolve("inside"));
        ScoreCache cache = ScoreCache.in(folder, console);
        AtomicInteger computed = new AtomicInteger();

        assertThat(cache.computeIfAbsent("a", () -> 0.5 + computed.incrementAndGet()))
                .isEqualTo(1.5);
        assertThat(cache.computeIfAbsent("a", () -> 0.5 + computed.incrementAndGet()))
                .isEqualTo(1.5);
        assertThat(computed).hasValue(1);
        assertThat(printed()).contains(blocked.toString()).contains("kept for this process only");
    }
}
