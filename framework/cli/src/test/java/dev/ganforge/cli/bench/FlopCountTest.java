package dev.ganforge.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** FLOP counts of a tiny cGAN, worked out by hand with the reference script's rules. */
class FlopCountTest {

    @Test
    void countsConvolutionsDeconvolutionsAndDenseLayersLikeTheReference() {
        // latent 4, K = 3, layers [4, 8], 3x3 kernels, 8x8x1 images, batch 8
        DcganSpec spec = new DcganSpec(4, List.of(4, 8), 3, 0.2, 0.9, 0.02);
        ImageShape shape = new ImageShape(1, 8, 8);
        var generator = DcganNetworks.generator(spec, shape, 3, new Adam(), 1, DataType.FLOAT);
        var discriminator =
                DcganNetworks.discriminator(spec, shape, 3, new Adam(), 1, DataType.FLOAT);

        double g = FlopCount.forward(generator, Nd4j.rand(DataType.FLOAT, 8, 7));
        double d = FlopCount.forward(discriminator, Nd4j.rand(DataType.FLOAT, 8, 4, 8, 8));

        // G: dense 7 -> 8·2·2; deconv 8 -> 4 on 2x2 inputs; deconv 4 -> 1 on 4x4 inputs
        double expectedG = 2.0 * 8 * (32 * 7 + 8 * 2 * 2 * 4 * 9 + 4 * 4 * 4 * 1 * 9);
        // D: conv 4 -> 4 giving 4x4; conv 4 -> 8 giving 2x2; dense 32 -> 1
        double expectedD = 2.0 * 8 * (4 * 4 * 4 * 4 * 9 + 8 * 2 * 2 * 4 * 9 + 32);
        assertThat(g).isEqualTo(expectedG);
        assertThat(d).isEqualTo(expectedD);
        assertThat(FlopCount.step(g, d)).isEqualTo(4 * expectedG + 9 * expectedD);
    }
}
