package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A transposed convolution adds its bias in one of two ways ({@link ConvolutionOp}): a separate
 * oneDNN binary primitive where the destination's channel block divides the channel count, else
 * inside the deconvolution primitive. Both must give DL4J's forward result within the bound {@link
 * Float64Bound} derives from DL4J's own float32 error against float64. The channel counts cover
 * both ways on AVX2 (blocks of 8) and AVX-512 (blocks of 16): 4 (plain layout), 12 (no block
 * divides it), 16, 24 (a multiple of 8, not of 16).
 */
class OneDnnDeconvolutionBiasTest {

    private static final int B = 3;
    private static final int C_IN = 8;
    private static final int H = 7;
    private static final int W = 5;
    private static final int KERNEL = 5;

    private static MultiLayerNetwork network(int outputs) {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(5)
                                .dataType(DataType.FLOAT)
                                .updater(new Sgd(1))
                                .list()
                                .layer(
                                        new Deconvolution2D.Builder(KERNEL, KERNEL)
                                                .stride(2, 2)
                                                .nOut(outputs)
                                                .convolutionMode(ConvolutionMode.Same)
                                                .activation(Activation.IDENTITY)
                                                .build())
                                .setInputType(InputType.convolutional(H, W, C_IN))
                                .build());
        network.init();
        // A bias far from zero and different per channel: a bias dropped, added twice or added
        // to the wrong channels is far outside the bound.
        network.getLayer(0)
                .getParam("b")
                .assign(Nd4j.linspace(DataType.FLOAT, -3, 0.5, outputs).reshape(1, outputs));
        return network;
    }

    @Test
    void bothWaysOfAddingTheBiasGiveDl4jsOutput() {
        Map<Integer, Boolean> separately = new TreeMap<>();
        for (int outputs : new int[] {4, 12, 16, 24}) {
            MultiLayerNetwork network = network(outputs);
            Nd4j.getRandom().setSeed(outputs);
            INDArray in = Nd4j.randn(DataType.FLOAT, B, C_IN, H, W);
            INDArray exact =
                    network.convertDataType(DataType.DOUBLE).output(in.castTo(DataType.DOUBLE));
            INDArray dl4j32 = network.output(in);
            try (OneDnnNetwork compiled = new OneDnnNetwork(network, in.shape(), C_IN)) {
                WeightedOp op = (WeightedOp) compiled.ops().get(0);
                separately.put(outputs, op.addsBiasSeparately());
                Float64Bound.assertWithin(
                        "output of the deconvolution to " + outputs + " channels",
                        compiled.forward(in).dup(),
                        dl4j32,
                        exact,
                        (long) C_IN * KERNEL * KERNEL);
            }
        }
        // Both code paths are reached, whatever blocking this CPU's kernels prefer; 16 channels
        // fill whole blocks of 8 or 16 and so must take the binary add.
        assertThat(separately)
                .as("bias added separately, per channel count")
                .containsEntry(16, true)
                .containsValues(true, false);
    }
}
