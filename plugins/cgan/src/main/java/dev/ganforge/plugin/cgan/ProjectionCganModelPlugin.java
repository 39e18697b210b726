package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ModelContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code cgan-projection} model: a conditional DCGAN whose discriminator takes the label by
 * projection instead of label maps (Miyato &amp; Koyama 2018, "cGANs with Projection
 * Discriminator", https://arxiv.org/abs/1802.05637). The generator is {@code cgan}'s ({@code [z |
 * one-hot]} in); the discriminator sees the image alone, {@code [B, C, H, W]}, and its output layer
 * gives {@code [B, 1 + K]}: ψ(φ(x)) and the inner products of φ(x) with the K class embeddings, of
 * which the training step adds column 0 and column 1 + y. With {@code discriminator_norm: spectral}
 * (the paper's choice) the embeddings are normalised together with ψ as one matrix.
 */
public class ProjectionCganModelPlugin extends CganModelPlugin {

    /** Creates the plugin; it has no state. */
    public ProjectionCganModelPlugin() {}

    @Override
    public String name() {
        return "cgan-projection";
    }

    @Override
    public String description() {
        return "conditional DCGAN with a projection discriminator (Miyato & Koyama 2018): G sees"
                + " [z | one-hot], D sees the image and projects its features on a class embedding";
    }

    @Override
    public boolean projection(DcganSpec spec) {
        return true;
    }

    @Override
    public MultiLayerNetwork createDiscriminator(DcganSpec spec, ModelContext context) {
        return DcganNetworks.discriminator(
                spec,
                context.imageShape(),
                0,
                1 + context.numClasses(),
                context.discriminatorUpdater(),
                context.seed() + 1,
                DataType.FLOAT);
    }
}
