package dev.ganforge.plugin.basics;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.testing.PluginDiscoveryContract;
import java.util.List;

/** The optimizer and sampler plugins are registered in this module's META-INF/services file. */
class BuiltinPluginDiscoveryTest extends PluginDiscoveryContract {

    @Override
    protected List<GanPlugin<?>> expectedPlugins() {
        return List.of(
                new AdamOptimizer(),
                new RmsPropOptimizer(),
                new SgdOptimizer(),
                new UniformSampler(),
                new NormalSampler());
    }
}
