package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Networks a third-party model plugin could hand the oneDNN path, beyond the DCGANs: layer settings
 * it computes the same as DL4J (Truncate mode, stride 1, a reshape first), and layer settings it
 * must refuse (dropout, layer normalisation, an output layer without bias) so that {@code auto}
 * trains them with DL4J instead of silently computing something else.
 */
class OneDnnNetworkSupportTest {

    private static final ImageShape SHAPE = new ImageShape(1, 16, 16);
    private static final int CLASSES = 4;

    private static NeuralNetConfiguration.ListBuilder list() {
        return new NeuralNetConfiguration.Builder()
                .seed(4)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(1.0))
                .weightInit(new NormalDistribution(0, 0.1))
                .list();
    }

    /** conv (configured by the caller) → LeakyReLU → [dense] → output logit, on 16×16×(1 + K). */
    private static MultiLayerNetwork discriminator(
            UnaryOperator<ConvolutionLayer.Builder> convolution,
            UnaryOperator<DenseLayer.Builder> dense,
            boolean outputBias) {
        var list = list();
        list.layer(
                convolution
                        .apply(new ConvolutionLayer.Builder())
                        .nOut(8)
                        .activation(Activation.IDENTITY)
                        .build());
        list.layer(new ActivationLayer(new ActivationLReLU(0.2)));
        if (dense != null) {
            list.layer(
                    dense.apply(new DenseLayer.Builder().nOut(16).activation(Activation.TANH))
                            .build());
        }
        list.layer(
                new OutputLayer.Builder(new BinaryCrossEntropyWithLogits())
                        .nOut(1)
                        .hasBias(outputBias)
                        .activation(Activation.IDENTITY)
                        .build());
        list.setInputType(
                InputType.convolutional(SHAPE.height(), SHAPE.width(), SHAPE.channels() + CLASSES));
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        return network;
    }

    private static UnaryOperator<ConvolutionLayer.Builder> same5x5() {
        return b -> b.kernelSize(5, 5).stride(2, 2).convolutionMode(ConvolutionMode.Same);
    }

    private static MultiLayerNetwork generator() {
        return DcganNetworks.generator(
                new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02),
                SHAPE,
                CLASSES,
                new Sgd(1.0),
                3,
                DataType.FLOAT);
    }

    /**
     * The discriminator's logits and input gradient on the oneDNN path equal DL4J's, within the
     * bound {@link Float64Bound} derives from the same network in float64.
     */
    private static void sameForwardAndBackwardAsDl4j(MultiLayerNetwork discriminator) {
        assertThat(OneDnnNetwork.unsupported(discriminator)).isEmpty();
        MultiLayerNetwork exact = discriminator.convertDataType(DataType.DOUBLE);
        long reduction = Float64Bound.reductionLength(discriminator);
        long[] shape = {3, SHAPE.channels() + CLASSES, SHAPE.height(), SHAPE.width()};
        INDArray input = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
        OneDnnNetwork compiled = new OneDnnNetwork(discriminator, shape, shape[1]);
        INDArray logits = compiled.forward(input).dup();
        INDArray expected = discriminator.output(input, true);
        INDArray exactLogits = exact.output(input.castTo(DataType.DOUBLE), true);
        Float64Bound.assertWithin("logits", logits, expected, exactLogits, reduction);

        var pass =
                discriminator.calculateGradients(
                        input, Nd4j.ones(DataType.FLOAT, 3, 1), null, null);
        var exactPass =
                exact.calculateGradients(
                        input.castTo(DataType.DOUBLE),
                        Nd4j.ones(DataType.DOUBLE, 3, 1),
                        null,
                        null);
        compiled.outputGradient().assign(Transforms.sigmoid(logits).subi(1));
        compiled.backward(true, true);
        Float64Bound.assertWithin(
                "input gradient",
                compiled.inputGradient(),
                pass.getSecond(),
                exactPass.getSecond(),
                reduction);
    }

    @Test
    void truncateModeWithAndWithoutPadding() {
        sameForwardAndBackwardAsDl4j(
                discriminator(
                        b ->
                                b.kernelSize(3, 3)
                                        .stride(2, 2)
                                        .padding(0, 0)
                                        .convolutionMode(ConvolutionMode.Truncate),
                        null,
                        true));
        sameForwardAndBackwardAsDl4j(
                discriminator(
                        b ->
                                b.kernelSize(4, 4)
                                        .stride(2, 2)
                                        .padding(1, 1)
                                        .convolutionMode(ConvolutionMode.Truncate),
                        null,
                        true));
    }

    @Test
    void sameModeWithStrideOneAndADenseLayer() {
        sameForwardAndBackwardAsDl4j(
                discriminator(
                        b -> b.kernelSize(3, 3).stride(1, 1).convolutionMode(ConvolutionMode.Same),
                        b -> b,
                        true));
    }

    @Test
    void aReshapeAsTheFirstOperationReadsEachNewInput() {
        var list = list();
        list.inputPreProcessor(0, new FeedForwardToCnnPreProcessor(4, 4, 1));
        list.layer(
                new ConvolutionLayer.Builder(3, 3)
                        .stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same)
                        .nIn(1)
                        .nOut(8)
                        .activation(Activation.IDENTITY)
                        .build());
        list.layer(
                new OutputLayer.Builder(new BinaryCrossEntropyWithLogits())
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build());
        list.setInputType(InputType.feedForward(16));
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        OneDnnNetwork compiled = new OneDnnNetwork(network, new long[] {2, 16}, 16);
        MultiLayerNetwork exact = network.convertDataType(DataType.DOUBLE);
        for (int i = 0; i < 2; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, 16);
            INDArray expected = network.output(x, true);
            Float64Bound.assertWithin(
                    "pass " + i,
                    compiled.forward(x),
                    expected,
                    exact.output(x.castTo(DataType.DOUBLE), true),
                    Float64Bound.reductionLength(network));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> compiled.forward(Nd4j.rand(DataType.FLOAT, 3, 16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 16]")
                .hasMessageContaining("[3, 16]");
        compiled.close();
        compiled.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> compiled.forward(Nd4j.rand(DataType.FLOAT, 2, 16)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void dropoutLayerNormAndAMissingOutputBiasAreRefusedSoAutoUsesDl4j() {
        MultiLayerNetwork dropout = discriminator(b -> same5x5().apply(b).dropOut(0.5), null, true);
        MultiLayerNetwork layerNorm = discriminator(same5x5(), b -> b.hasLayerNorm(true), true);
        MultiLayerNetwork noBias = discriminator(same5x5(), null, false);
        assertThat(OneDnnNetwork.unsupported(dropout))
                .hasValueSatisfying(why -> assertThat(why).contains("dropout"));
        assertThat(OneDnnNetwork.unsupported(layerNorm))
                .hasValueSatisfying(why -> assertThat(why).contains("layer normalisation"));
        assertThat(OneDnnNetwork.unsupported(noBias))
                .hasValueSatisfying(why -> assertThat(why).contains("bias"));
        for (MultiLayerNetwork discriminator : List.of(dropout, layerNorm, noBias)) {
            assertThat(
                            TrainingEngines.discover()
                                    .create(
                                            TrainingEngine.AUTO,
                                            new StepSetup(
                                                    generator(),
                                                    discriminator,
                                                    SHAPE,
                                                    8,
                                                    CLASSES,
                                                    true,
                                                    8))
                                    .engine())
                    .isEqualTo("dl4j");
        }
    }
}
