package dev.ganforge.spi;

/**
 * The four kinds of plugin an experiment spec selects by name. Each kind is one section of the
 * experiment YAML: {@code model}, {@code dataset}, {@code optimizers.generator} /
 * {@code optimizers.discriminator}, and {@code sampler}.
 */
public enum PluginKind {
    /** Supplies the generator and discriminator networks ({@link ModelPlugin}). */
    MODEL,
    /** Loads labelled training images ({@link DatasetPlugin}). */
    DATASET,
    /** Maps a spec onto an ND4J updater ({@link OptimizerPlugin}). */
    OPTIMIZER,
    /** Draws latent vectors z ({@link SamplerPlugin}). */
    SAMPLER;

    /** @return the lowercase name used in listings, e.g. {@code "model"} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
