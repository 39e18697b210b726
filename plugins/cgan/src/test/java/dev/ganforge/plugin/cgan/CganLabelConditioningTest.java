package dev.ganforge.plugin.cgan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.testing.Tensors;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The label really reaches both cGAN networks: with everything else fixed, changing only the
 * one-hot label changes the generator's images and the discriminator's logits.
 */
class CganLabelConditioningTest {

    private static final int BATCH = 4;
    private static final int CLASSES = 3;
    private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    private static final DcganSpec SPEC = new DcganSpec(8, List.of(4, 8), 3, 0.2, 0.9, 0.02);

    /** A label must move the output by at least this fraction of the output's magnitude. */
    private static final double RELATIVE_TOLERANCE = 0.05;

    private final CganModelPlugin plugin = new CganModelPlugin();
    private final ModelContext context =
            new ModelContext(SHAPE, CLASSES, new Adam(2e-4), new Adam(2e-4), 7L);

    @Test
    void changingOnlyTheLabelChangesTheGeneratorOutputInInferenceMode() {
        MultiLayerNetwork generator = plugin.createGenerator(SPEC, context);
        INDArray z = latent(BATCH, 1);

        INDArray asClass0 = generator.output(generatorInput(z, sameLabel(BATCH, 0)), false);
        INDArray asClass0Again = generator.output(generatorInput(z, sameLabel(BATCH, 0)), false);
        INDArray asClass2 = generator.output(generatorInput(z, sameLabel(BATCH, 2)), false);

        assertThat(Tensors.maxAbsDifference(asClass0Again, asClass0))
                .as("same z, same label")
                .isZero();
        for (int i = 0; i < BATCH; i++) {
            assertRowsDiffer(
                    asClass0.slice(i),
                    asClass2.slice(i),
                    "example " + i + ", label 0 vs 2, inference");
        }
    }

    @Test
    void changingOnlyTheLabelChangesTheGeneratorOutputInTrainingMode() {
        MultiLayerNetwork generator = plugin.createGenerator(SPEC, context);
        // One training batch: the same z twice, first half with label 0, second half with label 1,
        // so BatchNorm's batch statistics are shared by both halves.
        INDArray z = latent(BATCH / 2, 2);
        INDArray zTwice = Nd4j.vstack(z, z);
        int[] labels = {0, 0, 1, 1};
        INDArray images = generator.output(generatorInput(zTwice, labels), true);

        for (int i = 0; i < BATCH / 2; i++) {
            assertRowsDiffer(
                    images.slice(i),
                    images.slice(i + BATCH / 2),
                    "z row " + i + ", label 0 vs 1, training");
        }
    }

    @Test
    void theDiscriminatorLogitDependsOnTheLabelMaps() {
        MultiLayerNetwork discriminator = plugin.createDiscriminator(SPEC, context);
        Nd4j.getRandom().setSeed(3);
        INDArray images = Nd4j.rand(SHAPE.batchShape(BATCH)).muli(2).subi(1);

        INDArray logitsClass1 =
                discriminator.output(discriminatorInput(images, sameLabel(BATCH, 1)), false);
        INDArray logitsClass1Again =
                discriminator.output(discriminatorInput(images, sameLabel(BATCH, 1)), false);
        INDArray logitsClass2 =
                discriminator.output(discriminatorInput(images, sameLabel(BATCH, 2)), false);

        assertThat(Tensors.maxAbsDifference(logitsClass1Again, logitsClass1))
                .as("same image, same label")
                .isZero();
        for (int i = 0; i < BATCH; i++) {
            assertRowsDiffer(
                    logitsClass1.slice(i),
                    logitsClass2.slice(i),
                    "logit of example " + i + ", label 1 vs 2");
        }
    }

    private static void assertRowsDiffer(INDArray a, INDArray b, String what) {
        double difference = Tensors.maxAbsDifference(a, b);
        double scale = Math.max(Tensors.maxAbs(a), Tensors.maxAbs(b));
        assertThat(difference)
                .as("max |difference| for %s (output scale %.3g)", what, scale)
                .isGreaterThan(RELATIVE_TOLERANCE * scale);
    }

    private static INDArray latent(int rows, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(rows, SPEC.latentDim());
    }

    private static int[] sameLabel(int rows, int label) {
        int[] labels = new int[rows];
        Arrays.fill(labels, label);
        return labels;
    }

    private static INDArray oneHot(int[] labels) {
        return Conditioning.oneHot(labels, Nd4j.create(labels.length, CLASSES));
    }

    private static INDArray generatorInput(INDArray z, int[] labels) {
        return Conditioning.generatorInput(
                z, oneHot(labels), Nd4j.create(z.size(0), z.size(1) + CLASSES));
    }

    private static INDArray discriminatorInput(INDArray images, int[] labels) {
        return Conditioning.discriminatorInput(
                images,
                oneHot(labels),
                Nd4j.create(
                        images.size(0), SHAPE.channels() + CLASSES, SHAPE.height(), SHAPE.width()));
    }
}
