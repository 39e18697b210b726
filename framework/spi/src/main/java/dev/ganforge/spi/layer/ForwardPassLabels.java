package dev.ganforge.spi.layer;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Hands a generator's input {@code [z | one-hot]} from its first layer ({@link
 * ConditioningDenseLayer}) to the {@link ConditionalBatchNormalization} layers further down the
 * same forward pass. A DL4J {@code MultiLayerNetwork} runs its layers one after the other on the
 * calling thread and gives each only the previous layer's output, so the input is kept per thread:
 * the first layer of every pass replaces it before any later layer reads it.
 */
final class ForwardPassLabels {

    private static final ThreadLocal<INDArray> INPUT = new ThreadLocal<>();

    private ForwardPassLabels() {}

    /**
     * Keeps a copy of the network input outside any workspace (DL4J may reuse workspace memory
     * between layers).
     *
     * @param networkInput {@code [B, latentDim + K]}
     */
    static void publish(INDArray networkInput) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INPUT.set(networkInput.dup('c'));
        }
    }

    /**
     * @param batchSize B of the layer asking
     * @param classes K
     * @return the last K columns of the network input published last on this thread, {@code [B, K]}
     *     (a view): the current pass's when the network starts with a {@link
     *     ConditioningDenseLayer}, as every generator {@code DcganNetworks} builds does
     * @throws IllegalStateException if no input of B rows and at least K columns was published on
     *     this thread (a network that does not start with a {@link ConditioningDenseLayer} is
     *     caught here only when no earlier pass on the thread left an input of that size)
     */
    static INDArray oneHot(long batchSize, int classes) {
        INDArray input = INPUT.get();
        if (input == null
                || input.rank() != 2
                || input.size(0) != batchSize
                || input.size(1) < classes) {
            throw new IllegalStateException(
                    "conditional BatchNorm found no [z | one-hot] input of "
                            + batchSize
                            + " rows and at least "
                            + classes
                            + " columns in this forward pass: the network must start with a"
                            + " ConditioningDenseLayer");
        }
        long width = input.size(1);
        return input.get(NDArrayIndex.all(), NDArrayIndex.interval(width - classes, width));
    }
}
