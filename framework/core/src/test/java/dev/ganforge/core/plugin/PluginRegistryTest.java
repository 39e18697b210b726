package dev.ganforge.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.spi.SamplerPlugin;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

class PluginRegistryTest {

    record NoSpec() {}

    /** A sampler whose name is given in the constructor, to test naming rules. */
    static class NamedSampler implements SamplerPlugin<NoSpec> {
        private final String name;

        NamedSampler(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Class<NoSpec> specClass() {
            return NoSpec.class;
        }

        public void sample(NoSpec spec, INDArray z, Random random) {}
    }

    static final class OtherSampler extends NamedSampler {
        OtherSampler(String name) {
            super(name);
        }
    }

    @Test
    void registryFindsPluginsByKindAndName() {
        PluginRegistry registry =
                Plugins.fromList(List.of(new NamedSampler("uniform"), new NamedSampler("normal")));

        assertThat(registry.names(PluginKind.SAMPLER)).containsExactly("normal", "uniform");
        assertThat(registry.get(PluginKind.SAMPLER, "normal").name()).isEqualTo("normal");
        assertThat(registry.contains(PluginKind.MODEL, "normal")).isFalse();
        assertThat(registry.names(PluginKind.MODEL)).isEmpty();
    }

    @Test
    void duplicateNamesFailWithBothClassNames() {
        List<GanPlugin<?>> plugins =
                List.of(new NamedSampler("uniform"), new OtherSampler("uniform"));

        assertThatThrownBy(() -> Plugins.fromList(plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("two sampler plugins are named 'uniform'")
                .hasMessageContaining(NamedSampler.class.getName())
                .hasMessageContaining(OtherSampler.class.getName());
    }

    @Test
    void unknownLookupListsTheKnownNamesOfThatKind() {
        PluginRegistry registry =
                Plugins.fromList(List.of(new NamedSampler("uniform"), new NamedSampler("normal")));

        assertThatThrownBy(() -> registry.get(PluginKind.SAMPLER, "gauss"))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessage(
                        "unknown sampler plugin 'gauss'; known sampler plugins: normal, uniform");
        assertThatThrownBy(() -> registry.get(PluginKind.MODEL, "cgan", ModelPlugin.class))
                .hasMessage("unknown model plugin 'cgan'; known model plugins: (none)");
    }

    @Test
    void badPluginNamesAreRejected() {
        for (String bad : List.of("Uniform", "1st", "with space", "")) {
            assertThatThrownBy(() -> Plugins.fromList(List.of(new NamedSampler(bad))))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining(NamedSampler.class.getName())
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Plugins.fromList(List.of(new NamedSampler(null))))
                .isInstanceOf(PluginLoadException.class);
    }

    @Test
    void sameNameInDifferentKindsIsAllowed() {
        PluginRegistry registry =
                Plugins.fromList(List.of(new NamedSampler("plain"), new PlainModelStub()));

        assertThat(registry.get(PluginKind.SAMPLER, "plain")).isInstanceOf(NamedSampler.class);
        assertThat(registry.get(PluginKind.MODEL, "plain")).isInstanceOf(PlainModelStub.class);
    }

    static final class PlainModelStub implements ModelPlugin<NoSpec> {
        public String name() {
            return "plain";
        }

        public Class<NoSpec> specClass() {
            return NoSpec.class;
        }

        public boolean conditional() {
            return false;
        }

        public int latentDim(NoSpec spec) {
            return 1;
        }

        public MultiLayerNetwork createGenerator(NoSpec spec, ModelContext context) {
            throw new UnsupportedOperationException();
        }

        public MultiLayerNetwork createDiscriminator(NoSpec spec, ModelContext context) {
            throw new UnsupportedOperationException();
        }
    }
}
