package dev.ganforge.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Puts a spec's optimizer settings into a network restored from a checkpoint. A DL4J network keeps
 * its updater configuration (learning rate, betas, …) inside the saved network, so {@code ganforge
 * resume RUN --set optimizers.generator.learning_rate=X} would otherwise train on with the old
 * value. The optimizer's state (Adam's moment estimates) is kept: only its hyperparameters change,
 * as population-based training's "explore" step does (Jaderberg et al. 2017,
 * https://arxiv.org/abs/1711.09846).
 */
public final class OptimizerSettings {

    private OptimizerSettings() {}

    /**
     * @param network a restored network
     * @param updater the spec's optimizer for it
     * @param role {@code generator} or {@code discriminator}, for messages
     * @return the changes made, e.g. {@code ["layer 0: Adam(lr 2.0E-4) -> Adam(lr 5.0E-4)"]}; empty
     *     when the settings were already those of the spec
     * @throws ExperimentException if the spec names another kind of optimizer than the checkpoint's
     *     (its state would not fit)
     */
    public static List<String> apply(MultiLayerNetwork network, IUpdater updater, String role) {
        List<String> changes = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (!(layer.conf().getLayer() instanceof BaseLayer base)
                    || base.getIUpdater() == null
                    || base.getIUpdater().equals(updater)) {
                continue;
            }
            if (base.getIUpdater().getClass() != updater.getClass()) {
                throw new ExperimentException(
                        "cannot resume with another "
                                + role
                                + " optimizer: the checkpoint's is "
                                + base.getIUpdater().getClass().getSimpleName()
                                + ", the spec's "
                                + updater.getClass().getSimpleName()
                                + " (its state would not fit); change its settings, not its type");
            }
            changes.add("layer " + layer.getIndex() + ": " + base.getIUpdater() + " -> " + updater);
            base.setIUpdater(updater.clone());
        }
        if (!changes.isEmpty() && network.getUpdater() != null) {
            // rebuild the updater from the new configuration, keeping its state (same layout:
            // same optimizer type, same parameter blocks)
            INDArray state = network.getUpdater().getStateViewArray();
            INDArray kept = state == null ? null : state.dup();
            network.setUpdater(null);
            if (kept != null) {
                network.getUpdater().setStateViewArray(network, kept, false);
            }
        }
        return changes;
    }
}
