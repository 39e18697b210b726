package dev.ganforge.plugin.cgan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.plugin.gan.DcganModelPlugin;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.GeneratorNorm;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import dev.ganforge.spi.layer.ConditioningDenseLayer;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@code generator_norm: conditional} on the conditional models: the generator's BatchNorm layers
 * become {@link ConditionalBatchNormalization} with K×C tables, a class's row changes that class's
 * images only, the tables survive a checkpoint, and an unconditional model refuses the option.
 */
class CganConditionalBatchNormTest {

    private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    private static final int CLASSES = 3;
    private static final int LATENT = 8;

    private static DcganSpec spec(GeneratorNorm norm) {
        return new DcganSpec(LATENT, List.of(4, 8), 3, 0.2, 0.9, 0.02).withGeneratorNorm(norm);
    }

    private static MultiLayerNetwork generator() {
        return new CganModelPlugin()
                .createGenerator(
                        spec(GeneratorNorm.CONDITIONAL),
                        new ModelContext(SHAPE, CLASSES, new Adam(1e-3), new Adam(1e-3), 7));
    }

    /** [z | one-hot] for the same z with each label in turn. */
    private static INDArray input(INDArray z, int... labels) {
        INDArray oneHot =
                Conditioning.oneHot(labels, Nd4j.create(DataType.FLOAT, labels.length, CLASSES));
        return Conditioning.generatorInput(
                z, oneHot, Nd4j.create(DataType.FLOAT, labels.length, LATENT + CLASSES));
    }

    private static List<Layer> conditionalLayers(MultiLayerNetwork generator) {
        return java.util.Arrays.stream(generator.getLayers())
                .filter(l -> l.conf().getLayer() instanceof ConditionalBatchNormalization)
                .toList();
    }

    @Test
    void everyGeneratorBatchNormIsConditionalWithKByCTables() {
        MultiLayerNetwork generator = generator();
        assertThat(generator.getLayerWiseConfigurations().getConf(0).getLayer())
                .isInstanceOf(ConditioningDenseLayer.class);
        List<Layer> layers = conditionalLayers(generator);
        assertThat(layers).hasSize(2);
        for (Layer layer : layers) {
            long channels = ((ConditionalBatchNormalization) layer.conf().getLayer()).getNOut();
            INDArray gamma = layer.getParam(ConditionalBatchNormalization.GAMMA_TABLE);
            INDArray beta = layer.getParam(ConditionalBatchNormalization.BETA_TABLE);
            assertThat(gamma.shape()).containsExactly(CLASSES, channels);
            assertThat(beta.shape()).containsExactly(CLASSES, channels);
            assertThat(gamma.minNumber().doubleValue()).isEqualTo(1.0);
            assertThat(gamma.maxNumber().doubleValue()).isEqualTo(1.0);
            assertThat(beta.norm1Number().doubleValue()).isZero();
        }
    }

    @Test
    void aClassesScaleAndShiftChangeOnlyThatClassesImages() {
        MultiLayerNetwork generator = generator();
        // Without the one-hot columns of the dense layer, the label reaches G only through the
        // conditional BatchNorm tables.
        generator
                .getLayer(0)
                .getParam("W")
                .get(NDArrayIndex.interval(LATENT, LATENT + CLASSES), NDArrayIndex.all())
                .assign(0);
        INDArray z = Nd4j.rand(DataType.FLOAT, 1, LATENT).repeat(0, 2);
        INDArray before = generator.output(input(z, 0, 1), false).dup();
        assertThat(
                        before.get(NDArrayIndex.point(0))
                                .equalsWithEps(before.get(NDArrayIndex.point(1)), 0))
                .as("equal tables: class 0 and 1 give the same image")
                .isTrue();

        Layer first = conditionalLayers(generator).get(0);
        first.getParam(ConditionalBatchNormalization.GAMMA_TABLE)
                .getRow(1)
                .assign(
                        Nd4j.rand(
                                        DataType.FLOAT,
                                        first.getParam(ConditionalBatchNormalization.GAMMA_TABLE)
                                                .size(1))
                                .addi(0.5));
        first.getParam(ConditionalBatchNormalization.BETA_TABLE).getRow(1).assign(0.3);
        INDArray after = generator.output(input(z, 0, 1), false);

        assertThat(
                        after.get(NDArrayIndex.point(0))
                                .equalsWithEps(before.get(NDArrayIndex.point(0)), 0))
                .as("class 0 keeps its image")
                .isTrue();
        double change =
                after.get(NDArrayIndex.point(1))
                        .sub(before.get(NDArrayIndex.point(1)))
                        .norm2Number()
                        .doubleValue();
        assertThat(change).as("class 1's image changes with its own γ/β").isGreaterThan(1e-3);
    }

    @Test
    void checkpointRestoresTheTables(@TempDir Path directory) throws Exception {
        MultiLayerNetwork generator = generator();
        Nd4j.getRandom().setSeed(3);
        for (Layer layer : conditionalLayers(generator)) {
            INDArray gamma = layer.getParam(ConditionalBatchNormalization.GAMMA_TABLE);
            gamma.assign(Nd4j.rand(DataType.FLOAT, gamma.shape()).addi(0.5));
            INDArray beta = layer.getParam(ConditionalBatchNormalization.BETA_TABLE);
            beta.assign(Nd4j.randn(DataType.FLOAT, beta.shape()));
        }
        File file = directory.resolve("generator.zip").toFile();
        ModelSerializer.writeModel(generator, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        List<Layer> original = conditionalLayers(generator);
        List<Layer> copies = conditionalLayers(restored);
        assertThat(copies).hasSize(original.size());
        for (int i = 0; i < copies.size(); i++) {
            assertThat(copies.get(i).conf().getLayer())
                    .isEqualTo(original.get(i).conf().getLayer());
            for (String key :
                    List.of(
                            ConditionalBatchNormalization.GAMMA_TABLE,
                            ConditionalBatchNormalization.BETA_TABLE)) {
                assertThat(
                                copies.get(i)
                                        .getParam(key)
                                        .equalsWithEps(original.get(i).getParam(key), 0))
                        .as(key)
                        .isTrue();
            }
        }
        INDArray in = input(Nd4j.rand(DataType.FLOAT, 3, LATENT), 0, 1, 2);
        assertThat(restored.output(in, false).equalsWithEps(generator.output(in, false), 0))
                .isTrue();
    }

    @Test
    void anUnconditionalModelRefusesTheOptionNamingTheKey() {
        List<String> problems =
                new DcganModelPlugin().check(spec(GeneratorNorm.CONDITIONAL), SHAPE);
        assertThat(problems)
                .singleElement()
                .asString()
                .contains("model.generator_norm", "'conditional'", "generator_norm: batch", "cgan");
        assertThat(new CganModelPlugin().check(spec(GeneratorNorm.CONDITIONAL), SHAPE)).isEmpty();
        assertThat(new DcganModelPlugin().check(spec(GeneratorNorm.BATCH), SHAPE)).isEmpty();
        assertThatThrownBy(
                        () ->
                                new DcganModelPlugin()
                                        .createGenerator(
                                                spec(GeneratorNorm.CONDITIONAL),
                                                new ModelContext(
                                                        SHAPE,
                                                        CLASSES,
                                                        new Adam(1e-3),
                                                        new Adam(1e-3),
                                                        7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.generator_norm");
    }
}
