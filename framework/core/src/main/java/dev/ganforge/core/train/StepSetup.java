package dev.ganforge.core.train;

import dev.ganforge.spi.ImageShape;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Everything a {@link TrainingStep} is built from: the two networks and the shapes of one batch.
 *
 * @param generator input {@code [B, latentDim (+K)]}, output {@code [B, C, H, W]} in [-1, 1]
 * @param discriminator input {@code [B, C (+K), H, W]}, output logits {@code [B, 1]}; with a
 *     projection head input {@code [B, C, H, W]} and output {@code [B, 1 + K]}
 * @param shape image shape (C, H, W)
 * @param latentDim size of z, at least 1
 * @param numClasses K when {@code conditional}, otherwise ignored
 * @param conditional whether labels are fed to both networks
 * @param batchSize B, at least 1; every call to {@link TrainingStep#step} uses exactly B examples
 * @param recipe loss, D's label input, spectral norm and augmentation ({@link StepRecipe})
 */
public record StepSetup(
        MultiLayerNetwork generator,
        MultiLayerNetwork discriminator,
        ImageShape shape,
        int latentDim,
        int numClasses,
        boolean conditional,
        int batchSize,
        StepRecipe recipe) {

    /** A DCGAN step ({@link StepRecipe#DCGAN}): BCE, label maps, no normalisation, no augment. */
    public StepSetup(
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            ImageShape shape,
            int latentDim,
            int numClasses,
            boolean conditional,
            int batchSize) {
        this(
                generator,
                discriminator,
                shape,
                latentDim,
                numClasses,
                conditional,
                batchSize,
                StepRecipe.DCGAN);
    }

    /**
     * @throws IllegalArgumentException if a size is not positive or a network or the shape is
     *     missing
     */
    public StepSetup {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(discriminator, "discriminator");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(recipe, "recipe");
        if (latentDim < 1 || batchSize < 1 || (conditional && numClasses < 1)) {
            throw new IllegalArgumentException(
                    "latentDim "
                            + latentDim
                            + ", batchSize "
                            + batchSize
                            + " and numClasses "
                            + numClasses
                            + " must be positive");
        }
        if (recipe.projection() && !conditional) {
            throw new IllegalArgumentException(
                    "a projection discriminator needs a conditional model");
        }
    }
}
