package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@link LabelMapConvolutionOp} computes the convolution over [image | label maps] without
 * convolving the maps per example: its output, weight and bias gradients and image-channel input
 * gradient must match DL4J's convolution over all channels, in float64, within the bound {@link
 * Float64Bound} derives from DL4J's own float32 error. The maps carry one-hot labels and, for the
 * linearity the op relies on, arbitrary constants (negative, fractional, all zero); the odd 13×11
 * input makes the zero padding uneven.
 */
class LabelMapConvolutionOpTest {

    private static final int B = 6;
    private static final int C = 2;
    private static final int K = 5;
    private static final int H = 13;
    private static final int W = 11;
    private static final int OUT = 16;
    private static final int KERNEL = 5;

    private static MultiLayerNetwork network() {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(11)
                                .dataType(DataType.FLOAT)
                                .updater(new Sgd(1))
                                .list()
                                .layer(
                                        new ConvolutionLayer.Builder(KERNEL, KERNEL)
                                                .stride(2, 2)
                                                .nOut(OUT)
                                                .convolutionMode(ConvolutionMode.Same)
                                                .activation(Activation.IDENTITY)
                                                .build())
                                .setInputType(InputType.convolutional(H, W, C + K))
                                .build());
        network.init();
        // A non-zero bias, so that a bias added twice (or not at all) shows.
        network.getLayer(0).getParam("b").assign(Nd4j.randn(DataType.FLOAT, 1, OUT));
        return network;
    }

    /** Images random; label maps constant per channel: one-hot rows, then arbitrary constants. */
    private static INDArray input() {
        return input(
                new float[][] {
                    {1, 0, 0, 0, 0},
                    {0, 0, 0, 0, 1},
                    {0, 0, 1, 0, 0},
                    {0.7f, -0.3f, 0, 2.5f, 0},
                    {0, 0, 0, 0, 0},
                    {-1, 1, -1, 1, 0.125f}
                });
    }

    /**
     * One-hot rows only, a class repeated and one unused, as training passes have (the op gathers
     * L's rows instead of multiplying).
     */
    private static INDArray oneHotInput() {
        return input(
                new float[][] {
                    {0, 0, 0, 0, 1},
                    {0, 1, 0, 0, 0},
                    {0, 0, 0, 0, 1},
                    {1, 0, 0, 0, 0},
                    {0, 0, 1, 0, 0},
                    {0, 1, 0, 0, 0}
                });
    }

    /** Images random (seeded); label map k of example b constant {@code coefficients[b][k]}. */
    private static INDArray input(float[][] coefficients) {
        Nd4j.getRandom().setSeed(3);
        INDArray in = Nd4j.randn(DataType.FLOAT, B, C + K, H, W);
        for (int b = 0; b < B; b++) {
            for (int k = 0; k < K; k++) {
                in.get(
                                NDArrayIndex.point(b),
                                NDArrayIndex.point(C + k),
                                NDArrayIndex.all(),
                                NDArrayIndex.all())
                        .assign(coefficients[b][k]);
            }
        }
        return in;
    }

    private record Pass(INDArray out, INDArray weights, INDArray bias, INDArray inputGradient) {}

    private static Pass dl4j(MultiLayerNetwork network, INDArray in, INDArray outputGradient) {
        network.setInput(in);
        List<INDArray> activations = network.feedForward(true, false);
        INDArray out = activations.get(activations.size() - 1).dup();
        Pair<Gradient, INDArray> pass =
                network.backpropGradient(outputGradient, LayerWorkspaceMgr.noWorkspaces());
        return new Pass(
                out,
                pass.getFirst().getGradientFor("0_W").dup(),
                pass.getFirst().getGradientFor("0_b").dup(),
                pass.getSecond()
                        .get(
                                NDArrayIndex.all(),
                                NDArrayIndex.interval(0, C),
                                NDArrayIndex.all(),
                                NDArrayIndex.all())
                        .dup());
    }

    /**
     * Runs {@code compiled} and DL4J (float32 and float64) on the same input and output gradient
     * and checks the op against both.
     */
    private static void assertMatchesDl4j(
            OneDnnNetwork compiled,
            MultiLayerNetwork network,
            INDArray in,
            INDArray outputGradient) {
        Pass exact =
                dl4j(
                        network.convertDataType(DataType.DOUBLE),
                        in.castTo(DataType.DOUBLE),
                        outputGradient.castTo(DataType.DOUBLE));
        Pass dl4j32 = dl4j(network, in, outputGradient);
        assertMatches(oneDnn(compiled, network, in, outputGradient), dl4j32, exact);
    }

    private static void assertMatches(Pass actual, Pass dl4j32, Pass exact) {
        Float64Bound.assertWithin(
                "output",
                actual.out(),
                dl4j32.out(),
                exact.out(),
                (long) (C + K) * KERNEL * KERNEL);
        long outPixels = (long) B * exact.out().size(2) * exact.out().size(3);
        Float64Bound.assertWithin(
                "weight gradient", actual.weights(), dl4j32.weights(), exact.weights(), outPixels);
        Float64Bound.assertWithin(
                "bias gradient", actual.bias(), dl4j32.bias(), exact.bias(), outPixels);
        Float64Bound.assertWithin(
                "image input gradient",
                actual.inputGradient(),
                dl4j32.inputGradient(),
                exact.inputGradient(),
                (long) OUT * KERNEL * KERNEL);
    }

    private static Pass oneDnn(
            OneDnnNetwork compiled,
            MultiLayerNetwork network,
            INDArray in,
            INDArray outputGradient) {
        INDArray out = compiled.forward(in).dup();
        compiled.outputGradient().assign(outputGradient);
        // Wipe what the DL4J pass wrote into the same gradient view: only the op may fill it.
        network.getGradientsViewArray().assign(Double.NaN);
        compiled.backward(true, true);
        return new Pass(
                out,
                network.getLayer(0)
                        .getGradientsViewArray()
                        .get(NDArrayIndex.interval(OUT, network.getLayer(0).numParams()))
                        .reshape('c', OUT, C + K, KERNEL, KERNEL)
                        .dup(),
                network.getLayer(0)
                        .getGradientsViewArray()
                        .get(NDArrayIndex.interval(0, OUT))
                        .reshape(1, OUT)
                        .dup(),
                compiled.inputGradient().dup());
    }

    @Test
    void matchesTheFullConvolutionInFloat64() {
        MultiLayerNetwork network = network();
        INDArray in = input();
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, B, OUT, 7, 6);
        try (OneDnnNetwork compiled = new OneDnnNetwork(network, in.shape(), C)) {
            assertThat(compiled.ops().get(0)).isInstanceOf(LabelMapConvolutionOp.class);
            assertMatchesDl4j(compiled, network, in, outputGradient);
        }
    }

    /**
     * All-one-hot batches take the gather path, others the product; one compiled network must get
     * each right, in either order.
     */
    @Test
    void oneHotBatchesMatchAsWellAndTheTwoPathsAlternate() {
        MultiLayerNetwork network = network();
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, B, OUT, 7, 6);
        try (OneDnnNetwork compiled = new OneDnnNetwork(network, oneHotInput().shape(), C)) {
            assertMatchesDl4j(compiled, network, oneHotInput(), outputGradient);
            assertMatchesDl4j(compiled, network, input(), outputGradient);
            assertMatchesDl4j(compiled, network, oneHotInput(), outputGradient);
        }
    }

    @Test
    void readsTheWeightsAgainAfterTheyChange() {
        MultiLayerNetwork network = network();
        INDArray in = input();
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, B, OUT, 7, 6);
        try (OneDnnNetwork compiled = new OneDnnNetwork(network, in.shape(), C)) {
            compiled.forward(in);
            // An update that changes the label-map weights most: the cached L must be remade.
            INDArray weights = network.getLayer(0).getParam("W");
            weights.get(
                            NDArrayIndex.all(),
                            NDArrayIndex.interval(C, C + K),
                            NDArrayIndex.all(),
                            NDArrayIndex.all())
                    .muli(-3)
                    .addi(0.5);
            compiled.parametersChanged();
            assertMatchesDl4j(compiled, network, in, outputGradient);
        }
    }

    /**
     * In bf16 the image convolution reads bfloat16 operands. With image, weights and output
     * gradient rounded to bfloat16 beforehand that rounding is exact, so the op must stay within
     * the float32 bound: a layout or conversion mistake in the bf16 image part, or in its sum with
     * the float32 label part, would be far outside it.
     */
    @Test
    void bfloat16WithExactOperandsStaysWithinTheFloat32Bound() {
        Assumptions.assumeTrue(
                OneDnnIsa.nativeBf16(), "no native bfloat16 on " + OneDnnIsa.effectiveName());
        MultiLayerNetwork network = network();
        network.params().assign(toBf16(network.params()));
        INDArray in = toBf16(input());
        INDArray outputGradient = toBf16(Nd4j.randn(DataType.FLOAT, B, OUT, 7, 6));
        try (OneDnnNetwork compiled =
                new OneDnnNetwork(network, in.shape(), C, ComputeType.BFLOAT16)) {
            assertMatchesDl4j(compiled, network, in, outputGradient);
        }
    }

    private static INDArray toBf16(INDArray values) {
        return values.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT);
    }

    @Test
    void imagesOnlyInputUsesThePlainConvolution() {
        MultiLayerNetwork network = network();
        try (OneDnnNetwork compiled =
                new OneDnnNetwork(network, new long[] {B, C + K, H, W}, C + K)) {
            assertThat(compiled.ops().get(0)).isInstanceOf(ConvolutionOp.class);
        }
    }
}
