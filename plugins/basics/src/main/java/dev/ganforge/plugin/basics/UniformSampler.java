package dev.ganforge.plugin.basics;

import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** The {@code uniform} latent sampler: every value of z drawn independently from U[low, high). */
public class UniformSampler implements SamplerPlugin<UniformSampler.Spec> {

    /**
     * @param low lower bound (inclusive)
     * @param high upper bound (exclusive), greater than low
     */
    public record Spec(
            @SpecField(doc = "lower bound", defaultValue = "-1.0") double low,
            @SpecField(doc = "upper bound, greater than low", defaultValue = "1.0") double high) {

        /**
         * @throws IllegalArgumentException if {@code high <= low}
         */
        public Spec {
            if (!(high > low)) {
                throw new IllegalArgumentException("'high' must be greater than 'low'");
            }
        }
    }

    /** Creates the plugin; it has no state. */
    public UniformSampler() {}

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "latent z ~ U[low, high), default [-1, 1) as in the seed";
    }

    @Override
    public void sample(Spec spec, INDArray z, Random random) {
        Nd4j.getExecutioner().exec(new UniformDistribution(z, spec.low(), spec.high()), random);
    }

    /** U[low, high) = low + (high - low) · U[0, 1). */
    @Override
    public java.util.Optional<dev.ganforge.spi.StandardLatent> standardForm(Spec spec) {
        return java.util.Optional.of(
                new dev.ganforge.spi.StandardLatent(
                        dev.ganforge.spi.StandardLatent.UNIFORM_0_1,
                        spec.low(),
                        spec.high() - spec.low()));
    }
}
