package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
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

    @ParameterizedTest(name = "conditional={0} layers={1} C={2} {3}x{4} k={5} B={6} sgd={7}")
    @CsvSource({
        // the last column bounds the relative parameter difference: float32 sums in another order
        // drift
        // ~1e-5 per step; batch 1 with SGD at lr 1 saturates D (logits ~ -37) and drifts ~1e-4 per
        // step
        "true, 8;16, 1, 16, 16, 5, 8, true, 1e-4",
        "false, 8;16;32, 1, 16, 16, 5, 8, true, 1e-4",
        "true, 8;16, 1, 16, 16, 5, 8, false, 5e-3",
        "true, 16;32, 1, 28, 28, 5, 8, true, 1e-4",
        "true, 8;16, 1, 16, 16, 4, 8, true, 3e-4", // even kernel: uneven same-mode padding
        "true, 8;16, 1, 16, 16, 3, 8, true, 3e-4",
        "true, 8;16, 3, 16, 16, 5, 8, true, 3e-4", // RGB: the image-channel slice of D's input
        // gradient
        "false, 8;16, 3, 16, 16, 5, 8, true, 3e-4",
        "true, 8;16, 3, 16, 32, 4, 8, true, 3e-4", // not square
        "true, 8;16, 1, 16, 16, 5, 1, true, 1e-3", // batch 1
        "true, 4;8, 3, 16, 16, 3, 5, true, 3e-4" // odd batch; D's first convolution with a plain
        // layout (< 8 outputs)
    })
    void sameParameterChangesAsDl4j(
            boolean conditional,
            String layers,
            int channels,
            int height,
            int width,
            int kernel,
            int batch,
            boolean sgd,
            double limit) {
        List<Integer> widths =
                java.util.Arrays.stream(layers.split(";")).map(Integer::parseInt).toList();
        ImageShape shape = new ImageShape(channels, height, width);
        int classes = conditional ? 4 : 0;
        MultiLayerNetwork[] reference = networks(widths, shape, classes, kernel, sgd);
        MultiLayerNetwork[] fast = networks(widths, shape, classes, kernel, sgd);
        fast[0].setParams(reference[0].params().dup());
        fast[1].setParams(reference[1].params().dup());
        compareSteps(reference, fast, shape, conditional, batch, 0, limit);
    }

    /**
     * Both steps continue from networks restored from a checkpoint (with updater state) after two
     * steps.
     */
    @Test
    void sameParameterChangesAfterARestore(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) throws Exception {
        ImageShape shape = new ImageShape(1, 16, 16);
        MultiLayerNetwork[] original = networks(List.of(8, 16), shape, 4, 5, false);
        TrainingStep first =
                new OneDnnTrainingStep(
                        new StepSetup(original[0], original[1], shape, LATENT, 4, true, BATCH));
        int[] labels = {0, 1, 2, 3, 3, 2, 1, 0};
        for (int step = 0; step < 2; step++) {
            first.step(
                    Nd4j.rand(DataType.FLOAT, BATCH, 1, 16, 16),
                    labels,
                    Nd4j.rand(DataType.FLOAT, BATCH, LATENT),
                    labels,
                    step,
                    0);
        }
        java.io.File g = temp.resolve("g.zip").toFile();
        java.io.File d = temp.resolve("d.zip").toFile();
        ModelSerializer.writeModel(original[0], g, true);
        ModelSerializer.writeModel(original[1], d, true);
        MultiLayerNetwork[] reference = {
            ModelSerializer.restoreMultiLayerNetwork(g, true),
            ModelSerializer.restoreMultiLayerNetwork(d, true)
        };
        MultiLayerNetwork[] fast = {
            ModelSerializer.restoreMultiLayerNetwork(g, true),
            ModelSerializer.restoreMultiLayerNetwork(d, true)
        };
        compareSteps(reference, fast, shape, true, BATCH, 2, 5e-3);
    }

    /** Three steps of both implementations from equal networks and inputs, compared after each. */
    private static void compareSteps(
            MultiLayerNetwork[] reference,
            MultiLayerNetwork[] fast,
            ImageShape shape,
            boolean conditional,
            int batch,
            int firstStep,
            double limit) {
        TrainingStep referenceStep =
                new Dl4jTrainingStep(
                        new StepSetup(
                                reference[0], reference[1], shape, LATENT, 4, conditional, batch));
        TrainingStep fastStep =
                new OneDnnTrainingStep(
                        new StepSetup(fast[0], fast[1], shape, LATENT, 4, conditional, batch));
        Nd4j.getRandom().setSeed(5);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 3 + 1) % 4;
        }
        for (int step = firstStep; step < firstStep + 3; step++) {
            INDArray real =
                    Nd4j.rand(
                                    DataType.FLOAT,
                                    batch,
                                    shape.channels(),
                                    shape.height(),
                                    shape.width())
                            .muli(2)
                            .subi(1);
            INDArray z = Nd4j.rand(DataType.FLOAT, batch, LATENT).muli(2).subi(1);
            INDArray[] before = {reference[0].params().dup(), reference[1].params().dup()};
            StepResult expected = referenceStep.step(real, labels, z, labels, step, 0);
            StepResult actual = fastStep.step(real, labels, z, labels, step, 0);
            assertThat(actual.discriminatorLoss())
                    .as("D loss, step " + step)
                    .isCloseTo(
                            expected.discriminatorLoss(), tolerance(expected.discriminatorLoss()));
            assertThat(actual.generatorLoss())
                    .as("G loss, step " + step)
                    .isCloseTo(expected.generatorLoss(), tolerance(expected.generatorLoss()));
            assertThat(actual.realProbability())
                    .isCloseTo(
                            expected.realProbability(), org.assertj.core.data.Offset.offset(1e-4));
            for (int n = 0; n < 2; n++) {
                compare(
                        n == 0 ? "generator" : "discriminator",
                        step,
                        before[n],
                        reference[n],
                        fast[n],
                        limit);
            }
        }
    }

    @Test
    void autoPicksOneDnnForFloatDcgansAndDl4jOtherwise() {
        ImageShape shape = new ImageShape(1, 16, 16);
        MultiLayerNetwork[] floats = networks(List.of(8, 16), shape, 4, 5, true);
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.AUTO,
                                        new StepSetup(
                                                floats[0], floats[1], shape, LATENT, 4, true,
                                                BATCH))
                                .engine())
                .isEqualTo("onednn");
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.DL4J,
                                        new StepSetup(
                                                floats[0], floats[1], shape, LATENT, 4, true,
                                                BATCH)))
                .isInstanceOf(Dl4jTrainingStep.class);

        DcganSpec spec = new DcganSpec(LATENT, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        MultiLayerNetwork generator =
                DcganNetworks.generator(spec, shape, 4, new Sgd(1.0), 3, DataType.DOUBLE);
        MultiLayerNetwork discriminator =
                DcganNetworks.discriminator(spec, shape, 4, new Sgd(1.0), 4, DataType.DOUBLE);
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.AUTO,
                                        new StepSetup(
                                                generator,
                                                discriminator,
                                                shape,
                                                LATENT,
                                                4,
                                                true,
                                                BATCH)))
                .isInstanceOf(Dl4jTrainingStep.class);
        assertThatThrownBy(
                        () ->
                                TrainingEngines.discover()
                                        .create(
                                                TrainingEngine.ONEDNN,
                                                new StepSetup(
                                                        generator,
                                                        discriminator,
                                                        shape,
                                                        LATENT,
                                                        4,
                                                        true,
                                                        BATCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.engine is onednn")
                .hasMessageContaining("float32");
    }

    private static void compare(
            String name,
            int step,
            INDArray before,
            MultiLayerNetwork reference,
            MultiLayerNetwork fast,
            double limit) {
        // With Adam (limit 5e-3) the noise in the biases before BatchNorm becomes ±lr steps, which
        // shift
        // the BatchNorm batch means and so the running means a little.
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (Map.Entry<String, INDArray> entry : reference.paramTable().entrySet()) {
            if (feedsBatchNorm(reference, entry.getKey())) {
                continue;
            }
            INDArray expected = entry.getValue();
            INDArray actual = fast.paramTable().get(entry.getKey());
            double relative =
                    expected.sub(actual).norm2Number().doubleValue()
                            / Math.max(expected.norm2Number().doubleValue(), 1e-3);
            report.append(String.format("%n  %s %s: %.2e", name, entry.getKey(), relative));
            worst = Math.max(worst, relative);
        }
        assertThat(worst).as("parameters after step " + step + report).isLessThan(limit);
        INDArray change = before.sub(reference.params());
        INDArray fastChange = before.sub(fast.params());
        double relative =
                change.sub(fastChange).norm2Number().doubleValue()
                        / change.norm2Number().doubleValue();
        assertThat(relative).as(name + " parameter change, step " + step).isLessThan(10 * limit);
    }

    private static org.assertj.core.data.Offset<Double> tolerance(double expected) {
        return org.assertj.core.data.Offset.offset(1e-3 * Math.max(1, Math.abs(expected)));
    }

    /**
     * A bias right before a BatchNorm has a true gradient of 0 (BN removes per-channel constants):
     * both paths only accumulate rounding noise there, which Adam would even amplify to ±lr, so
     * those are not compared.
     */
    private static boolean feedsBatchNorm(MultiLayerNetwork network, String key) {
        int layer = Integer.parseInt(key.substring(0, key.indexOf('_')));
        var confs = network.getLayerWiseConfigurations().getConfs();
        return key.endsWith("_b")
                && layer + 1 < confs.size()
                && confs.get(layer + 1).getLayer()
                        instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
    }

    private static MultiLayerNetwork[] networks(
            List<Integer> widths, ImageShape shape, int classes, int kernel, boolean sgd) {
        DcganSpec spec = new DcganSpec(LATENT, widths, kernel, 0.2, 0.9, 0.02);
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(
                    spec,
                    shape,
                    classes,
                    sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8),
                    3,
                    DataType.FLOAT),
            DcganNetworks.discriminator(
                    spec,
                    shape,
                    classes,
                    sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8),
                    4,
                    DataType.FLOAT)
        };
    }
}
