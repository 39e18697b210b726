package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.DiscriminatorNorm;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.testing.ModelPluginContract;
import java.util.List;

/**
 * Runs the shared model-plugin contract on {@code cgan-projection} (3 classes, spectral norm): D
 * takes the image alone and gives {@code [B, 1 + K]}.
 */
class ProjectionCganModelPluginContractTest extends ModelPluginContract<DcganSpec> {

    @Override
    protected ModelPlugin<DcganSpec> plugin() {
        return new ProjectionCganModelPlugin();
    }

    @Override
    protected DcganSpec smallSpec() {
        return new DcganSpec(8, List.of(4, 8), 3, 0.2, 0.9, 0.02)
                .withDiscriminatorNorm(DiscriminatorNorm.SPECTRAL);
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
