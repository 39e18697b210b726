package dev.ganforge.core.spec;

import dev.ganforge.config.PluginSection;
import dev.ganforge.config.SelectsPlugin;
import dev.ganforge.spi.PluginKind;
import dev.ganforge.spi.SpecField;

/**
 * The {@code optimizers:} section: one optimizer per network, so each keeps its own state.
 *
 * @param generator the generator's optimizer section
 * @param discriminator the discriminator's optimizer section
 */
public record OptimizersSpec(
        @SelectsPlugin(PluginKind.OPTIMIZER)
                @SpecField(
                        doc = "the generator's optimizer (type: adam | rmsprop | sgd)",
                        defaultValue = "{type: adam}")
                PluginSection generator,
        @SelectsPlugin(PluginKind.OPTIMIZER)
                @SpecField(
                        doc = "the discriminator's optimizer (type: adam | rmsprop | sgd)",
                        defaultValue = "{type: adam}")
                PluginSection discriminator) {}
