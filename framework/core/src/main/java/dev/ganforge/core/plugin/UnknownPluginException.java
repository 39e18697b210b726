package dev.ganforge.core.plugin;

import dev.ganforge.spi.PluginKind;
import java.util.List;

/**
 * A spec names a plugin that is not on the classpath. A user error: the message lists the known
 * names.
 */
public final class UnknownPluginException extends RuntimeException {

    /**
     * @param kind the kind that was looked up
     * @param name the unknown name
     * @param known the names of that kind that exist
     */
    public UnknownPluginException(PluginKind kind, String name, List<String> known) {
        super(
                "unknown "
                        + kind.label()
                        + " plugin '"
                        + name
                        + "'; known "
                        + kind.label()
                        + " plugins: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }
}
