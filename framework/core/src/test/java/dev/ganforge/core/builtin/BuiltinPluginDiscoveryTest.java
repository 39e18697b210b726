package dev.ganforge.core.builtin;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.testing.PluginDiscoveryContract;
import java.util.List;

/** The core's built-in optimizers and samplers are registered in its META-INF/services file. */
class BuiltinPluginDiscoveryTest extends PluginDiscoveryContract {

    @Override
    protected List<GanPlugin<?>> expectedPlugins() {
        return List.of(new AdamOptimizer(), new RmsPropOptimizer(), new SgdOptimizer(), new UniformSampler(),
                new NormalSampler());
    }
}
