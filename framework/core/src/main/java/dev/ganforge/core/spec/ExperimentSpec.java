package dev.ganforge.core.spec;

import dev.ganforge.config.PluginSection;
import dev.ganforge.config.SelectsPlugin;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.spi.SpecField;
import java.util.Objects;

/**
 * A whole experiment, as read from YAML and resolved (every default filled in). Read it with {@link
 * SpecLoader}; each {@link PluginSection} component names its plugin kind with {@link
 * SelectsPlugin}.
 *
 * @param experiment the experiment name: letters, digits, '.', '_' and '-', not starting with '.';
 *     names the run folder
 * @param seed the seed of every random draw (weights, shuffling, latent vectors)
 * @param dataset the {@code dataset:} plugin section
 * @param model the {@code model:} plugin section
 * @param optimizers one optimizer section per network
 * @param sampler the {@code sampler:} plugin section (latent z distribution)
 * @param training batch size, length and intervals
 * @param evaluation when and how the generator is evaluated, or null for no evaluation
 * @param tracking the MLflow server to mirror the run into, or null (see {@link TrackingSpec})
 */
public record ExperimentSpec(
        @SpecField(
                        doc =
                                "experiment name: letters, digits, '.', '_' and '-', not starting"
                                        + " with '.'")
                String experiment,
        @SpecField(doc = "seed of every random draw", defaultValue = "42") long seed,
        @SelectsPlugin(PluginKind.DATASET) @SpecField(doc = "the dataset plugin section (type: …)")
                PluginSection dataset,
        @SelectsPlugin(PluginKind.MODEL) @SpecField(doc = "the model plugin section (type: …)")
                PluginSection model,
        @SpecField(
                        doc = "optimizer sections for the generator and the discriminator",
                        defaultValue = "{}")
                OptimizersSpec optimizers,
        @SelectsPlugin(PluginKind.SAMPLER)
                @SpecField(
                        doc = "the latent sampler section (type: …)",
                        defaultValue = "{type: uniform}")
                PluginSection sampler,
        @SpecField(doc = "batch size, length and intervals") TrainingSpec training,
        @SpecField(
                        doc =
                                "evaluation metrics, health checks and best checkpoint (absent:"
                                        + " none)",
                        optional = true)
                EvaluationSpec evaluation,
        @SpecField(
                        doc =
                                "MLflow tracking: {uri, experiment, system_metrics_every}"
                                        + " (optional; $MLFLOW_TRACKING_URI also enables it)",
                        optional = true)
                TrackingSpec tracking) {

    /**
     * @throws IllegalArgumentException if the name has other characters
     */
    public ExperimentSpec {
        Objects.requireNonNull(experiment, "experiment");
        // it names a folder under runs/: '.', '..' and hidden names would leave or hide it
        if (!experiment.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "experiment name may contain only letters, digits, '.', '_' and '-', and must"
                            + " not start with '.'");
        }
    }
}
