package dev.ganforge.distribution;

import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.SpecField;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test sampler: z ~ U[-1, 1), until a set number of draws in this JVM; then it throws, as a broken
 * plugin or an exhausted heap would in the middle of training.
 */
public class FailingSampler implements SamplerPlugin<FailingSampler.Spec> {

    private static final AtomicInteger DRAWS = new AtomicInteger();

    /**
     * @param afterDraws the draws that succeed in this JVM
     * @param error throw an {@link OutOfMemoryError} (an Error) instead of an {@link
     *     IllegalStateException}
     */
    public record Spec(
            @SpecField(doc = "draws that succeed", defaultValue = "10") int afterDraws,
            @SpecField(doc = "throw an Error, not an exception", defaultValue = "false")
                    boolean error) {}

    @Override
    public String name() {
        return "failing-uniform";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "test sampler: U[-1, 1), then a failure";
    }

    @Override
    public void sample(Spec spec, INDArray z, Random random) {
        if (DRAWS.incrementAndGet() > spec.afterDraws()) {
            if (spec.error()) {
                throw new OutOfMemoryError("test: no memory left for z");
            }
            throw new IllegalStateException("test: the sampler broke");
        }
        Nd4j.getExecutioner().exec(new UniformDistribution(z, -1.0, 1.0), random);
    }
}
