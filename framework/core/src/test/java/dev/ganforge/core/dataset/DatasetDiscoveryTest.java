package dev.ganforge.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.plugin.PluginDiscovery;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DatasetDiscoveryTest {

    @Test
    void serviceLoaderFindsEveryBuiltInDatasetByName() {
        Map<String, GanPlugin<?>> datasets = PluginDiscovery.discover(getClass().getClassLoader()).stream()
                .filter(plugin -> plugin.kind() == PluginKind.DATASET)
                .collect(Collectors.toMap(GanPlugin::name, Function.identity()));

        assertThat(datasets.get("image-folder")).isInstanceOf(ImageFolderDataset.class);
        assertThat(datasets.get("idx")).isInstanceOf(IdxDataset.class);
        assertThat(datasets.get("fashion-mnist")).isInstanceOf(FashionMnistDataset.class);
        assertThat(datasets.get("image-folder").specClass()).isEqualTo(ImageFolderSpec.class);
        assertThat(datasets.get("idx").specClass()).isEqualTo(IdxSpec.class);
        assertThat(datasets.get("fashion-mnist").specClass()).isEqualTo(FashionMnistSpec.class);
    }
}
