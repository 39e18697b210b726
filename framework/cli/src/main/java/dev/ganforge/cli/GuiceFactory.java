package dev.ganforge.cli;

import com.google.inject.Injector;
import picocli.CommandLine;

/**
 * Lets picocli create ganforge's commands through the application's {@link Injector}, so each
 * command receives its collaborators in its constructor; picocli's own classes (help, converters)
 * come from its default factory.
 */
final class GuiceFactory implements CommandLine.IFactory {

    private final Injector injector;

    GuiceFactory(Injector injector) {
        this.injector = injector;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type.getName().startsWith("dev.ganforge.")) {
            return injector.getInstance(type);
        }
        return CommandLine.defaultFactory().create(type);
    }
}
