package dev.ganforge.spi;

import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Maps an optimizer spec onto an ND4J updater configuration. The core calls {@link #create} once
 * per network, so the generator and discriminator never share optimizer state.
 *
 * @param <S> the optimizer's spec record
 */
public interface OptimizerPlugin<S extends Record> extends GanPlugin<S> {

    @Override
    default PluginKind kind() {
        return PluginKind.OPTIMIZER;
    }

    /**
     * @param spec the bound optimizer spec
     * @return a new updater configuration (never shared between networks)
     */
    IUpdater create(S spec);
}
