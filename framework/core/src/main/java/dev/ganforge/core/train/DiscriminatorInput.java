package dev.ganforge.core.train;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One reusable discriminator input buffer {@code [B, C + K, H, W]}: the images in channels {@code
 * [0, C)} and, for a conditional model, the label of example b broadcast as a map of ones in
 * channel {@code C + label} with zeros in the other K − 1 maps (Mirza &amp; Osindero 2014,
 * https://arxiv.org/abs/1411.1784). The same content as {@link
 * dev.ganforge.spi.Conditioning#discriminatorInput}, but only the maps whose label changed since
 * the last write are touched, instead of rewriting all B·K·H·W label values every pass.
 */
final class DiscriminatorInput {

    private final INDArray buffer;
    private final long channels;
    private final int[] written;

    /**
     * @param batchSize B
     * @param channels C, image channels
     * @param classes K label maps, 0 for an unconditional model
     * @param height H
     * @param width W
     * @param dataType the networks' data type
     */
    DiscriminatorInput(
            int batchSize, long channels, int classes, long height, long width, DataType dataType) {
        this.buffer = Nd4j.zeros(dataType, batchSize, channels + classes, height, width);
        this.channels = channels;
        this.written = new int[batchSize];
        Arrays.fill(written, -1);
    }

    /**
     * @param images {@code [B, C, H, W]}
     * @param labels class per example, each in [0, K); ignored when K = 0
     * @return the buffer {@code [B, C + K, H, W]}, valid until the next write
     * @throws IllegalArgumentException if a label is outside [0, K) (nothing is written then)
     */
    INDArray write(INDArray images, int[] labels) {
        long classes = buffer.size(1) - channels;
        if (classes > 0) {
            for (int b = 0; b < written.length; b++) {
                if (labels[b] < 0 || labels[b] >= classes) {
                    throw new IllegalArgumentException(
                            "label "
                                    + labels[b]
                                    + " of example "
                                    + b
                                    + " is outside [0, "
                                    + classes
                                    + ")");
                }
            }
        }
        buffer.get(
                        NDArrayIndex.all(),
                        NDArrayIndex.interval(0, channels),
                        NDArrayIndex.all(),
                        NDArrayIndex.all())
                .assign(images);
        if (classes > 0) {
            for (int b = 0; b < written.length; b++) {
                if (written[b] != labels[b]) {
                    if (written[b] >= 0) {
                        map(b, written[b]).assign(0);
                    }
                    map(b, labels[b]).assign(1);
                    written[b] = labels[b];
                }
            }
        }
        return buffer;
    }

    /**
     * @return {@code [B, C + K, H, W]}
     */
    long[] shape() {
        return buffer.shape();
    }

    private INDArray map(int example, int label) {
        INDArrayIndex[] index = {
            NDArrayIndex.point(example),
            NDArrayIndex.point(channels + label),
            NDArrayIndex.all(),
            NDArrayIndex.all()
        };
        return buffer.get(index);
    }
}
