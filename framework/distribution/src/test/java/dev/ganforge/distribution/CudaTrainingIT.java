package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The CUDA build trains: ND4J runs on the GPU, the distribution has no oneDNN engine so {@code
 * auto} picks DL4J's step, and three conditional DCGAN steps give finite losses and move both
 * networks. Tagged {@code gpu}: runs only in {@code mvn -Pcuda verify} on a machine with a
 * supported GPU (compute capability up to 8.6, see the README).
 */
@Tag("gpu")
class CudaTrainingIT {

    @Test
    void threeStepsTrainOnTheGpu() {
        assertThat(Nd4j.getEnvironment().isCPU()).as("ND4J backend is the CPU").isFalse();
        TrainingEngines engines = TrainingEngines.discover();
        assertThat(engines.names()).containsExactly("dl4j");
        ImageShape shape = new ImageShape(1, 16, 16);
        DcganSpec spec = new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        MultiLayerNetwork generator =
                DcganNetworks.generator(
                        spec, shape, 4, new Adam(2e-4, 0.5, 0.999, 1e-8), 1, DataType.FLOAT);
        MultiLayerNetwork discriminator =
                DcganNetworks.discriminator(
                        spec, shape, 4, new Adam(2e-4, 0.5, 0.999, 1e-8), 2, DataType.FLOAT);
        INDArray generatorBefore = generator.params().dup();
        INDArray discriminatorBefore = discriminator.params().dup();
        int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
        try (TrainingStep step =
                engines.create(
                        TrainingEngine.AUTO,
                        new StepSetup(generator, discriminator, shape, 8, 4, true, 8))) {
            assertThat(step.engine()).isEqualTo("dl4j");
            for (int i = 0; i < 3; i++) {
                StepResult result =
                        step.step(
                                Nd4j.rand(DataType.FLOAT, 8, 1, 16, 16).muli(2).subi(1),
                                labels,
                                Nd4j.rand(DataType.FLOAT, 8, 8).muli(2).subi(1),
                                labels,
                                i,
                                0);
                assertThat(result.finite()).as("losses of step %d: %s", i, result).isTrue();
            }
        }
        assertThat(generator.params().equalsWithEps(generatorBefore, 0)).isFalse();
        assertThat(discriminator.params().equalsWithEps(discriminatorBefore, 0)).isFalse();
    }
}
