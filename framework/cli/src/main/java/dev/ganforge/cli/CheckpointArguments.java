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
            description =
                    "best, last (default), a folder name in RUN_DIR/checkpoints (e.g."
                            + " step-00000500) or a checkpoint folder's path")
    String checkpointName;

    /**
     * @return the run folder
     * @throws dev.ganforge.core.train.ExperimentException if RUN_DIR is not a run folder ({@link
     *     #existingRun})
     */
    RunDirectory run() {
        return existingRun(runDirectory);
    }

    /**
     * The check every command that reads a run folder makes first ({@code generate}, {@code
     * evaluate}, {@code explore}, {@code export}, {@code resume}).
     *
     * @param folder a RUN_DIR argument
     * @return the run folder
     * @throws ExperimentException if {@code folder} does not exist, or is a folder without the
     *     {@code spec.yaml} every run folder has (e.g. {@code runs/} itself); the message names it
     */
    static RunDirectory existingRun(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ExperimentException(
                    "run folder "
                            + folder
                            + " does not exist (RUN_DIR is a folder 'ganforge run' wrote, e.g."
                            + " runs/<experiment>/<run id>)");
        }
        if (!Files.isRegularFile(folder.resolve(RunDirectory.SPEC_FILE))) {
            throw new ExperimentException(
                    folder
                            + " is not a run folder: it has no "
                            + RunDirectory.SPEC_FILE
                            + " (RUN_DIR is a folder 'ganforge run' wrote, e.g."
                            + " runs/<experiment>/<run id>)");
        }
        return new RunDirectory(folder);
    }

    /**
     * @return the checkpoint folder {@code --checkpoint} names
     * @throws dev.ganforge.core.train.ExperimentException if the run has no such checkpoint
     */
    Path checkpointFolder() {
        return Checkpoints.resolve(run(), checkpointName);
    }
}
