package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.Conditioning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DiscriminatorInputTest {

    private static final int CLASSES = 4;

    private static INDArray reference(INDArray images, int[] labels) {
        INDArray oneHot =
                Conditioning.oneHot(labels, Nd4j.create(DataType.FLOAT, labels.length, CLASSES));
        return Conditioning.discriminatorInput(
                images,
                oneHot,
                Nd4j.create(
                        DataType.FLOAT,
                        labels.length,
                        images.size(1) + CLASSES,
                        images.size(2),
                        images.size(3)));
    }

    @Test
    void everyWriteEqualsTheFullRewriteAsLabelsChange() {
        DiscriminatorInput input = new DiscriminatorInput(3, 2, CLASSES, 2, 3, DataType.FLOAT);
        int[][] labelSequence = {{0, 1, 2}, {0, 3, 2}, {3, 3, 3}, {1, 0, 2}};
        for (int[] labels : labelSequence) {
            INDArray images = Nd4j.rand(DataType.FLOAT, 3, 2, 2, 3);
            assertThat(input.write(images, labels)).isEqualTo(reference(images, labels));
        }
    }

    @Test
    void aLabelOutsideTheClassesIsRejectedWithoutChangingTheMaps() {
        DiscriminatorInput input = new DiscriminatorInput(1, 1, CLASSES, 2, 2, DataType.FLOAT);
        INDArray images = Nd4j.zeros(DataType.FLOAT, 1, 1, 2, 2);
        input.write(images, new int[] {1});
        assertThatThrownBy(() -> input.write(images, new int[] {4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 4")
                .hasMessageContaining("[0, 4)");
        assertThatThrownBy(() -> input.write(images, new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(input.write(images, new int[] {1})).isEqualTo(reference(images, new int[] {1}));
        assertThat(input.write(images, new int[] {2})).isEqualTo(reference(images, new int[] {2}));
    }

    @Test
    void anUnconditionalInputIsTheImagesOnly() {
        DiscriminatorInput input = new DiscriminatorInput(2, 1, 0, 2, 2, DataType.FLOAT);
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, 1, 2, 2);
        assertThat(input.write(images, new int[] {7, -3})).isEqualTo(images);
    }
}
