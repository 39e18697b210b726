package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.train.ExperimentException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The arguments of the commands that read a trained run ({@code generate}, {@code evaluate}, {@code
 * explore}): the run folder and {@code --checkpoint best|last|DIR}. A picocli mixin.
 */
final class CheckpointArguments {

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "a run folder written by 'ganforge run'")
    Path runDirectory;

    @Option(
            names = "--checkpoint",
            paramLabel = "best|last|DIR",
            defaultValue = "last",
            description = "best, last (default) or a checkpoint folder")
    String checkpointName;

    /**
     * @return the run folder
     * @throws dev.ganforge.core.train.ExperimentException if RUN_DIR does not exist, or is a folder
     *     without the {@code spec.yaml} every run folder has (e.g. {@code runs/} itself)
     */
    RunDirectory run() {
        if (!Files.isDirectory(runDirectory)) {
            throw new ExperimentException(
                    "run folder "
                            + runDirectory
                            + " does not exist (RUN_DIR is a folder 'ganforge run' wrote, e.g."
                            + " runs/<experiment>/<run id>)");
        }
        if (!Files.isRegularFile(runDirectory.resolve(RunDirectory.SPEC_FILE))) {
            throw new ExperimentException(
                    runDirectory
                            + " is not a run folder: it has no "
                            + RunDirectory.SPEC_FILE
                            + " (RUN_DIR is a folder 'ganforge run' wrote, e.g."
                            + " runs/<experiment>/<run id>)");
        }
        return new RunDirectory(runDirectory);
    }

    /**
     * @return the checkpoint folder {@code --checkpoint} names
     * @throws dev.ganforge.core.train.ExperimentException if the run has no such checkpoint
     */
    Path checkpointFolder() {
        return Checkpoints.resolve(run(), checkpointName);
    }
}
