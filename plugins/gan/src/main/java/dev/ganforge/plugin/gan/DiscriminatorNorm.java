package dev.ganforge.plugin.gan;

/** How the discriminator's layers are normalised ({@code model.discriminator_norm}). */
public enum DiscriminatorNorm {
    /** BatchNorm after each convolution (DCGAN, Radford et al. 2015). */
    BATCH,
    /**
     * No BatchNorm; every weight matrix divided by its spectral norm in each training pass (Miyato
     * et al. 2018, https://arxiv.org/abs/1802.05957), done by the training step.
     */
    SPECTRAL,
    /** Neither. */
    NONE
}
