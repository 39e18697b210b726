package dev.ganforge.plugin.gan;

import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code gan} model: an unconditional DCGAN (see {@link DcganNetworks}). The generator takes z
 * {@code [B, latentDim]} only; the discriminator takes the image {@code [B, C, H, W]} only.
 * Subclasses that return {@code true} from {@link #conditional()} get the label-conditioned
 * networks (z concatenated with the one-hot label; image concatenated with K label maps).
 */
public class DcganModelPlugin implements ModelPlugin<DcganSpec> {

    /** Creates the plugin; it has no state. */
    public DcganModelPlugin() {}

    @Override
    public String name() {
        return "gan";
    }

    @Override
    public Class<DcganSpec> specClass() {
        return DcganSpec.class;
    }

    @Override
    public String description() {
        return "unconditional DCGAN (Radford et al. 2015): conv/deconv stride 2, BatchNorm, BCE"
                + " with logits";
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public int latentDim(DcganSpec spec) {
        return spec.latentDim();
    }

    @Override
    public List<String> check(DcganSpec spec, ImageShape imageShape) {
        return DcganNetworks.check(spec, imageShape, conditional());
    }

    @Override
    public MultiLayerNetwork createGenerator(DcganSpec spec, ModelContext context) {
        return DcganNetworks.generator(
                spec,
                context.imageShape(),
                conditionClasses(context),
                context.generatorUpdater(),
                context.seed(),
                DataType.FLOAT);
    }

    @Override
    public MultiLayerNetwork createDiscriminator(DcganSpec spec, ModelContext context) {
        return DcganNetworks.discriminator(
                spec,
                context.imageShape(),
                conditionClasses(context),
                context.discriminatorUpdater(),
                context.seed() + 1,
                DataType.FLOAT);
    }

    @Override
    public boolean spectralNorm(DcganSpec spec) {
        return spec.discriminatorNorm() == DiscriminatorNorm.SPECTRAL;
    }

    /**
     * @param context the model context
     * @return K for a conditional model, 0 otherwise
     */
    protected int conditionClasses(ModelContext context) {
        return conditional() ? context.numClasses() : 0;
    }
}
