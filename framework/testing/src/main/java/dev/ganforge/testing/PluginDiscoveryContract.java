package dev.ganforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.spi.GanPlugin;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * A small JUnit 5 contract for any set of plugins (optimizers, samplers, datasets, models): each is
 * found by {@link ServiceLoader} from {@code META-INF/services/dev.ganforge.spi.GanPlugin} under
 * its name and kind, names are lowercase and unique per kind, and each plugin class has the public
 * no-argument constructor {@link GanPlugin} requires and a record spec.
 */
public abstract class PluginDiscoveryContract {

    /** Creates the contract; subclasses list the plugins they ship. */
    protected PluginDiscoveryContract() {}

    /**
     * @return one instance, created with {@code new}, of every plugin the module under test ships
     */
    protected abstract List<GanPlugin<?>> expectedPlugins();

    /**
     * Loads every plugin visible on the class path.
     *
     * @return new instances from {@code ServiceLoader.load(GanPlugin.class)}, in service-file order
     */
    public static List<GanPlugin<?>> discoveredPlugins() {
        List<GanPlugin<?>> plugins = new ArrayList<>();
        for (GanPlugin<?> plugin : ServiceLoader.load(GanPlugin.class)) {
            plugins.add(plugin);
        }
        return plugins;
    }

    @Test
    void serviceLoaderFindsEachPluginUnderItsNameAndKind() {
        List<GanPlugin<?>> discovered = discoveredPlugins();
        assertThat(expectedPlugins()).isNotEmpty();
        for (GanPlugin<?> expected : expectedPlugins()) {
            assertThat(discovered)
                    .as("%s '%s' in META-INF/services", expected.kind().label(), expected.name())
                    .filteredOn(
                            plugin ->
                                    plugin.kind() == expected.kind()
                                            && plugin.name().equals(expected.name()))
                    .singleElement()
                    .isExactlyInstanceOf(expected.getClass());
        }
    }

    @Test
    void namesAreLowercaseAndUniquePerKind() {
        List<GanPlugin<?>> discovered = discoveredPlugins();
        for (GanPlugin<?> plugin : expectedPlugins()) {
            assertThat(plugin.name())
                    .isEqualTo(plugin.name().toLowerCase(Locale.ROOT))
                    .matches("[a-z][a-z0-9_-]*");
            assertThat(
                            discovered.stream()
                                    .filter(
                                            other ->
                                                    other.kind() == plugin.kind()
                                                            && other.name().equals(plugin.name())))
                    .as("plugins of kind %s named '%s'", plugin.kind(), plugin.name())
                    .hasSize(1);
        }
    }

    @Test
    void pluginsHaveAPublicNoArgumentConstructorAndARecordSpec()
            throws ReflectiveOperationException {
        for (GanPlugin<?> plugin : expectedPlugins()) {
            Class<?> type = plugin.getClass();
            assertThat(Modifier.isPublic(type.getModifiers()))
                    .as("%s is public", type.getName())
                    .isTrue();
            assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
            assertThat(plugin.specClass().isRecord())
                    .as("%s spec is a record", plugin.name())
                    .isTrue();
            assertThat(plugin.description()).as("%s description", plugin.name()).isNotBlank();
        }
    }
}
