package dev.ganforge.core.train;

import dev.ganforge.spi.LabeledImages;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts the in-memory dataset into batches. The order is a function of (seed, step) alone, so a
 * resumed run sees exactly the batches it would have seen: epoch e uses a Fisher–Yates permutation
 * drawn from {@code SplittableRandom(seed + e)}, and step s takes batch {@code s mod (N / B)} of
 * epoch {@code s / (N / B)}; the last {@code N mod B} images of each permutation are left out of
 * that epoch. Batches are written into preallocated arrays; {@link #prefetching} prepares the next
 * step's batch on a background thread while the current step trains.
 */
final class BatchSource {

    private final LabeledImages data;
    private final INDArray flatImages;
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
    }

    /**
     * @return N / B, the steps in one epoch
     */
    long stepsPerEpoch() {
        return data.size() / batchSize;
    }

    /**
     * @return the epoch that step (0-based) belongs to
     */
    long epochOf(long step) {
        return step / stepsPerEpoch();
    }

    /** One batch: images {@code [B, C, H, W]} and their labels (length B). */
    record Batch(INDArray images, int[] labels) {}

    /**
     * @return a new batch buffer: images {@code [B, C, H, W]} and B labels
     */
    Batch newBuffer() {
        return new Batch(
                Nd4j.create(data.images().dataType(), data.shape().batchShape(batchSize)),
                new int[batchSize]);
    }

    /**
     * @param totalSteps the step count at which prefetching stops
     * @return a source that prepares batch s + 1 on a daemon thread while step s trains
     */
    Prefetching prefetching(long totalSteps) {
        return new Prefetching(totalSteps);
    }

    /**
     * Fills {@code target} with the batch of a step. Calls must not overlap (one thread at a time).
     *
     * @param step 0-based step
     * @param target the buffers to fill
     * @return {@code target}
     */
    Batch loadInto(long step, Batch target) {
        int[] labels = target.labels();
        INDArray flatBatch = target.images().reshape('c', batchSize, data.shape().size());
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
        return target;
    }

    /**
     * Double-buffered batches: while step s trains on one buffer, a daemon thread fills the other
     * with batch s + 1, so gathering (and any future decoding) runs ahead of training. The batch
     * order is exactly that of {@link #loadInto}.
     */
    final class Prefetching implements AutoCloseable {
        private final Batch[] buffers = {newBuffer(), newBuffer()};
        private final ExecutorService executor =
                Executors.newSingleThreadExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "ganforge-batches");
                            thread.setDaemon(true);
                            return thread;
                        });
        private final long totalSteps;
        private Future<Batch> next;
        private long nextStep = -1;

        private Prefetching(long totalSteps) {
            this.totalSteps = totalSteps;
        }

        /**
         * @param step 0-based step; normally one more than the last call's
         * @return its batch, valid until the call after next
         * @throws IllegalStateException if the background gather failed
         */
        Batch take(long step) {
            Batch batch;
            if (next != null && nextStep == step) {
                try {
                    batch = next.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(
                            "interrupted while waiting for batch " + step, e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "preparing batch " + step + " failed", e.getCause());
                }
            } else {
                if (next != null) {
                    // A prefetch for another step (after a jump) writes a buffer and the shared
                    // permutation: let it finish before loading here.
                    try {
                        next.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(
                                "interrupted while waiting for batch " + nextStep, e);
                    } catch (ExecutionException e) {
                        // its batch is not used
                    }
                }
                batch = loadInto(step, buffers[(int) (step & 1)]);
            }
            long following = step + 1;
            if (following < totalSteps) {
                Batch target = buffers[(int) (following & 1)];
                next = executor.submit(() -> loadInto(following, target));
                nextStep = following;
            } else {
                next = null;
            }
            return batch;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
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
