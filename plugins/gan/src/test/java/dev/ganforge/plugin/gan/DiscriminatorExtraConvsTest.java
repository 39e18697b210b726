package dev.ganforge.plugin.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.ImageShape;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Where {@code model.discriminator_extra_convs} puts its stride-1 convolutions: after every stage's
 * stride-2 convolution ({@code discriminator_extra_convs_at: all}) or only after the last one
 * ({@code lowest}), each at that stage's width.
 */
class DiscriminatorExtraConvsTest {

    private static final ImageShape SHAPE = new ImageShape(1, 16, 16);
    private static final DcganSpec DCGAN = new DcganSpec(8, List.of(4, 8, 12), 5, 0.2, 0.9, 0.02);

    @Test
    void allStagesGetTheirExtraConvolutionsAtTheirOwnWidth() {
        List<String> convolutions =
                convolutions(DCGAN.withDiscriminatorExtraConvs(2, ExtraConvStages.ALL));
        assertThat(convolutions)
                .containsExactly(
                        "5x5/2 -> 4",
                        "3x3/1 -> 4",
                        "3x3/1 -> 4",
                        "5x5/2 -> 8",
                        "3x3/1 -> 8",
                        "3x3/1 -> 8",
                        "5x5/2 -> 12",
                        "3x3/1 -> 12",
                        "3x3/1 -> 12");
    }

    @Test
    void lowestPutsThemOnlyAfterTheLastStrideTwoConvolution() {
        List<String> convolutions =
                convolutions(DCGAN.withDiscriminatorExtraConvs(2, ExtraConvStages.LOWEST));
        assertThat(convolutions)
                .containsExactly(
                        "5x5/2 -> 4", "5x5/2 -> 8", "5x5/2 -> 12", "3x3/1 -> 12", "3x3/1 -> 12");
    }

    @Test
    void noExtraConvolutionsIsDcgansDiscriminatorWhereverTheyWouldGo() {
        List<String> dcgan = List.of("5x5/2 -> 4", "5x5/2 -> 8", "5x5/2 -> 12");
        assertThat(convolutions(DCGAN)).isEqualTo(dcgan);
        assertThat(convolutions(DCGAN.withDiscriminatorExtraConvs(0, ExtraConvStages.LOWEST)))
                .isEqualTo(dcgan);
    }

    @Test
    void codeIsHeldToTheYamlRangeOfZeroToThree() {
        assertThat(convolutions(DCGAN.withDiscriminatorExtraConvs(3, ExtraConvStages.LOWEST)))
                .hasSize(6);
        for (int count : new int[] {-1, 4}) {
            assertThatThrownBy(() -> DCGAN.withDiscriminatorExtraConvs(count, ExtraConvStages.ALL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'discriminator_extra_convs' must be 0 to 3, got " + count);
        }
    }

    @Test
    void theDeeperDiscriminatorStillGivesOneLogitPerImage() {
        MultiLayerNetwork discriminator =
                network(DCGAN.withDiscriminatorExtraConvs(1, ExtraConvStages.LOWEST));
        INDArray logits = discriminator.output(Nd4j.rand(DataType.FLOAT, 3, 1, 16, 16));
        assertThat(logits.shape()).containsExactly(3, 1);
    }

    /** Each convolution as {@code "KxK/stride -> width"}, in layer order. */
    private static List<String> convolutions(DcganSpec spec) {
        MultiLayerNetwork discriminator =
                network(spec.withDiscriminatorNorm(DiscriminatorNorm.NONE));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < discriminator.getnLayers(); i++) {
            if (discriminator.getLayer(i).conf().getLayer() instanceof ConvolutionLayer conv) {
                seen.add(
                        conv.getKernelSize()[0]
                                + "x"
                                + conv.getKernelSize()[1]
                                + "/"
                                + conv.getStride()[0]
                                + " -> "
                                + conv.getNOut());
            }
        }
        return seen;
    }

    private static MultiLayerNetwork network(DcganSpec spec) {
        return DcganNetworks.discriminator(spec, SHAPE, 0, 1, new Sgd(0.1), 5, DataType.FLOAT);
    }
}
