package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.runtime.NativeRuntime;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Guards the oneDNN fast path: the same training step with DL4J's oneDNN helpers and with the plain
 * im2col path must produce the same gradients (float32, within the bound {@link Float64Bound}
 * derives from the same step in float64), and the helpers must really be in use where the oneDNN
 * build is loaded (the test suite runs with it, see the surefire argLine), so a silent fallback to
 * the slow path fails here.
 */
class OneDnnHelperEquivalenceTest {

    private static final ImageShape SHAPE = new ImageShape(1, 16, 16);
    private static final int CLASSES = 4;
    private static final int BATCH = 8;
    private final String previous = System.getProperty(NativeRuntime.HELPERS_DISABLED_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (previous == null) {
            System.clearProperty(NativeRuntime.HELPERS_DISABLED_PROPERTY);
        } else {
            System.setProperty(NativeRuntime.HELPERS_DISABLED_PROPERTY, previous);
        }
    }

    @Test
    void helperPathGivesThePlainPathsGradients() {
        assertThat(System.getProperty(NativeRuntime.EXTENSION_PROPERTY)).isEqualTo("-onednn-avx2");
        MultiLayerNetwork[] plain = networks(true);
        MultiLayerNetwork[] fast = networks(false);
        assertThat(fast[1].getLayer(0).getHelper()).as("oneDNN convolution helper").isNotNull();
        assertThat(plain[1].getLayer(0).getHelper()).isNull();
        fast[0].setParams(plain[0].params().dup());
        fast[1].setParams(plain[1].params().dup());
        MultiLayerNetwork[] exact = {
            plain[0].convertDataType(DataType.DOUBLE), plain[1].convertDataType(DataType.DOUBLE)
        };

        INDArray[] plainDelta = step(plain);
        INDArray[] fastDelta = step(fast);
        INDArray[] exactDelta = step(exact);

        for (int i = 0; i < 2; i++) {
            Float64Bound.assertWithin(
                    i == 0 ? "generator gradient" : "discriminator gradient",
                    fastDelta[i],
                    plainDelta[i],
                    exactDelta[i],
                    Float64Bound.reductionLength(plain[i]));
        }
    }

    private static MultiLayerNetwork[] networks(boolean helpersDisabled) {
        System.setProperty(
                NativeRuntime.HELPERS_DISABLED_PROPERTY, Boolean.toString(helpersDisabled));
        DcganSpec spec = new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(spec, SHAPE, CLASSES, new Sgd(1.0), 3, DataType.FLOAT),
            DcganNetworks.discriminator(spec, SHAPE, CLASSES, new Sgd(1.0), 4, DataType.FLOAT)
        };
    }

    /**
     * One step with SGD at learning rate 1 (the parameter change is minus the gradient), from
     * inputs drawn in float32 and cast to the networks' data type, so every precision sees the same
     * values.
     */
    private static INDArray[] step(MultiLayerNetwork[] networks) {
        Nd4j.getRandom().setSeed(11);
        DataType type = networks[0].params().dataType();
        INDArray real = Nd4j.rand(DataType.FLOAT, BATCH, 1, 16, 16).muli(2).subi(1).castTo(type);
        INDArray z = Nd4j.rand(DataType.FLOAT, BATCH, 8).muli(2).subi(1).castTo(type);
        int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
        INDArray generatorBefore = networks[0].params().dup();
        INDArray discriminatorBefore = networks[1].params().dup();
        new Dl4jTrainingStep(
                        new StepSetup(networks[0], networks[1], SHAPE, 8, CLASSES, true, BATCH))
                .step(real, labels, z, labels, 0, 0);
        return new INDArray[] {
            generatorBefore.sub(networks[0].params()), discriminatorBefore.sub(networks[1].params())
        };
    }
}
