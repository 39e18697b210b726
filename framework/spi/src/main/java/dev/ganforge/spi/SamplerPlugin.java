package dev.ganforge.spi;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Draws latent vectors z for the generator.
 *
 * @param <S> the sampler's spec record
 */
public interface SamplerPlugin<S extends Record> extends GanPlugin<S> {

    @Override
    default PluginKind kind() {
        return PluginKind.SAMPLER;
    }

    /**
     * Fills {@code z} in place with fresh latent values; allocates nothing, so it can run every
     * training step.
     *
     * @param spec the bound sampler spec
     * @param z float array of shape {@code [B, latentDim]}, overwritten
     * @param random the run's random generator (seeded from the experiment seed)
     */
    void sample(S spec, INDArray z, Random random);

    /**
     * The sampler's distribution as an affine map of a standard one, for exporting a generator to
     * tools that draw z themselves (e.g. {@code ganforge export --format onnx}).
     *
     * @param spec the bound sampler spec
     * @return the map, or empty when the distribution is not an affine map of N(0, 1) or U[0, 1)
     */
    default java.util.Optional<StandardLatent> standardForm(S spec) {
        return java.util.Optional.empty();
    }
}
