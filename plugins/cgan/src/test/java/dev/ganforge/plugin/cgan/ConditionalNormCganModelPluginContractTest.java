package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.DiscriminatorNorm;
import dev.ganforge.plugin.gan.GeneratorNorm;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.testing.ModelPluginContract;
import java.util.List;

/**
 * Runs the shared model-plugin contract on {@code cgan-projection} with conditional BatchNorm in
 * the generator ({@code generator_norm: conditional}) and spectral norm in the discriminator, the
 * combination of Miyato &amp; Koyama 2018.
 */
class ConditionalNormCganModelPluginContractTest extends ModelPluginContract<DcganSpec> {

    @Override
    protected ModelPlugin<DcganSpec> plugin() {
        return new ProjectionCganModelPlugin();
    }

    @Override
    protected DcganSpec smallSpec() {
        return new DcganSpec(8, List.of(4, 8), 3, 0.2, 0.9, 0.02)
                .withDiscriminatorNorm(DiscriminatorNorm.SPECTRAL)
                .withGeneratorNorm(GeneratorNorm.CONDITIONAL);
    }

    @Override
    protected ImageShape imageShape() {
        return new ImageShape(1, 8, 8);
    }

    @Override
    protected int numClasses() {
        return 3;
    }
}
