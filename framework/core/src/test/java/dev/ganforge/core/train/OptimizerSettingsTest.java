package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A restored network takes the spec's optimizer settings and keeps its optimizer state: the updater
 * that runs the next step uses the new learning rate and betas, Adam's moments are those of the
 * checkpoint, and another optimizer type is refused.
 */
class OptimizerSettingsTest {

    @Test
    void newSettingsReachTheUpdaterAndTheStateIsKept() {
        MultiLayerNetwork network = trainedNetwork(new Adam(1e-3, 0.5, 0.999, 1e-8));
        INDArray stateBefore = network.getUpdater().getStateViewArray().dup();
        assertThat(stateBefore.amaxNumber().doubleValue()).as("Adam has moments").isPositive();

        var changes = OptimizerSettings.apply(network, new Adam(5e-3, 0.0, 0.9, 1e-8), "generator");

        assertThat(changes).hasSize(3).first().asString().contains("layer 0");
        for (var layer : network.getLayers()) {
            Adam adam = (Adam) ((BaseLayer) layer.conf().getLayer()).getIUpdater();
            assertThat(adam.getLearningRate()).isEqualTo(5e-3);
            assertThat(adam.getBeta1()).isEqualTo(0.0);
        }
        MultiLayerUpdater updater = (MultiLayerUpdater) network.getUpdater();
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            var config = block.getGradientUpdater().getConfig();
            if (config instanceof Adam adam) {
                assertThat(adam.getLearningRate(0, 0)).isEqualTo(5e-3);
            }
        }
        assertThat(network.getUpdater().getStateViewArray()).isEqualTo(stateBefore);
        // and the network still trains
        network.fit(Nd4j.rand(DataType.FLOAT, 8, 4), Nd4j.rand(DataType.FLOAT, 8, 2));
    }

    @Test
    void theSameSettingsChangeNothing() {
        MultiLayerNetwork network = trainedNetwork(new Adam(1e-3, 0.5, 0.999, 1e-8));
        assertThat(OptimizerSettings.apply(network, new Adam(1e-3, 0.5, 0.999, 1e-8), "generator"))
                .isEmpty();
    }

    @Test
    void anotherOptimizerTypeIsRefused() {
        MultiLayerNetwork network = trainedNetwork(new Adam(1e-3));
        assertThatThrownBy(() -> OptimizerSettings.apply(network, new Sgd(0.1), "discriminator"))
                .isInstanceOf(ExperimentException.class)
                .hasMessageContaining("discriminator")
                .hasMessageContaining("Adam")
                .hasMessageContaining("Sgd");
    }

    private static MultiLayerNetwork trainedNetwork(Adam adam) {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(3)
                                .updater(adam)
                                .list()
                                .layer(new DenseLayer.Builder().nIn(4).nOut(6).build())
                                .layer(new BatchNormalization.Builder().nOut(6).build())
                                .layer(
                                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                                .nIn(6)
                                                .nOut(2)
                                                .build())
                                .build());
        network.init();
        Nd4j.getRandom().setSeed(4);
        network.fit(Nd4j.rand(DataType.FLOAT, 8, 4), Nd4j.rand(DataType.FLOAT, 8, 2));
        return network;
    }
}
