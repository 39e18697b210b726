package dev.ganforge.spi;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How a conditional GAN feeds the class label to its networks, following Mirza &amp; Osindero,
 * "Conditional Generative Adversarial Nets" (2014, https://arxiv.org/abs/1411.1784): the generator
 * sees z concatenated with the one-hot label; the discriminator sees the image concatenated on the
 * channel axis with the label broadcast to K maps of H×W (map k is all ones for label k, all zeros
 * otherwise). All methods write into caller-owned arrays so the training step allocates nothing.
 */
public final class Conditioning {

    private Conditioning() {}

    /**
     * Writes {@code [z | oneHot]} into {@code out}.
     *
     * @param z latent vectors {@code [B, latentDim]}
     * @param oneHot one-hot labels {@code [B, K]}, or {@code null} for an unconditional model
     * @param out {@code [B, latentDim + K]} (or {@code [B, latentDim]} when {@code oneHot} is null)
     * @return {@code out}
     * @throws IllegalArgumentException if the shapes do not agree
     */
    public static INDArray generatorInput(INDArray z, INDArray oneHot, INDArray out) {
        long latent = z.size(1);
        long classes = oneHot == null ? 0 : oneHot.size(1);
        require(
                out.rank() == 2 && out.size(0) == z.size(0) && out.size(1) == latent + classes,
                "generator input must be [" + z.size(0) + ", " + (latent + classes) + "]");
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent)).assign(z);
        if (oneHot != null) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, latent + classes))
                    .assign(oneHot);
        }
        return out;
    }

    /**
     * Writes the images and the label maps into {@code out} on the channel axis.
     *
     * @param images {@code [B, C, H, W]}
     * @param oneHot one-hot labels {@code [B, K]}, or {@code null} for an unconditional model
     * @param out {@code [B, C + K, H, W]} (or {@code [B, C, H, W]} when {@code oneHot} is null)
     * @return {@code out}
     * @throws IllegalArgumentException if the shapes do not agree
     */
    public static INDArray discriminatorInput(INDArray images, INDArray oneHot, INDArray out) {
        long channels = images.size(1);
        long classes = oneHot == null ? 0 : oneHot.size(1);
        require(
                out.rank() == 4
                        && out.size(0) == images.size(0)
                        && out.size(1) == channels + classes
                        && out.size(2) == images.size(2)
                        && out.size(3) == images.size(3),
                "discriminator input must be ["
                        + images.size(0)
                        + ", "
                        + (channels + classes)
                        + ", "
                        + images.size(2)
                        + ", "
                        + images.size(3)
                        + "]");
        out.get(channelRange(0, channels)).assign(images);
        if (oneHot != null) {
            INDArray maps = out.get(channelRange(channels, channels + classes));
            maps.assign(oneHot.reshape(oneHot.size(0), classes, 1, 1).broadcast(maps.shape()));
        }
        return out;
    }

    /**
     * Extracts the gradient with respect to the image from the gradient with respect to the whole
     * discriminator input (the label maps are not trained).
     *
     * @param inputGradient {@code [B, C + K, H, W]}
     * @param channels C
     * @return a view {@code [B, C, H, W]}
     */
    public static INDArray imageGradient(INDArray inputGradient, long channels) {
        return inputGradient.get(channelRange(0, channels));
    }

    /**
     * Writes one-hot rows for the given labels into {@code out}.
     *
     * @param labels class indices, length B, each in [0, K)
     * @param out {@code [B, K]}, overwritten
     * @return {@code out}
     */
    public static INDArray oneHot(int[] labels, INDArray out) {
        require(out.size(0) == labels.length, "one-hot array must have " + labels.length + " rows");
        out.assign(0);
        for (int i = 0; i < labels.length; i++) {
            out.putScalar(i, labels[i], 1.0);
        }
        return out;
    }

    private static INDArrayIndex[] channelRange(long from, long to) {
        return new INDArrayIndex[] {
            NDArrayIndex.all(),
            NDArrayIndex.interval(from, to),
            NDArrayIndex.all(),
            NDArrayIndex.all()
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
