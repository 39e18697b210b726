package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@code training.lr_decay_start}: the rate is constant before the start and falls linearly to 0 at
 * the end; DL4J's Adam takes it from the schedule at each step; it survives a checkpoint, so a
 * resumed run continues it and is not reported as a changed optimizer setting.
 */
class LinearDecayScheduleTest {

    private static final double RATE = 2e-4;

    @Test
    void theRateIsConstantUntilTheStartThenFallsLinearlyToZeroAtTheEnd() {
        LinearDecaySchedule schedule = new LinearDecaySchedule(RATE, 6, 10);

        for (int step = 0; step <= 6; step++) {
            assertThat(schedule.valueAt(step, 0)).as("step %d", step).isEqualTo(RATE);
        }
        assertThat(schedule.valueAt(7, 0)).isCloseTo(RATE * 3 / 4, within(1e-18));
        assertThat(schedule.valueAt(8, 0)).isCloseTo(RATE / 2, within(1e-18));
        assertThat(schedule.valueAt(9, 0)).isCloseTo(RATE / 4, within(1e-18)); // the last step
        assertThat(schedule.valueAt(10, 0)).isZero();
        assertThat(schedule.valueAt(25, 0)).isZero(); // a resume given fewer steps
    }

    @Test
    void anEmptyOrNegativeDecayIsRefused() {
        assertThatThrownBy(() -> new LinearDecaySchedule(RATE, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start 10, end 10");
        assertThatThrownBy(() -> new LinearDecaySchedule(0, 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinearDecaySchedule(RATE, -1, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * From fresh Adam state the first update is the rate times a gradient-only direction, so a
     * scheduled network moves by exactly the scheduled fraction of a constant-rate one, and not at
     * all at the end.
     */
    @Test
    void adamUpdatesByTheScheduledRateOfEachStep() {
        LinearDecaySchedule schedule = new LinearDecaySchedule(RATE, 2, 6);
        for (int step : new int[] {1, 3, 5, 6}) {
            Adam scheduled = new Adam(RATE, 0.5, 0.999, 1e-8);
            scheduled.setLrAndSchedule(RATE, schedule);
            INDArray moved = firstUpdate(scheduled, step);
            INDArray constant = firstUpdate(new Adam(RATE, 0.5, 0.999, 1e-8), step);
            double fraction = schedule.valueAt(step, 0) / RATE;

            assertThat(constant.amaxNumber().doubleValue()).isGreaterThan(1e-5);
            assertThat(moved.sub(constant.mul(fraction)).amaxNumber().doubleValue())
                    .as("step %d, fraction %.2f", step, fraction)
                    .isLessThan(1e-3 * constant.amaxNumber().doubleValue());
        }
    }

    @Test
    void theScheduleIsSavedInTheCheckpointAndARestoredNetworkNeedsNoChange(@TempDir Path temp)
            throws Exception {
        Adam adam = new Adam(RATE, 0.5, 0.999, 1e-8);
        adam.setLrAndSchedule(RATE, new LinearDecaySchedule(RATE, 3000, 4000));
        MultiLayerNetwork network = network(adam);
        File file = temp.resolve("model.zip").toFile();
        ModelSerializer.writeModel(network, file, true);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        IUpdater saved = ((BaseLayer) restored.getLayer(0).conf().getLayer()).getIUpdater();
        assertThat(saved).isEqualTo(adam);
        assertThat(saved.getLearningRate(3500, 0)).isCloseTo(RATE / 2, within(1e-18));
        Adam fromTheSpec = new Adam(RATE, 0.5, 0.999, 1e-8);
        fromTheSpec.setLrAndSchedule(RATE, new LinearDecaySchedule(RATE, 3000, 4000));
        assertThat(OptimizerSettings.apply(restored, fromTheSpec, "generator")).isEmpty();
        // a longer run is a change, and the spec's schedule wins
        Adam longer = new Adam(RATE, 0.5, 0.999, 1e-8);
        longer.setLrAndSchedule(RATE, new LinearDecaySchedule(RATE, 3000, 6000));
        assertThat(OptimizerSettings.apply(restored, longer, "generator")).isNotEmpty();
        assertThat(
                        ((BaseLayer) restored.getLayer(0).conf().getLayer())
                                .getIUpdater()
                                .getLearningRate(4500, 0))
                .isCloseTo(RATE / 2, within(1e-18));
    }

    /** The parameter change of one fit from fresh updater state at the given step. */
    private static INDArray firstUpdate(IUpdater updater, int step) {
        MultiLayerNetwork network = network(updater);
        INDArray before = network.params().dup();
        network.setIterationCount(step);
        Nd4j.getRandom().setSeed(4);
        network.fit(Nd4j.rand(DataType.DOUBLE, 8, 4), Nd4j.rand(DataType.DOUBLE, 8, 2));
        return network.params().sub(before);
    }

    private static MultiLayerNetwork network(IUpdater updater) {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(3)
                                .dataType(DataType.DOUBLE)
                                .updater(updater)
                                .list()
                                .layer(
                                        new DenseLayer.Builder()
                                                .nIn(4)
                                                .nOut(6)
                                                .activation(Activation.TANH)
                                                .build())
                                .layer(
                                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                                .nIn(6)
                                                .nOut(2)
                                                .build())
                                .build());
        network.init();
        return network;
    }
}
