package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.OneDnnTrainingStep;
import dev.ganforge.core.train.StepResult;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Guards ganforge's oneDNN training step against DL4J's: from the same parameters and inputs, every
 * parameter block (weights, biases, BatchNorm gamma/beta and running statistics) must change by the
 * same amount, step after step, and the step's losses must agree. With SGD at learning rate 1 the
 * change is the gradient itself, so a wrong layout, padding, kernel orientation or missing gradient
 * term fails here; a run with Adam checks the updater state is shared the same way.
 */
class OneDnnTrainingStepEquivalenceTest {

    private static final int LATENT = 8;
    private static final int BATCH = 8;

    @ParameterizedTest(name = "conditional={0} layers={1} {2}x{2} sgd={3}")
    @CsvSource({"true, 8;16, 16, true", "false, 8;16;32, 16, true", "true, 8;16, 16, false", "true, 16;32, 28, true"})
    void sameParameterChangesAsDl4j(boolean conditional, String layers, int size, boolean sgd) {
        List<Integer> widths = java.util.Arrays.stream(layers.split(";")).map(Integer::parseInt).toList();
        ImageShape shape = new ImageShape(1, size, size);
        int classes = conditional ? 4 : 0;
        MultiLayerNetwork[] reference = networks(widths, shape, classes, sgd);
        MultiLayerNetwork[] fast = networks(widths, shape, classes, sgd);
        fast[0].setParams(reference[0].params().dup());
        fast[1].setParams(reference[1].params().dup());
        TrainingStep referenceStep = new Dl4jTrainingStep(reference[0], reference[1], shape, LATENT, 4, conditional, BATCH);
        TrainingStep fastStep = new OneDnnTrainingStep(fast[0], fast[1], shape, LATENT, 4, conditional, BATCH);

        Nd4j.getRandom().setSeed(5);
        int[] labels = {0, 1, 2, 3, 3, 2, 1, 0};
        for (int step = 0; step < 3; step++) {
            INDArray real = Nd4j.rand(DataType.FLOAT, BATCH, 1, size, size).muli(2).subi(1);
            INDArray z = Nd4j.rand(DataType.FLOAT, BATCH, LATENT).muli(2).subi(1);
            INDArray[] before = {reference[0].params().dup(), reference[1].params().dup()};
            StepResult expected = referenceStep.step(real, labels, z, labels, step, 0);
            StepResult actual = fastStep.step(real, labels, z, labels, step, 0);
            assertThat(actual.discriminatorLoss()).as("D loss, step " + step)
                    .isCloseTo(expected.discriminatorLoss(), tolerance(expected.discriminatorLoss()));
            assertThat(actual.generatorLoss()).as("G loss, step " + step)
                    .isCloseTo(expected.generatorLoss(), tolerance(expected.generatorLoss()));
            assertThat(actual.realProbability()).isCloseTo(expected.realProbability(), org.assertj.core.data.Offset.offset(1e-5));
            for (int n = 0; n < 2; n++) {
                compare(n == 0 ? "generator" : "discriminator", step, before[n], reference[n], fast[n], sgd);
            }
        }
    }

    @Test
    void autoPicksOneDnnForFloatDcgansAndDl4jOtherwise() {
        ImageShape shape = new ImageShape(1, 16, 16);
        MultiLayerNetwork[] floats = networks(List.of(8, 16), shape, 4, true);
        assertThat(TrainingStep.create(TrainingEngine.AUTO, floats[0], floats[1], shape, LATENT, 4, true, BATCH).engine())
                .isEqualTo("onednn");
        assertThat(TrainingStep.create(TrainingEngine.DL4J, floats[0], floats[1], shape, LATENT, 4, true, BATCH))
                .isInstanceOf(Dl4jTrainingStep.class);

        DcganSpec spec = new DcganSpec(LATENT, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        MultiLayerNetwork generator = DcganNetworks.generator(spec, shape, 4, new Sgd(1.0), 3, DataType.DOUBLE);
        MultiLayerNetwork discriminator = DcganNetworks.discriminator(spec, shape, 4, new Sgd(1.0), 4, DataType.DOUBLE);
        assertThat(TrainingStep.create(TrainingEngine.AUTO, generator, discriminator, shape, LATENT, 4, true, BATCH))
                .isInstanceOf(Dl4jTrainingStep.class);
        assertThatThrownBy(() -> TrainingStep.create(TrainingEngine.ONEDNN, generator, discriminator, shape, LATENT, 4,
                true, BATCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.engine is onednn")
                .hasMessageContaining("float32");
    }

    private static void compare(String name, int step, INDArray before, MultiLayerNetwork reference,
            MultiLayerNetwork fast, boolean sgd) {
        // Adam turns the noise in the biases before BatchNorm into ±lr steps, which shift the BatchNorm
        // batch means and so the running means a little: a looser bound there.
        double limit = sgd ? 1e-4 : 5e-3;
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (Map.Entry<String, INDArray> entry : reference.paramTable().entrySet()) {
            if (feedsBatchNorm(reference, entry.getKey())) {
                continue;
            }
            INDArray expected = entry.getValue();
            INDArray actual = fast.paramTable().get(entry.getKey());
            double relative = expected.sub(actual).norm2Number().doubleValue()
                    / Math.max(expected.norm2Number().doubleValue(), 1e-3);
            report.append(String.format("%n  %s %s: %.2e", name, entry.getKey(), relative));
            worst = Math.max(worst, relative);
        }
        assertThat(worst).as("parameters after step " + step + report).isLessThan(limit);
        INDArray change = before.sub(reference.params());
        INDArray fastChange = before.sub(fast.params());
        double relative = change.sub(fastChange).norm2Number().doubleValue() / change.norm2Number().doubleValue();
        assertThat(relative).as(name + " parameter change, step " + step).isLessThan(sgd ? 1e-3 : 1e-2);
    }

    private static org.assertj.core.data.Offset<Double> tolerance(double expected) {
        return org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(expected)));
    }

    /**
     * A bias right before a BatchNorm has a true gradient of 0 (BN removes per-channel constants): both
     * paths only accumulate rounding noise there, which Adam would even amplify to ±lr, so those are
     * not compared.
     */
    private static boolean feedsBatchNorm(MultiLayerNetwork network, String key) {
        int layer = Integer.parseInt(key.substring(0, key.indexOf('_')));
        var confs = network.getLayerWiseConfigurations().getConfs();
        return key.endsWith("_b") && layer + 1 < confs.size()
                && confs.get(layer + 1).getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
    }

    private static MultiLayerNetwork[] networks(List<Integer> widths, ImageShape shape, int classes, boolean sgd) {
        DcganSpec spec = new DcganSpec(LATENT, widths, 5, 0.2, 0.9, 0.02);
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(spec, shape, classes, sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8), 3,
                    DataType.FLOAT),
            DcganNetworks.discriminator(spec, shape, classes, sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8), 4,
                    DataType.FLOAT)
        };
    }
}
