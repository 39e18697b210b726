package dev.ganforge.core.train;

import dev.ganforge.core.spec.ExperimentSpec;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Makes the {@link Trainer} of one run with the application's engines and evaluation; bound by
 * Guice.
 */
public final class TrainerFactory {

    private final TrainingEngines engines;
    private final TrainingMonitor.Factory monitors;

    /**
     * @param engines the installed training engines
     * @param monitors creates each run's evaluation
     */
    @Inject
    public TrainerFactory(TrainingEngines engines, TrainingMonitor.Factory monitors) {
        this.engines = engines;
        this.monitors = monitors;
    }

    /**
     * @param spec the resolved experiment
     * @param resolvedSpecYaml the same spec as YAML, saved with the run
     * @param runDirectory where the run is written
     * @param console where the progress bar and messages go
     * @return a trainer for that run; {@link Trainer#run} starts it
     */
    public Trainer create(
            ExperimentSpec spec, String resolvedSpecYaml, Path runDirectory, PrintStream console) {
        return new Trainer(spec, resolvedSpecYaml, runDirectory, console, engines, monitors);
    }

    /**
     * @return the engines {@code training.engine} chooses from
     */
    public TrainingEngines engines() {
        return engines;
    }
}
