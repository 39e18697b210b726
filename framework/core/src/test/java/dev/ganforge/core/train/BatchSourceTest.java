package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.spi.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BatchSourceTest {

    private static final int N = 50;
    private static final int BATCH = 8;

    /** Image i is filled with the value i, so a batch's pixels say which images it holds. */
    private static LabeledImages data() {
        float[] pixels = new float[N * 4];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            Arrays.fill(pixels, i * 4, i * 4 + 4, i);
            labels[i] = i % 3;
        }
        return new LabeledImages(
                Nd4j.create(pixels, new long[] {N, 1, 2, 2}, DataType.FLOAT),
                labels,
                List.of("a", "b", "c"),
                0);
    }

    private static INDArray load(BatchSource source, long step) {
        return source.loadInto(step, source.newBuffer()).images();
    }

    private static List<Integer> images(INDArray batch) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < batch.size(0); i++) {
            ids.add((int) batch.getFloat(i, 0, 0, 0));
        }
        return ids;
    }

    @Test
    void prefetchedBatchesAreTheSequentialOnesAcrossEpochs() {
        BatchSource sequential = new BatchSource(data(), BATCH, 7);
        BatchSource prefetched = new BatchSource(data(), BATCH, 7);
        long total = 3 * sequential.stepsPerEpoch() + 2;
        try (BatchSource.Prefetching prefetch = prefetched.prefetching(total)) {
            for (long step = 0; step < total; step++) {
                BatchSource.Batch reference = sequential.loadInto(step, sequential.newBuffer());
                List<Integer> expected = images(reference.images());
                int[] expectedLabels = reference.labels();
                BatchSource.Batch batch = prefetch.take(step);
                assertThat(images(batch.images())).as("step " + step).isEqualTo(expected);
                assertThat(batch.labels()).isEqualTo(expectedLabels);
                for (int i = 0; i < BATCH; i++) {
                    assertThat(batch.labels()[i]).isEqualTo(expected.get(i) % 3);
                }
            }
        }
    }

    @Test
    void aJumpToAnotherStepIsServedCorrectly() {
        BatchSource sequential = new BatchSource(data(), BATCH, 3);
        try (BatchSource.Prefetching prefetch =
                new BatchSource(data(), BATCH, 3).prefetching(100)) {
            prefetch.take(0);
            assertThat(images(prefetch.take(17).images())).isEqualTo(images(load(sequential, 17)));
            assertThat(images(prefetch.take(18).images())).isEqualTo(images(load(sequential, 18)));
        }
    }

    /**
     * After a jump, the prefetch still running for the old step must not write into the new batch.
     */
    @Test
    void aJumpWaitsForTheStalePrefetch() throws Exception {
        int n = 4096;
        INDArray pixels = Nd4j.create(DataType.FLOAT, n, 1, 32, 32);
        for (int i = 0; i < n; i++) {
            pixels.get(NDArrayIndex.point(i)).assign(i);
        }
        LabeledImages big = new LabeledImages(pixels, new int[n], List.of("a"), 0);
        INDArray expected = load(new BatchSource(big, 1024, 1), 5);
        for (int trial = 0; trial < 20; trial++) {
            try (BatchSource.Prefetching prefetch =
                    new BatchSource(big, 1024, 1).prefetching(100)) {
                prefetch.take(0);
                Thread.sleep(trial % 3);
                INDArray batch = prefetch.take(5).images();
                Thread.sleep(20);
                assertThat(batch).as("trial " + trial).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyImageAppearsOncePerEpoch() {
        BatchSource source = new BatchSource(data(), BATCH, 11);
        List<Integer> seen = new ArrayList<>();
        for (long step = 0; step < source.stepsPerEpoch(); step++) {
            seen.addAll(images(load(source, step)));
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize((int) (N / BATCH * BATCH));
    }
}
