package dev.ganforge.cli;

import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ganforge run SPEC [--set path=value]… [--output DIR]}: trains one experiment. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Train an experiment; writes runs/<experiment>/<run id>/ unless --output is given.")
final class RunCommand implements Callable<Integer> {

    private final SpecLoader loader;
    private final RunSession session;

    /**
     * @param loader the spec loader, with every installed plugin
     * @param session trains the run
     */
    @Inject
    RunCommand(SpecLoader loader, RunSession session) {
        this.loader = loader;
        this.session = session;
    }

    @Spec CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "experiment YAML file")
    Path specFile;

    @Mixin OverrideOptions set;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "run folder (default runs/<experiment>/<run id>)")
    Path output;

    @Override
    public Integer call() {
        ExperimentSpec spec = loader.load(specFile, set.values());
        Path runDirectory =
                output != null
                        ? output
                        : Path.of(
                                "runs",
                                spec.experiment(),
                                LocalDateTime.now()
                                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return session.train(
                spec,
                loader.toYaml(spec),
                runDirectory,
                false,
                commandSpec.commandLine().getOut(),
                commandSpec.commandLine().getErr());
    }
}
