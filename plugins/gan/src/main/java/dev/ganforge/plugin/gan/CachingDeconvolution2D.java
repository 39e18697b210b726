package dev.ganforge.plugin.gan;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Deconvolution2D} (transposed convolution) whose backward pass reuses the forward pass's
 * output instead of computing the transposed convolution a second time, as DL4J 1.0.0-M2.1's {@code
 * Deconvolution2DLayer.backpropGradient} does. Same configuration, parameters and numerics; about
 * one transposed convolution less per generator layer and training step. The cache is used only for
 * the identity activation (other activations overwrite the pre-output in place) and only when
 * backprop runs on the very input array of the cached forward pass.
 */
public class CachingDeconvolution2D extends Deconvolution2D {

    /** For JSON deserialisation of saved networks. */
    public CachingDeconvolution2D() {}

    /**
     * @param builder a configured DL4J deconvolution builder
     */
    public CachingDeconvolution2D(Deconvolution2D.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Deconvolution2DLayer layer = new CachingLayer(conf, networkDataType);
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
    public CachingDeconvolution2D clone() {
        return (CachingDeconvolution2D) super.clone();
    }

    /** The layer implementation holding the cached pre-output of the last training forward pass. */
    static final class CachingLayer extends Deconvolution2DLayer {

        private INDArray cachedInput;
        private INDArray cachedPreOutput;

        CachingLayer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(
                boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop && cachedPreOutput != null && cachedInput == input) {
                return new Pair<>(cachedPreOutput, null);
            }
            Pair<INDArray, INDArray> result = super.preOutput(training, forBackprop, workspaceMgr);
            boolean identity = layerConf().getActivationFn() instanceof ActivationIdentity;
            if (training && !forBackprop && identity && !result.getFirst().isAttached()) {
                cachedInput = input;
                cachedPreOutput = result.getFirst();
            } else {
                cachedInput = null;
                cachedPreOutput = null;
            }
            return result;
        }

        @Override
        public void clear() {
            super.clear();
            cachedInput = null;
            cachedPreOutput = null;
        }
    }
}
