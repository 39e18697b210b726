package dev.ganforge.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --set PATH=VALUE} option every command that reads a spec shares (a picocli mixin):
 * dotted spec paths as in the YAML file, applied in order after the file is read; {@code PATH=~}
 * (or {@code PATH=null}) removes a key, so its default applies, and removing an absent key does
 * nothing.
 */
final class OverrideOptions {

    @Option(
            names = "--set",
            paramLabel = "PATH=VALUE",
            description =
                    "override a spec key, e.g. --set training.steps=100 (repeatable); PATH=~"
                            + " removes the key so its default applies, e.g. --set dataset.type=idx"
                            + " --set dataset.split=~")
    List<String> overrides = new ArrayList<>();

    /**
     * @return the overrides in command-line order
     */
    List<String> values() {
        return overrides;
    }
}
