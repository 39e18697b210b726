package dev.ganforge.plugin.gan;

/** How the generator's layers are normalised ({@code model.generator_norm}). */
public enum GeneratorNorm {
    /** BatchNorm with one learned scale and shift per channel (DCGAN, Radford et al. 2015). */
    BATCH,
    /**
     * Conditional BatchNorm, conditional models only: the same normalisation, then a scale and
     * shift per class and channel (de Vries et al. 2017, https://arxiv.org/abs/1707.00683; Dumoulin
     * et al. 2017, https://arxiv.org/abs/1610.07629; as in Miyato &amp; Koyama 2018,
     * https://arxiv.org/abs/1802.05637), see {@link
     * dev.ganforge.spi.layer.ConditionalBatchNormalization}.
     */
    CONDITIONAL
}
