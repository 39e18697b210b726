package dev.ganforge.plugin.metrics;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.testing.PluginDiscoveryContract;
import java.util.List;

/** The evaluator plugins are registered in this module's META-INF/services file. */
class MetricsDiscoveryTest extends PluginDiscoveryContract {

    @Override
    protected List<GanPlugin<?>> expectedPlugins() {
        return List.of(
                new LabelAccuracyEvaluator(),
                new FrechetDistanceEvaluator(),
                new PrecisionRecallEvaluator(),
                new KernelDistanceEvaluator());
    }
}
