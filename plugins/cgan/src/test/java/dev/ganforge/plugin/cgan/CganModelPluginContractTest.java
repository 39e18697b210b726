package dev.ganforge.plugin.cgan;

import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.testing.ModelPluginContract;
import java.util.List;

/**
 * Runs the shared model-plugin contract on the conditional {@code cgan} model (3 classes) with a
 * tiny spec.
 */
class CganModelPluginContractTest extends ModelPluginContract<DcganSpec> {

    @Override
    protected ModelPlugin<DcganSpec> plugin() {
        return new CganModelPlugin();
    }

    @Override
    protected DcganSpec smallSpec() {
        return new DcganSpec(8, List.of(4, 8), 3, 0.2, 0.9, 0.02);
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
