package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganModelPlugin;

/**
 * The {@code cgan} model: a conditional DCGAN (Mirza &amp; Osindero 2014,
 * https://arxiv.org/abs/1411.1784). The generator factory builds a network whose input is z
 * concatenated with the one-hot label, {@code [B, latentDim + K]}; the discriminator factory builds
 * one whose input is the image concatenated on the channel axis with the label broadcast to K maps,
 * {@code [B, C + K, H, W]} (see {@link dev.ganforge.spi.Conditioning}). Unlike the seed article's
 * code, the label really reaches the generator. Same spec and layers as {@code gan} ({@link
 * dev.ganforge.plugin.gan.DcganNetworks}).
 */
public class CganModelPlugin extends DcganModelPlugin {

    /** Creates the plugin; it has no state. */
    public CganModelPlugin() {}

    @Override
    public String name() {
        return "cgan";
    }

    @Override
    public String description() {
        return "conditional DCGAN: G sees [z | one-hot], D sees [image | label maps]; BCE with"
                + " logits";
    }

    @Override
    public boolean conditional() {
        return true;
    }
}
