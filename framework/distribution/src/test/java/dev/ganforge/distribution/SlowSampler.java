package dev.ganforge.distribution;

import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test sampler: z ~ U[-1, 1) after a pause, so that a tiny trial's steps last long enough for a
 * test to kill a process in the middle of a segment.
 */
public class SlowSampler implements SamplerPlugin<SlowSampler.Spec> {

    /**
     * @param delayMs pause before each draw, milliseconds
     */
    public record Spec(@SpecField(doc = "pause per draw, ms", defaultValue = "50") int delayMs) {}

    @Override
    public String name() {
        return "slow-uniform";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "test sampler: U[-1, 1) after a pause";
    }

    @Override
    public void sample(Spec spec, INDArray z, Random random) {
        try {
            Thread.sleep(spec.delayMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Nd4j.getExecutioner().exec(new UniformDistribution(z, -1.0, 1.0), random);
    }
}
