package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.spec.Augmentation;
import dev.ganforge.core.spec.GanLoss;
import dev.ganforge.core.spec.Precision;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/**
 * The recipe on the {@code training step:} console line names every technique that is on, so a user
 * can see from the log which recipe a run trained with.
 */
class TrainingStepDescriptionTest {

    private static MultiLayerNetwork generatorWith(Layer norm) {
        return new MultiLayerNetwork(
                new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new DenseLayer.Builder().nIn(4).nOut(8).build())
                        .layer(norm)
                        .build());
    }

    @Test
    void conditionalBatchNormInTheGeneratorIsNamed() {
        StepRecipe recipe =
                new StepRecipe(GanLoss.HINGE, true, true, List.of(Augmentation.TRANSLATION), 1);

        String conditional =
                Trainer.describe(
                        recipe,
                        0.99,
                        generatorWith(new ConditionalBatchNormalization(8, 3, 0.9, 1e-5)));
        String plain =
                Trainer.describe(
                        recipe,
                        0.99,
                        generatorWith(new BatchNormalization.Builder().nOut(8).build()));

        assertThat(conditional)
                .isEqualTo(
                        " (hinge loss, projection discriminator, conditional BatchNorm in G,"
                                + " spectral norm, DiffAugment translation, generator EMA 0.99)");
        assertThat(plain)
                .isEqualTo(
                        " (hinge loss, projection discriminator, spectral norm,"
                                + " DiffAugment translation, generator EMA 0.99)");
    }

    @Test
    void scaleAugmentationAndTheModeSeekingTermAreNamed() {
        StepRecipe recipe =
                new StepRecipe(
                                GanLoss.BCE,
                                false,
                                false,
                                List.of(Augmentation.TRANSLATION, Augmentation.SCALE),
                                1)
                        .withModeSeeking(0.5);
        assertThat(
                        Trainer.describe(
                                recipe,
                                0,
                                generatorWith(new BatchNormalization.Builder().nOut(8).build())))
                .isEqualTo(" (bce loss, DiffAugment translation,scale, mode seeking 0.5)");
        assertThat(
                        new StepRecipe(GanLoss.BCE, false, false, List.of(), 1)
                                .withModeSeeking(0.5)
                                .isDcgan())
                .as("the DCGAN step plus the mode-seeking term is not the DCGAN step")
                .isFalse();
    }

    @Test
    void theLecamRegulariserIsNamed() {
        StepRecipe recipe =
                new StepRecipe(GanLoss.HINGE, false, false, List.of(), 1, Precision.FP32, 0, 0.3);
        assertThat(
                        Trainer.describe(
                                recipe,
                                0,
                                generatorWith(new BatchNormalization.Builder().nOut(8).build())))
                .isEqualTo(" (hinge loss, LeCam 0.3)");
        assertThat(
                        new StepRecipe(
                                        GanLoss.BCE,
                                        false,
                                        false,
                                        List.of(),
                                        1,
                                        Precision.FP32,
                                        0,
                                        0.3)
                                .isDcgan())
                .as("the DCGAN step plus LeCam is not the DCGAN step")
                .isFalse();
    }

    @Test
    void theDcganRecipeNamesOnlyItsLoss() {
        assertThat(
                        Trainer.describe(
                                StepRecipe.DCGAN,
                                0,
                                generatorWith(new BatchNormalization.Builder().nOut(8).build())))
                .isEqualTo(" (bce loss)");
    }
}
