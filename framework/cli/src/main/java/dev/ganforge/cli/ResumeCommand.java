package dev.ganforge.cli;

import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge resume RUN_DIR [--set training.steps=N]}: continues a run from its latest
 * checkpoint.
 */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description =
                "Continue a killed or finished run from its latest checkpoint, with its saved spec"
                        + " and classes.")
final class ResumeCommand implements Callable<Integer> {

    private final SpecLoader loader;
    private final RunSession session;

    /**
     * @param loader the spec loader, with every installed plugin
     * @param session trains the run
     */
    @Inject
    ResumeCommand(SpecLoader loader, RunSession session) {
        this.loader = loader;
        this.session = session;
    }

    @Spec CommandSpec commandSpec;

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "a run folder written by 'ganforge run'")
    Path runDirectory;

    @Mixin OverrideOptions set;

    @Override
    public Integer call() {
        ExperimentSpec spec =
                loader.load(CheckpointArguments.existingRun(runDirectory).specFile(), set.values());
        return session.train(
                spec,
                loader.toYaml(spec),
                runDirectory,
                true,
                commandSpec.commandLine().getOut(),
                commandSpec.commandLine().getErr());
    }
}
