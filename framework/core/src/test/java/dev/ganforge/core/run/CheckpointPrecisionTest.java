package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A checkpoint records the arithmetic its steps ran in, so that a resume with {@code
 * training.precision: auto} keeps it even when the checkpoint came from another run (a PBT
 * exploit); checkpoints written without it read as null.
 */
class CheckpointPrecisionTest {

    @TempDir Path folder;

    private static MultiLayerNetwork tinyNetwork() {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(1)
                                .list()
                                .layer(new DenseLayer.Builder().nIn(2).nOut(3).build())
                                .layer(
                                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                                .nIn(3)
                                                .nOut(1)
                                                .activation(Activation.IDENTITY)
                                                .build())
                                .build());
        network.init();
        return network;
    }

    @Test
    void thePrecisionRoundTripsThroughStateProperties() {
        CheckpointStore store = new CheckpointStore(folder);
        MultiLayerNetwork network = tinyNetwork();
        Path bf16 =
                store.write(
                        4,
                        7,
                        network,
                        network,
                        3,
                        new CheckpointStore.Extras(null, Map.of(), "bf16"));
        Path fp32 =
                store.write(
                        8,
                        7,
                        network,
                        network,
                        3,
                        new CheckpointStore.Extras(null, Map.of(), "fp32"));

        assertThat(CheckpointStore.read(bf16, false).precision()).isEqualTo("bf16");
        assertThat(CheckpointStore.read(fp32, true).precision()).isEqualTo("fp32");
        assertThat(bf16.resolve("state.properties")).content().contains("precision=bf16");
    }

    @Test
    void aCheckpointWithoutARecordReadsAsNull() {
        CheckpointStore store = new CheckpointStore(folder);
        MultiLayerNetwork network = tinyNetwork();
        Path checkpoint = store.write(4, 7, network, network, 1);

        assertThat(checkpoint.resolve("state.properties")).content().doesNotContain("precision");
        assertThat(CheckpointStore.read(checkpoint, false).precision()).isNull();
    }

    @Test
    void anUnknownPrecisionIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> new CheckpointStore.Extras(null, Map.of(), "bf16 (AVX-512 BF16)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bf16 (AVX-512 BF16)'")
                .hasMessageContaining("expected fp32 or bf16");
    }
}
