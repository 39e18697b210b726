package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.spec.AugmentationSpec;
import dev.ganforge.core.spec.ClassifierSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.LabeledImages;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier cache under writers that start together, as the trials of a sweep do. */
class ClassifierStoreTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir Path cache;

    @Test
    void writersThatTrainTheSameClassifierAtOnceAllFinishAndLeaveOneFolder() throws Exception {
        LabeledImages data = GeneratorEvaluationTest.synthetic(200, 3);
        ClassifierSpec spec =
                new ClassifierSpec(
                        cache, 200, 0.25, 1, 20, 32, 0.002, AugmentationSpec.none(), null);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Callable<DomainClassifier> writer =
                    () ->
                            new ClassifierStore(cache)
                                    .loadOrTrain(
                                            ClassifierStore.fingerprint(data, spec, 7),
                                            data,
                                            spec,
                                            7,
                                            false,
                                            QUIET,
                                            WorkProgress.NONE);
            List<Future<DomainClassifier>> writers =
                    pool.invokeAll(List.of(writer, writer, writer));
            for (Future<DomainClassifier> result : writers) {
                assertThat(result.get().heldOutAccuracy()).isBetween(0.0, 1.0);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("one stored classifier, no temporary folder left")
                    .containsExactly(ClassifierStore.fingerprint(data, spec, 7));
        }
        DomainClassifier cached =
                new ClassifierStore(cache)
                        .loadOrTrain(
                                ClassifierStore.fingerprint(data, spec, 7),
                                data,
                                spec,
                                7,
                                false,
                                QUIET,
                                WorkProgress.NONE);
        assertThat(cached.heldOutAccuracy()).isBetween(0.0, 1.0);
    }

    @Test
    void aWriterDeletesFoldersOfKilledWritersButNotThoseOfRunningOnes() throws Exception {
        LabeledImages data = GeneratorEvaluationTest.synthetic(200, 3);
        ClassifierSpec spec =
                new ClassifierSpec(
                        cache, 200, 0.25, 1, 20, 32, 0.002, AugmentationSpec.none(), null);
        Path abandoned = Files.createDirectory(cache.resolve("0123abcd.tmp-111"));
        Files.writeString(abandoned.resolve("classifier.zip"), "half-written");
        Files.setLastModifiedTime(
                abandoned,
                FileTime.from(
                        Instant.now().minus(ClassifierStore.ABANDONED_AFTER).minusSeconds(60)));
        Path running = Files.createDirectory(cache.resolve("0123abcd.tmp-222"));
        new ClassifierStore(cache)
                .loadOrTrain(
                        ClassifierStore.fingerprint(data, spec, 7),
                        data,
                        spec,
                        7,
                        false,
                        QUIET,
                        WorkProgress.NONE);
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            ClassifierStore.fingerprint(data, spec, 7),
                            running.getFileName().toString());
        }
    }
}
