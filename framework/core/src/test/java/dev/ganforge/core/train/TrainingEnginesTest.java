package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.GanLoss;
import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** bf16 is computed by the oneDNN engine only: every other way to it is refused with the reason. */
class TrainingEnginesTest {

    private static StepSetup bf16Setup() {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .list()
                                .layer(new DenseLayer.Builder().nIn(2).nOut(2).build())
                                .build());
        network.init();
        return new StepSetup(
                network,
                network,
                new ImageShape(1, 2, 2),
                2,
                2,
                false,
                4,
                new StepRecipe(GanLoss.BCE, false, false, List.of(), 1)
                        .withPrecision(Precision.BF16));
    }

    @Test
    void dl4jRefusesBf16() {
        TrainingEngines engines = new TrainingEngines(Map.of());

        assertThatThrownBy(() -> engines.create(TrainingEngine.DL4J, bf16Setup()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.precision")
                .hasMessageContaining("bf16 needs the onednn engine");
    }

    @Test
    void autoDoesNotFallBackToDl4jInFloat32WhenBf16WasAskedFor() {
        TrainingEngines engines = new TrainingEngines(Map.of());

        assertThatThrownBy(() -> engines.create(TrainingEngine.AUTO, bf16Setup()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.precision is bf16")
                .hasMessageContaining("no oneDNN engine");
    }
}
