package dev.ganforge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ConditioningTest {

    private static final int[] LABELS = {2, 0, 1, 2};
    private static final int CLASSES = 3;

    @Test
    void oneHotSetsExactlyTheLabelColumn() {
        INDArray out = Nd4j.valueArrayOf(new long[] {4, CLASSES}, 7.0, DataType.DOUBLE);
        INDArray oneHot = Conditioning.oneHot(LABELS, out);
        assertThat(oneHot).isSameAs(out);
        for (int i = 0; i < LABELS.length; i++) {
            for (int k = 0; k < CLASSES; k++) {
                assertThat(oneHot.getDouble(i, k))
                        .as("[%d, %d]", i, k)
                        .isEqualTo(k == LABELS[i] ? 1.0 : 0.0);
            }
        }
    }

    @Test
    void generatorInputIsZFollowedByTheOneHotLabel() {
        INDArray z = Nd4j.arange(4 * 5).castTo(DataType.DOUBLE).reshape(4, 5).addi(0.5);
        INDArray oneHot = oneHot(LABELS);
        INDArray input =
                Conditioning.generatorInput(
                        z, oneHot, Nd4j.create(DataType.DOUBLE, 4, 5 + CLASSES));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                assertThat(input.getDouble(i, j)).isEqualTo(z.getDouble(i, j));
            }
            for (int k = 0; k < CLASSES; k++) {
                assertThat(input.getDouble(i, 5 + k)).isEqualTo(k == LABELS[i] ? 1.0 : 0.0);
            }
        }
    }

    @Test
    void unconditionalGeneratorInputIsJustZ() {
        INDArray z = Nd4j.rand(DataType.DOUBLE, 4, 5);
        INDArray input = Conditioning.generatorInput(z, null, Nd4j.create(DataType.DOUBLE, 4, 5));
        assertThat(input).isEqualTo(z);
    }

    @Test
    void discriminatorInputAppendsOneAllOnesMapForTheLabel() {
        int channels = 2;
        INDArray images = Nd4j.rand(DataType.DOUBLE, 4, channels, 3, 5).subi(0.5);
        INDArray input =
                Conditioning.discriminatorInput(
                        images,
                        oneHot(LABELS),
                        Nd4j.valueArrayOf(
                                new long[] {4, channels + CLASSES, 3, 5}, -9.0, DataType.DOUBLE));
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < channels; c++) {
                assertThat(input.slice(i).slice(c))
                        .as("image channel %d of example %d", c, i)
                        .isEqualTo(images.slice(i).slice(c));
            }
            for (int k = 0; k < CLASSES; k++) {
                INDArray map = input.slice(i).slice(channels + k);
                double expected = k == LABELS[i] ? 1.0 : 0.0;
                assertThat(map.minNumber().doubleValue())
                        .as("map %d of example %d (label %d)", k, i, LABELS[i])
                        .isEqualTo(expected);
                assertThat(map.maxNumber().doubleValue())
                        .as("map %d of example %d (label %d)", k, i, LABELS[i])
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void imageGradientIsTheImageChannelsOfTheInputGradient() {
        int channels = 2;
        INDArray inputGradient = Nd4j.rand(DataType.DOUBLE, 4, channels + CLASSES, 3, 3);
        INDArray imageGradient = Conditioning.imageGradient(inputGradient, channels);
        assertThat(imageGradient.shape()).containsExactly(4, channels, 3, 3);
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertThat(imageGradient.getDouble(i, c, y, x))
                                .isEqualTo(inputGradient.getDouble(i, c, y, x));
                    }
                }
            }
        }
    }

    @Test
    void shapeMismatchesAreRejected() {
        INDArray z = Nd4j.rand(DataType.DOUBLE, 4, 5);
        INDArray oneHot = oneHot(LABELS);
        assertThatThrownBy(
                        () ->
                                Conditioning.generatorInput(
                                        z, oneHot, Nd4j.create(DataType.DOUBLE, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, 8]");
        assertThatThrownBy(
                        () ->
                                Conditioning.generatorInput(
                                        z, oneHot, Nd4j.create(DataType.DOUBLE, 3, 8)))
                .isInstanceOf(IllegalArgumentException.class);
        INDArray images = Nd4j.rand(DataType.DOUBLE, 4, 1, 6, 6);
        assertThatThrownBy(
                        () ->
                                Conditioning.discriminatorInput(
                                        images, oneHot, Nd4j.create(DataType.DOUBLE, 4, 1, 6, 6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, 4, 6, 6]");
        assertThatThrownBy(
                        () ->
                                Conditioning.discriminatorInput(
                                        images, oneHot, Nd4j.create(DataType.DOUBLE, 4, 4, 6, 5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> Conditioning.oneHot(LABELS, Nd4j.create(DataType.DOUBLE, 3, CLASSES)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 rows");
    }

    private static INDArray oneHot(int[] labels) {
        return Conditioning.oneHot(labels, Nd4j.create(DataType.DOUBLE, labels.length, CLASSES));
    }
}
