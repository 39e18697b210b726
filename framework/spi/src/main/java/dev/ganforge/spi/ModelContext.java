package dev.ganforge.spi;

import java.util.Objects;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What a {@link ModelPlugin} needs besides its own spec to build networks.
 *
 * @param imageShape the dataset's image shape (C, H, W)
 * @param numClasses K, the number of classes (at least 1); used by conditional models
 * @param generatorUpdater the generator's own updater configuration
 * @param discriminatorUpdater the discriminator's own updater configuration
 * @param seed weight-initialisation seed
 */
public record ModelContext(
        ImageShape imageShape,
        int numClasses,
        IUpdater generatorUpdater,
        IUpdater discriminatorUpdater,
        long seed) {

    /**
     * @throws IllegalArgumentException if {@code numClasses < 1}, or an argument is null
     */
    public ModelContext {
        Objects.requireNonNull(imageShape, "imageShape");
        Objects.requireNonNull(generatorUpdater, "generatorUpdater");
        Objects.requireNonNull(discriminatorUpdater, "discriminatorUpdater");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, found " + numClasses);
        }
        if (generatorUpdater == discriminatorUpdater) {
            throw new IllegalArgumentException(
                    "generator and discriminator must not share one updater instance");
        }
    }
}
