package dev.ganforge.spi.layer;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The first layer of a generator with {@link ConditionalBatchNormalization}: a {@link DenseLayer}
 * (same configuration, parameters and numerics) on the generator input {@code [z | one-hot]} {@code
 * [B, latentDim + K]} that also hands that input on to the conditional BatchNorm layers of the same
 * forward pass, which read the one-hot label from its last K columns. Anything that compiles or
 * exports a {@code DenseLayer} handles it as one.
 */
public class ConditioningDenseLayer extends DenseLayer {

    /** For JSON deserialisation of saved networks. */
    public ConditioningDenseLayer() {}

    /**
     * A dense layer with bias and identity activation; weight initialisation and updater come from
     * the network's global configuration.
     *
     * @param inputs latentDim + K
     * @param outputs number of output features
     * @return the configuration
     */
    public static ConditioningDenseLayer of(long inputs, long outputs) {
        ConditioningDenseLayer layer = new ConditioningDenseLayer();
        layer.setNIn(inputs);
        layer.setNOut(outputs);
        layer.setActivationFn(new ActivationIdentity());
        layer.setHasBias(true);
        return layer;
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Implementation layer = new Implementation(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable =
                initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ConditioningDenseLayer clone() {
        return (ConditioningDenseLayer) super.clone();
    }

    /** DL4J's dense layer that publishes its input before computing. */
    static final class Implementation
            extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {

        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            ForwardPassLabels.publish(input);
            return super.activate(training, workspaceMgr);
        }
    }
}
