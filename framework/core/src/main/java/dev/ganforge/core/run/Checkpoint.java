package dev.ganforge.core.run;

import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A restored checkpoint: both networks with their optimizer state, and where training stood.
 *
 * @param step number of steps done (the next step to run has this 0-based index)
 * @param seed the experiment seed; per-step random draws derive from (seed, step)
 * @param generator the generator with its updater state
 * @param discriminator the discriminator with its updater state, or null when not loaded
 * @param averageGenerator the exponential moving average of the generator's weights, or null when
 *     the run keeps none
 * @param stepState the training step's own state (spectral-norm vectors), empty if none
 * @param precision the arithmetic the steps up to this checkpoint ran in, {@code "fp32"} or {@code
 *     "bf16"} as {@code state.properties} recorded it; null for a checkpoint written before
 *     ganforge recorded it (read {@code run-info.json} then). A hand-edited value is returned as
 *     written; {@link dev.ganforge.core.train.Trainer} ignores values it does not know.
 */
public record Checkpoint(
        long step,
        long seed,
        MultiLayerNetwork generator,
        MultiLayerNetwork discriminator,
        MultiLayerNetwork averageGenerator,
        Map<String, INDArray> stepState,
        String precision) {

    /** Copies the state map. */
    public Checkpoint {
        stepState = Map.copyOf(stepState);
    }

    /**
     * @return the generator to sample from: the weight average when the run keeps one, else the
     *     generator
     */
    public MultiLayerNetwork inferenceGenerator() {
        return averageGenerator != null ? averageGenerator : generator;
    }
}
