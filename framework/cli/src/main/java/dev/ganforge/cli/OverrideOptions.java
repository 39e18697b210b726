package dev.ganforge.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --set PATH=VALUE} option every command that reads a spec shares (a picocli mixin):
 * dotted spec paths as in the YAML file, applied in order after the file is read; {@code PATH=~}
 * removes a key.
 */
final class OverrideOptions {

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "override a spec key, e.g. --set training.steps=100 (repeatable)")
    List<String> overrides = new ArrayList<>();

    /** @return the overrides in command-line order */
    List<String> values() {
        return overrides;
    }
}
