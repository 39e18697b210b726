package dev.ganforge.core.eval;

import dev.ganforge.core.spec.AugmentationSpec;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Applies an {@link AugmentationSpec} to a batch of images: per image a translation with padding,
 * an optional horizontal flip, contrast about the image mean, brightness, Gaussian noise and a clip
 * to [-1, 1], in that order, with all random draws from one {@link SplittableRandom} (so a seed
 * fixes the result). Standard training-time augmentation of image classifiers, e.g. Krizhevsky et
 * al. 2012 (https://papers.nips.cc/paper/4824) for translations and flips.
 */
public final class Augmentation {

    private Augmentation() {}

    /**
     * @param images {@code [N, C, H, W]} in [-1, 1], any data type
     * @param spec the transformations
     * @param random the source of every draw; advanced by the call
     * @return new float32 images {@code [N, C, H, W]} in [-1, 1] (a copy even if {@code spec}
     *     changes nothing)
     * @throws IllegalArgumentException if {@code images} is not rank 4
     */
    public static INDArray apply(INDArray images, AugmentationSpec spec, SplittableRandom random) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException(
                    "images must be [N, C, H, W], found rank " + images.rank());
        }
        int n = (int) images.size(0);
        int channels = (int) images.size(1);
        int height = (int) images.size(2);
        int width = (int) images.size(3);
        float[] in = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[in.length];
        int plane = height * width;
        int size = channels * plane;
        for (int i = 0; i < n; i++) {
            int dx =
                    spec.maxShift() == 0
                            ? 0
                            : random.nextInt(-spec.maxShift(), spec.maxShift() + 1);
            int dy =
                    spec.maxShift() == 0
                            ? 0
                            : random.nextInt(-spec.maxShift(), spec.maxShift() + 1);
            boolean flip = spec.horizontalFlip() && random.nextBoolean();
            double contrast = 1 + uniform(random, spec.contrast());
            double brightness = uniform(random, spec.brightness());
            int base = i * size;
            double mean = 0;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int sourceX = (flip ? width - 1 - x : x) - dx;
                        int sourceY = y - dy;
                        float value;
                        if (sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height) {
                            value = in[base + c * plane + sourceY * width + sourceX];
                        } else if (spec.padding() == AugmentationSpec.Padding.EDGE) {
                            int clampedX = Math.max(0, Math.min(width - 1, sourceX));
                            int clampedY = Math.max(0, Math.min(height - 1, sourceY));
                            value = in[base + c * plane + clampedY * width + clampedX];
                        } else {
                            value = -1f;
                        }
                        out[base + c * plane + y * width + x] = value;
                        mean += value;
                    }
                }
            }
            mean /= size;
            for (int p = base; p < base + size; p++) {
                double value = (out[p] - mean) * contrast + mean + brightness;
                if (spec.noise() > 0) {
                    value += spec.noise() * random.nextGaussian();
                }
                out[p] = (float) Math.max(-1, Math.min(1, value));
            }
        }
        return Nd4j.create(out, new long[] {n, channels, height, width}, DataType.FLOAT);
    }

    /**
     * @return uniform in [-limit, limit], 0 without a draw if limit is 0
     */
    private static double uniform(SplittableRandom random, double limit) {
        return limit == 0 ? 0 : random.nextDouble(-limit, limit);
    }
}
