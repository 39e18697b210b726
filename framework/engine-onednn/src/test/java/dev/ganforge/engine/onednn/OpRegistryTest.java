package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ab;
import static org.bytedeco.dnnl.global.dnnl.dnnl_abcd;

import dev.ganforge.engine.onednn.Dnnl.Tensor;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The registry hands each supported DL4J layer type to exactly one factory, that factory creates
 * the expected op class, and a layer nothing computes is refused with the sentence the oneDNN path
 * has always used (the engine's {@code problems} and {@code auto}'s fallback report it).
 */
class OpRegistryTest {

    static java.util.stream.Stream<Arguments> supportedLayers() {
        return java.util.stream.Stream.of(
                Arguments.of(
                        new ConvolutionLayer.Builder(3, 3)
                                .nIn(2)
                                .nOut(8)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        new long[] {2, 2, 6, 6},
                        ConvolutionOp.class),
                Arguments.of(
                        new Deconvolution2D.Builder(4, 4)
                                .stride(2, 2)
                                .nIn(2)
                                .nOut(3)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        new long[] {2, 2, 6, 6},
                        ConvolutionOp.class),
                Arguments.of(
                        new BatchNormalization.Builder().nIn(2).nOut(2).build(),
                        new long[] {2, 2, 6, 6},
                        BatchNormOp.class),
                Arguments.of(
                        new ConditionalBatchNormalization(2, 3, 0.9, 1e-5),
                        new long[] {2, 2, 6, 6},
                        ConditionalBatchNormOp.class),
                Arguments.of(
                        new DenseLayer.Builder().nIn(4).nOut(3).build(),
                        new long[] {2, 4},
                        InnerProductOp.class),
                Arguments.of(
                        new OutputLayer.Builder(new BinaryCrossEntropyWithLogits())
                                .nIn(4)
                                .nOut(1)
                                .activation(Activation.IDENTITY)
                                .build(),
                        new long[] {2, 4},
                        InnerProductOp.class));
    }

    @ParameterizedTest(name = "{index}: {2}")
    @MethodSource("supportedLayers")
    void eachSupportedLayerTypeBecomesItsOp(
            Layer config, long[] inputShape, Class<? extends OneDnnOp> expected) {
        MultiLayerNetwork network = network(config);
        Layer layer = network.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(OpRegistry.factories().stream().filter(f -> f.accepts(layer)))
                .as("factories accepting it")
                .hasSize(1);
        assertThat(OpRegistry.unsupported(layer, null)).isEmpty();
        OpFactory factory = OpRegistry.factoryFor(layer).orElseThrow();
        Dnnl.Handles handles = Dnnl.Handles.open();
        try {
            Tensor src =
                    Tensor.allocate(
                            Dnnl.desc(inputShape, inputShape.length == 4 ? dnnl_abcd : dnnl_ab));
            var dl4jLayer = network.getLayer(0);
            NeuralNetConfiguration conf = network.getLayerWiseConfigurations().getConf(0);
            Map<String, INDArray> gradients =
                    layer.initializer()
                            .getGradientsFromFlattened(conf, dl4jLayer.getGradientsViewArray());
            OneDnnOp op =
                    factory.create(
                            src, layer, dl4jLayer.paramTable(), gradients, ComputeType.FLOAT32);
            assertThat(op).isExactlyInstanceOf(expected);
            assertThat(op.src).isSameAs(src);
            assertThat(op.dst).isNotNull();
        } finally {
            handles.endBuilding();
            handles.close();
        }
    }

    @Test
    void anActivationLayerIsOnlyItsActivation() {
        Layer layer = new ActivationLayer(new ActivationLReLU(0.2));
        OpFactory factory = OpRegistry.factoryFor(layer).orElseThrow();
        assertThat(factory).isSameAs(EltwiseOp.ACTIVATION_LAYER);
        assertThat(factory.create(null, layer, Map.of(), Map.of(), ComputeType.FLOAT32)).isNull();
        assertThat(factory.activation(layer)).isInstanceOf(ActivationLReLU.class);
        assertThat(
                        BatchNormOp.FACTORY.activation(
                                new BatchNormalization.Builder()
                                        .activation(Activation.TANH)
                                        .build()))
                .as("DL4J's BatchNormalization ignores its activation")
                .isInstanceOf(ActivationIdentity.class);
    }

    @Test
    void anUnsupportedLayerGetsTheSameMessageAsBefore() {
        Layer pooling = new SubsamplingLayer.Builder(2, 2).build();
        assertThat(OpRegistry.factoryFor(pooling)).isEmpty();
        assertThat(OpRegistry.unsupported(pooling, null)).hasValue("is not a supported layer type");
        assertThat(
                        OneDnnNetwork.unsupported(
                                network(
                                        new ConvolutionLayer.Builder(3, 3)
                                                .nIn(2)
                                                .nOut(4)
                                                .convolutionMode(ConvolutionMode.Same)
                                                .build(),
                                        pooling)))
                .hasValue("layer 1 (SubsamplingLayer) is not a supported layer type");
        // Dropout is reported before the layer type, as it always was.
        assertThat(
                        OpRegistry.unsupported(
                                new SubsamplingLayer.Builder(2, 2).dropOut(0.5).build(), null))
                .hasValue("has dropout");
        // A subclass the convolution factory accepts but cannot compute.
        assertThat(
                        OneDnnNetwork.unsupported(
                                network(
                                        new SeparableConvolution2D.Builder(3, 3)
                                                .nIn(2)
                                                .nOut(4)
                                                .convolutionMode(ConvolutionMode.Same)
                                                .build())))
                .hasValue(
                        "layer 0 (SeparableConvolution2D) needs NCHW, a bias, no dilation and Same"
                                + " or Truncate mode");
        assertThat(
                        OneDnnNetwork.unsupported(
                                network(
                                        new DenseLayer.Builder()
                                                .nIn(4)
                                                .nOut(4)
                                                .activation(Activation.ELU)
                                                .build())))
                .hasValue("layer 0 (DenseLayer) has unsupported activation elu(alpha=1.0)");
    }

    private static MultiLayerNetwork network(Layer... layers) {
        var list =
                new NeuralNetConfiguration.Builder()
                        .seed(1)
                        .dataType(DataType.FLOAT)
                        .updater(new Sgd(1.0))
                        .activation(Activation.IDENTITY)
                        .list();
        for (Layer layer : layers) {
            list.layer(layer);
        }
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        network.initGradientsView();
        return network;
    }
}
