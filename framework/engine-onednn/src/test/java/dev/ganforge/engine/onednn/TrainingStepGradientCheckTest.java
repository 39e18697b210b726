package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Finite-difference gradient check of one discriminator update and one generator update of {@link
 * Dl4jTrainingStep}, in double precision on tiny conditional networks. With plain SGD at learning
 * rate 1 the change of each parameter is exactly minus its gradient, so the step's analytic
 * gradients are read off the parameter change and compared with central differences of the losses
 * the step claims to minimise. BatchNorm runs in training mode in both losses.
 */
class TrainingStepGradientCheckTest {

    private static final double EPSILON = 1e-6;
    private static final int BATCH = 4;
    private static final int CLASSES = 3;
    private static final int LATENT = 3;
    private static final ImageShape SHAPE = new ImageShape(1, 4, 4);
    private static final BinaryCrossEntropyWithLogits LOSS = new BinaryCrossEntropyWithLogits();
    private static DataType previous;

    @BeforeAll
    static void useDoublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    private final DcganSpec spec = new DcganSpec(LATENT, List.of(2), 3, 0.2, 0.9, 0.5);
    private final MultiLayerNetwork generator =
            DcganNetworks.generator(spec, SHAPE, CLASSES, new Sgd(1.0), 7, DataType.DOUBLE);
    private final MultiLayerNetwork discriminator =
            DcganNetworks.discriminator(spec, SHAPE, CLASSES, new Sgd(1.0), 8, DataType.DOUBLE);
    private final INDArray real = Nd4j.rand(DataType.DOUBLE, BATCH, 1, 4, 4).muli(2).subi(1);
    private final INDArray z = Nd4j.rand(DataType.DOUBLE, BATCH, LATENT).muli(2).subi(1);
    private final int[] realLabels = {0, 1, 2, 1};
    private final int[] fakeLabels = {2, 0, 1, 1};

    @Test
    void discriminatorAndGeneratorUpdatesFollowTheLossGradients() {
        INDArray discriminatorBefore = discriminator.params().dup();
        INDArray generatorBefore = generator.params().dup();
        INDArray fake = generator.output(generatorInput(), true);
        // The D loss as a function of D's parameters, with G (and so the fake batch) fixed.
        Supplier<Double> discriminatorLoss =
                () ->
                        loss(discriminatorLogits(real, realLabels), 1.0)
                                + loss(discriminatorLogits(fake, fakeLabels), 0.0);
        double[] discriminatorNumeric = numericGradient(discriminator, discriminatorLoss);

        new Dl4jTrainingStep(
                        new StepSetup(
                                generator, discriminator, SHAPE, LATENT, CLASSES, true, BATCH))
                .step(real, realLabels, z, fakeLabels, 0, 0);

        INDArray discriminatorAnalytic = discriminatorBefore.sub(discriminator.params());
        // G's loss uses the discriminator as updated by this step, as the step does.
        Supplier<Double> generatorLoss =
                () ->
                        loss(
                                discriminatorLogits(
                                        generator.output(generatorInput(), true), fakeLabels),
                                1.0);
        INDArray generatorAfter = generator.params().dup();
        generator.setParams(generatorBefore.dup());
        double[] generatorNumeric = numericGradient(generator, generatorLoss);
        INDArray generatorAnalytic = generatorBefore.sub(generatorAfter);

        assertClose(discriminator, discriminatorAnalytic, discriminatorNumeric);
        assertClose(generator, generatorAnalytic, generatorNumeric);
        assertThat(generatorAnalytic.norm2Number().doubleValue()).isGreaterThan(1e-6);
        assertThat(discriminatorAnalytic.norm2Number().doubleValue()).isGreaterThan(1e-6);
    }

    private INDArray generatorInput() {
        return Conditioning.generatorInput(
                z,
                Conditioning.oneHot(fakeLabels, Nd4j.create(BATCH, CLASSES)),
                Nd4j.create(BATCH, LATENT + CLASSES));
    }

    private INDArray discriminatorLogits(INDArray images, int[] labels) {
        INDArray input =
                Conditioning.discriminatorInput(
                        images,
                        Conditioning.oneHot(labels, Nd4j.create(BATCH, CLASSES)),
                        Nd4j.create(BATCH, 1 + CLASSES, 4, 4));
        return discriminator.output(input, true);
    }

    private static double loss(INDArray logits, double target) {
        return LOSS.computeScore(
                Nd4j.valueArrayOf(logits.shape(), target),
                logits,
                new ActivationIdentity(),
                null,
                true);
    }

    private static double[] numericGradient(MultiLayerNetwork network, Supplier<Double> loss) {
        INDArray params = network.params();
        double[] gradient = new double[(int) params.length()];
        for (int i = 0; i < gradient.length; i++) {
            double original = params.getDouble(i);
            params.putScalar(i, original + EPSILON);
            double plus = loss.get();
            params.putScalar(i, original - EPSILON);
            double minus = loss.get();
            params.putScalar(i, original);
            gradient[i] = (plus - minus) / (2 * EPSILON);
        }
        return gradient;
    }

    /**
     * Compares every trainable parameter; BatchNorm running statistics are not trained by
     * gradients.
     */
    private static void assertClose(
            MultiLayerNetwork network, INDArray analytic, double[] numeric) {
        boolean[] trainable = trainableMask(network);
        int checked = 0;
        for (int i = 0; i < numeric.length; i++) {
            if (!trainable[i]) {
                continue;
            }
            double a = analytic.getDouble(i);
            double n = numeric[i];
            double scale = Math.max(Math.abs(a) + Math.abs(n), 1e-8);
            assertThat(Math.abs(a - n) / scale > 1e-4 && Math.abs(a - n) > 1e-8)
                    .as("parameter %d: analytic %s, numeric %s", i, a, n)
                    .isFalse();
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static boolean[] trainableMask(MultiLayerNetwork network) {
        boolean[] mask = new boolean[(int) network.numParams()];
        int offset = 0;
        for (var layer : network.getLayers()) {
            for (var entry : layer.paramTable().entrySet()) {
                boolean runningStatistic =
                        entry.getKey().equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                                || entry.getKey()
                                        .equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                                || entry.getKey()
                                        .equals(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                for (long j = 0; j < entry.getValue().length(); j++) {
                    mask[offset++] = !runningStatistic;
                }
            }
        }
        return mask;
    }
}
