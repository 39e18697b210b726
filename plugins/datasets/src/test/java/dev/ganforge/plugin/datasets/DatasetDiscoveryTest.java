package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.testing.PluginDiscoveryContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dataset plugins are registered in this module's META-INF/services file, like any third-party
 * plugin.
 */
class DatasetDiscoveryTest extends PluginDiscoveryContract {

    @Override
    protected List<GanPlugin<?>> expectedPlugins() {
        return List.of(
                new ImageFolderDataset(),
                new IdxDataset(),
                new FashionMnistDataset(),
                new RandomDataset());
    }

    @Test
    void eachDatasetReadsItsOwnSpecRecord() {
        assertThat(new ImageFolderDataset().specClass()).isEqualTo(ImageFolderSpec.class);
        assertThat(new IdxDataset().specClass()).isEqualTo(IdxSpec.class);
        assertThat(new FashionMnistDataset().specClass()).isEqualTo(FashionMnistSpec.class);
    }
}
