package dev.ganforge.core.run;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A restored checkpoint: both networks with their optimizer state, and where training stood.
 *
 * @param step number of steps done (the next step to run has this 0-based index)
 * @param seed the experiment seed; per-step random draws derive from (seed, step)
 * @param generator the generator with its updater state
 * @param discriminator the discriminator with its updater state
 */
public record Checkpoint(
        long step, long seed, MultiLayerNetwork generator, MultiLayerNetwork discriminator) {}
