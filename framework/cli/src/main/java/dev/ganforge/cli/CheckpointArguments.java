package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
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
     */
    RunDirectory run() {
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
