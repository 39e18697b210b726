package dev.ganforge.spi;

import java.util.Locale;

/**
 * The five kinds of plugin an experiment spec selects by name. Each kind is one section of the
 * experiment YAML: {@code model}, {@code dataset}, {@code optimizers.generator} / {@code
 * optimizers.discriminator}, {@code sampler}, and the list {@code evaluation.evaluators}.
 */
public enum PluginKind {
    /** Supplies the generator and discriminator networks ({@link ModelPlugin}). */
    MODEL,
    /** Loads labelled training images ({@link DatasetPlugin}). */
    DATASET,
    /** Maps a spec onto an ND4J updater ({@link OptimizerPlugin}). */
    OPTIMIZER,
    /** Draws latent vectors z ({@link SamplerPlugin}). */
    SAMPLER,
    /** Computes quality metrics of generated samples ({@link EvaluatorPlugin}). */
    EVALUATOR;

    /**
     * @return the lowercase name used in listings, e.g. {@code "model"}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
