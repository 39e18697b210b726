package dev.ganforge.plugin.gan;

/**
 * Which of the discriminator's stages (one per width in {@code model.layers}, each ending in a
 * stride-2 convolution) get the {@code model.discriminator_extra_convs} stride-1 convolutions
 * ({@code model.discriminator_extra_convs_at}).
 */
public enum ExtraConvStages {
    /**
     * Every stage, as in SN-GAN's "standard CNN" discriminator (Miyato et al. 2018,
     * https://arxiv.org/abs/1802.05957, Table 3). With widths [64, 128, 256] on 64×64 faces one
     * extra convolution per stage costs about as many FLOPs at each stage, so all three add about
     * three times the cost of one.
     */
    ALL,
    /**
     * Only the last stage, at the lowest resolution and widest layer (8×8×256 for the face file):
     * the depth is added where D judges the whole face, at a third of {@link #ALL}'s extra cost.
     */
    LOWEST
}
