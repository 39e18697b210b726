package dev.ganforge.cli;

import dev.ganforge.config.SpecKey;
import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.PluginKind;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge plugins}: every plugin found on the classpath, its kind, name, version and spec
 * keys.
 */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description =
                "List every plugin found (kind, name, version) with its spec keys, defaults and"
                        + " ranges.")
final class PluginsCommand implements Callable<Integer> {

    private final PluginRegistry registry;

    /**
     * @param registry every installed plugin
     */
    @Inject
    PluginsCommand(PluginRegistry registry) {
        this.registry = registry;
    }

    @Spec CommandSpec commandSpec;

    @Override
    public Integer call() {
        PrintWriter out = commandSpec.commandLine().getOut();
        for (PluginKind kind : PluginKind.values()) {
            for (GanPlugin<?> plugin : registry.all().get(kind).values()) {
                out.printf(
                        "%-9s %-14s %-6s %s%n",
                        kind.label(), plugin.name(), plugin.version(), plugin.description());
                List<SpecKey> keys = SpecLoader.describe(plugin.specClass());
                // the key column as wide as the plugin's longest key, at least 22
                int width =
                        Math.max(22, keys.stream().mapToInt(k -> k.key().length()).max().orElse(0));
                for (SpecKey key : keys) {
                    out.printf(
                            "    %-" + width + "s %-8s %s%s%s%n",
                            key.key(),
                            key.type(),
                            key.required() ? "required" : "default " + key.defaultValue(),
                            range(key),
                            " - " + key.doc());
                }
            }
        }
        return 0;
    }

    private static String range(SpecKey key) {
        if (key.min() == null && key.max() == null) {
            return "";
        }
        return " ["
                + (key.min() == null ? "" : format(key.min()))
                + ".."
                + (key.max() == null ? "" : format(key.max()))
                + "]";
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
