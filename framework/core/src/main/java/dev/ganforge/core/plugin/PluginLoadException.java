package dev.ganforge.core.plugin;

/**
 * The plugin set is unusable: a duplicate name, a bad name, or a service entry that cannot be
 * loaded.
 */
public final class PluginLoadException extends RuntimeException {

    /**
     * @param message what is wrong, naming the plugin classes involved
     */
    public PluginLoadException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
