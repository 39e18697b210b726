package dev.ganforge.core.train;

import dev.ganforge.spi.LabeledImages;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts the in-memory dataset into batches. The order is a function of (seed, step) alone, so a
 * resumed run sees exactly the batches it would have seen: epoch e uses a Fisher–Yates permutation
 * drawn from {@code SplittableRandom(seed + e)}, and step s takes batch {@code s mod (N / B)} of epoch
 * {@code s / (N / B)}; the last {@code N mod B} images of each permutation are left out of that epoch.
 * Batches are written into one preallocated array.
 */
final class BatchSource {

    private final LabeledImages data;
    private final INDArray flatImages;
    private final INDArray batch;
    private final INDArray flatBatch;
    private final int[] labels;
    private final int batchSize;
    private final long seed;
    private int[] permutation;
    private long permutationEpoch = -1;

    BatchSource(LabeledImages data, int batchSize, long seed) {
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        long n = data.size();
        long imageSize = data.shape().size();
        this.flatImages = data.images().reshape('c', n, imageSize);
        this.batch = Nd4j.create(data.images().dataType(), data.shape().batchShape(batchSize));
        this.flatBatch = batch.reshape('c', batchSize, imageSize);
        this.labels = new int[batchSize];
    }

    /** @return N / B, the steps in one epoch */
    long stepsPerEpoch() {
        return data.size() / batchSize;
    }

    /** @return the epoch that step (0-based) belongs to */
    long epochOf(long step) {
        return step / stepsPerEpoch();
    }

    /**
     * Fills the batch for a step.
     *
     * @param step 0-based step
     * @return the batch {@code [B, C, H, W]} (overwritten by the next call); labels via {@link #labels()}
     */
    INDArray load(long step) {
        long epoch = epochOf(step);
        if (epoch != permutationEpoch) {
            permutation = permutation(data.size(), seed + epoch);
            permutationEpoch = epoch;
        }
        int offset = (int) ((step % stepsPerEpoch()) * batchSize);
        int[] rows = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            rows[i] = permutation[offset + i];
            labels[i] = data.labels()[rows[i]];
        }
        Nd4j.pullRows(flatImages, flatBatch, 1, rows);
        return batch;
    }

    /** @return the labels of the last loaded batch (overwritten by the next call) */
    int[] labels() {
        return labels;
    }

    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
