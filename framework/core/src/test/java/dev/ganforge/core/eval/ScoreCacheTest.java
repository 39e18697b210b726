package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score cache: computed once per key, kept across instances on disk, never half-written. */
class ScoreCacheTest {

    @Test
    void aScoreIsComputedOnceAndReadBackByAnotherInstanceOfTheSameFolder(@TempDir Path folder) {
        AtomicInteger computed = new AtomicInteger();
        ScoreCache cache = ScoreCache.in(folder.resolve("classifier"));

        double first = cache.computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double again = cache.computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double later =
                ScoreCache.in(folder.resolve("classifier"))
                        .computeIfAbsent("a", () -> 0.25 + computed.incrementAndGet());
        double otherKey = cache.computeIfAbsent("b", () -> 0.25 + computed.incrementAndGet());

        assertThat(first).isEqualTo(1.25);
        assertThat(again).isEqualTo(1.25);
        assertThat(later).isEqualTo(1.25);
        assertThat(otherKey).isEqualTo(2.25);
        assertThat(computed).hasValue(2);
        // one file per key, no temporary left behind
        assertThat(folder.resolve("classifier").toFile().list())
                .containsExactlyInAnyOrder(ScoreCache.fileName("a"), ScoreCache.fileName("b"));
    }

    @Test
    void anInMemoryCacheWritesNothingAndForgetsWithTheInstance() {
        AtomicInteger computed = new AtomicInteger();
        ScoreCache cache = ScoreCache.inMemory();
        cache.computeIfAbsent("a", computed::incrementAndGet);
        cache.computeIfAbsent("a", computed::incrementAndGet);
        ScoreCache.inMemory().computeIfAbsent("a", computed::incrementAndGet);
        assertThat(computed).hasValue(2);
    }

    @Test
    void aScoreThatIsNotFiniteIsNotWritten(@TempDir Path folder) {
        ScoreCache.in(folder).computeIfAbsent("a", () -> Double.NaN);
        assertThat(folder.toFile().list()).isEmpty();
        assertThat(ScoreCache.in(folder).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
    }

    @Test
    void aFailedComputationCachesNothing(@TempDir Path folder) {
        ScoreCache cache = ScoreCache.in(folder);
        assertThatThrownBy(
                        () ->
                                cache.computeIfAbsent(
                                        "a",
                                        () -> {
                                            throw new CancellationException("stopped");
                                        }))
                .isInstanceOf(CancellationException.class);
        assertThat(cache.computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
    }

    @Test
    void aFileOfAnotherKeyIsRecomputedAndReplaced(@TempDir Path folder) throws Exception {
        // what a hash collision would leave: the file name of "a" holding another key
        Files.writeString(
                folder.resolve(ScoreCache.fileName("a")), "{\"key\": \"z\", \"value\": 0.9}");
        assertThat(ScoreCache.in(folder).computeIfAbsent("a", () -> 0.5)).isEqualTo(0.5);
        assertThat(ScoreCache.in(folder).computeIfAbsent("a", () -> 0.7)).isEqualTo(0.5);
    }

    @Test
    void aDamagedFileIsRefusedWithItsPathAndWhatToDo(@TempDir Path folder) throws Exception {
        Path file = folder.resolve(ScoreCache.fileName("a"));
        Files.writeString(file, "{\"key\": \"a\", \"value\": ");
        assertThatThrownBy(() -> ScoreCache.in(folder).computeIfAbsent("a", () -> 0.5))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("delete the file");
        Files.writeString(file, "{\"key\": \"a\", \"value\": \"high\"}");
        assertThatThrownBy(() -> ScoreCache.in(folder).computeIfAbsent("a", () -> 0.5))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("a number \"value\"");
    }
}
