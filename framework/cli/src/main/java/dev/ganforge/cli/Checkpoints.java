package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.train.ExperimentException;
import java.nio.file.Path;

/** Turns a {@code --checkpoint best|last|DIR} option into a checkpoint folder. */
final class Checkpoints {

    private Checkpoints() {}

    /**
     * @param run the run folder
     * @param which {@code best}, {@code last}, a folder name in the run's {@code checkpoints/} or a
     *     checkpoint folder's path ({@link dev.ganforge.core.run.CheckpointStore#resolve})
     * @return the checkpoint folder
     * @throws ExperimentException if the run has no such checkpoint
     */
    static Path resolve(RunDirectory run, String which) {
        try {
            return run.checkpoints().resolve(which);
        } catch (IllegalArgumentException e) {
            throw new ExperimentException(e.getMessage());
        }
    }
}
