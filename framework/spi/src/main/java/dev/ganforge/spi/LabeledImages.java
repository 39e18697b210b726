package dev.ganforge.spi;

import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A decoded, in-memory labelled image set: what a {@link DatasetPlugin} returns. Images are decoded
 * once, so every epoch reads from memory.
 *
 * @param images float32 array of shape {@code [N, C, H, W]}, values in [-1, 1] (pixel / 127.5 - 1
 *     for 8-bit data), matching the generator's tanh output
 * @param labels class index per image, length N, each in [0, classNames.size())
 * @param classNames class names in label order (index = label); at least one
 * @param skippedFiles number of unreadable files skipped (0 for datasets that never skip)
 */
public record LabeledImages(
        INDArray images, int[] labels, List<String> classNames, int skippedFiles) {

    /**
     * @throws IllegalArgumentException if the shapes or labels do not agree
     */
    public LabeledImages {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        classNames = List.copyOf(classNames);
        if (images.rank() != 4) {
            throw new IllegalArgumentException(
                    "images must be [N, C, H, W], found rank " + images.rank());
        }
        if (images.size(0) != labels.length) {
            throw new IllegalArgumentException(
                    "images hold "
                            + images.size(0)
                            + " examples but there are "
                            + labels.length
                            + " labels");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("at least one class is required");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(
                        "label "
                                + labels[i]
                                + " of example "
                                + i
                                + " is outside [0, "
                                + classNames.size()
                                + ")");
            }
        }
    }

    /**
     * @return N, the number of images
     */
    public int size() {
        return labels.length;
    }

    /**
     * @return K, the number of classes
     */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * @return the shape of one image
     */
    public ImageShape shape() {
        return new ImageShape((int) images.size(1), (int) images.size(2), (int) images.size(3));
    }
}
