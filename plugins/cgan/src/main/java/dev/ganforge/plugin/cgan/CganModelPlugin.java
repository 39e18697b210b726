package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code cgan} model: a conditional DCGAN (Mirza &amp; Osindero 2014,
 * https://arxiv.org/abs/1411.1784). The generator factory builds a network whose input is z
 * concatenated with the one-hot label, {@code [B, latentDim + K]}; the discriminator factory builds
 * one whose input is the image concatenated on the channel axis with the label broadcast to K maps,
 * {@code [B, C + K, H, W]} (see {@link dev.ganforge.spi.Conditioning}). Unlike the seed article's
 * code, the label really reaches the generator.
 */
public class CganModelPlugin implements ModelPlugin<DcganSpec> {

    /** Creates the plugin; it has no state. */
    public CganModelPlugin() {}

    @Override
    public String name() {
        return "cgan";
    }

    @Override
    public Class<DcganSpec> specClass() {
        return DcganSpec.class;
    }

    @Override
    public String description() {
        return "conditional DCGAN: G sees [z | one-hot], D sees [image | label maps]; BCE with logits";
    }

    @Override
    public boolean conditional() {
        return true;
    }

    @Override
    public int latentDim(DcganSpec spec) {
        return spec.latentDim();
    }

    @Override
    public List<String> check(DcganSpec spec, ImageShape imageShape) {
        return DcganNetworks.check(spec, imageShape);
    }

    @Override
    public MultiLayerNetwork createGenerator(DcganSpec spec, ModelContext context) {
        return DcganNetworks.generator(spec, context.imageShape(), context.numClasses(), context.generatorUpdater(),
                context.seed(), DataType.FLOAT);
    }

    @Override
    public MultiLayerNetwork createDiscriminator(DcganSpec spec, ModelContext context) {
        return DcganNetworks.discriminator(spec, context.imageShape(), context.numClasses(),
                context.discriminatorUpdater(), context.seed() + 1, DataType.FLOAT);
    }
}
