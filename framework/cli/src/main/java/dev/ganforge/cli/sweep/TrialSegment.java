package dev.ganforge.cli.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One stretch of a trial's training, as an executor runs it: the ganforge command that trains the
 * trial's run folder up to {@code targetSteps}, in a JVM of its own. Which of the two commands runs
 * is decided where it runs, at the moment it starts: {@code resumeCommand} when the run folder
 * holds a checkpoint ({@code checkpoints/latest}), else {@code startCommand}. So a segment that is
 * started again after its worker died continues from the last checkpoint of the attempt that died.
 *
 * @param trialId the trial's identity
 * @param targetSteps the step the segment trains to
 * @param startCommand the whole command line of a fresh start ({@code java … Main run SPEC --output
 *     DIR …})
 * @param resumeCommand the whole command line of a continuation ({@code java … Main resume DIR …})
 * @param environment variables to add to the JVM's environment
 * @param runDirectory the trial's run folder (on a path every node sees)
 * @param log the file the JVM's output is appended to
 */
public record TrialSegment(
        String trialId,
        long targetSteps,
        List<String> startCommand,
        List<String> resumeCommand,
        Map<String, String> environment,
        Path runDirectory,
        Path log) {

    /** Copies the lists and the map. */
    public TrialSegment {
        startCommand = List.copyOf(startCommand);
        resumeCommand = List.copyOf(resumeCommand);
        environment = Map.copyOf(environment);
    }

    /**
     * @return the command to run now: the continuation if the run folder holds a checkpoint
     */
    public List<String> commandNow() {
        return java.nio.file.Files.exists(runDirectory.resolve("checkpoints").resolve("latest"))
                ? resumeCommand
                : startCommand;
    }
}
