package dev.ganforge.plugin.gan;

import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.testing.ModelPluginContract;
import java.util.List;

/**
 * Runs the shared model-plugin contract on the unconditional {@code gan} model with a tiny spec.
 */
class DcganModelPluginContractTest extends ModelPluginContract<DcganSpec> {

    @Override
    protected ModelPlugin<DcganSpec> plugin() {
        return new DcganModelPlugin();
    }

    @Override
    protected DcganSpec smallSpec() {
        return new DcganSpec(8, List.of(4, 8), 3, 0.2, 0.9, 0.02);
    }

    @Override
    protected ImageShape imageShape() {
        return new ImageShape(3, 16, 16);
    }

    @Override
    protected int numClasses() {
        return 3;
    }
}
