package dev.ganforge.plugin.basics;

import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code normal} latent sampler: every value of z drawn independently from N(mean, stddev²).
 */
public class NormalSampler implements SamplerPlugin<NormalSampler.Spec> {

    /**
     * @param mean the mean
     * @param stddev the standard deviation, greater than 0
     */
    public record Spec(
            @SpecField(doc = "mean", defaultValue = "0.0") double mean,
            @SpecField(doc = "standard deviation", defaultValue = "1.0", min = 1e-12)
                    double stddev) {}

    /** Creates the plugin; it has no state. */
    public NormalSampler() {}

    @Override
    public String name() {
        return "normal";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "latent z ~ N(mean, stddev^2)";
    }

    @Override
    public void sample(Spec spec, INDArray z, Random random) {
        Nd4j.getExecutioner().exec(new GaussianDistribution(z, spec.mean(), spec.stddev()), random);
    }

    /** N(mean, stddev²) = mean + stddev · N(0, 1). */
    @Override
    public java.util.Optional<dev.ganforge.spi.StandardLatent> standardForm(Spec spec) {
        return java.util.Optional.of(
                new dev.ganforge.spi.StandardLatent(
                        dev.ganforge.spi.StandardLatent.NORMAL, spec.mean(), spec.stddev()));
    }
}
