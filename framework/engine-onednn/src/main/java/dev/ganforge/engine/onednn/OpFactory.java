package dev.ganforge.engine.onednn;

import dev.ganforge.engine.onednn.Dnnl.Tensor;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns one kind of DL4J layer configuration into a {@link OneDnnOp}. Each op class holds the
 * factory (or factories) of the layers it computes and {@link OpRegistry} lists them; supporting
 * another DL4J layer type means an op class with its factory and one line in that list.
 *
 * <p>A layer compiles to the op {@link #create} returns followed, unless {@link #activation} is the
 * identity, by an {@link EltwiseOp} for its activation, so factories do not handle activations.
 * What every layer needs (no dropout, no weight noise, a supported activation and preprocessor) is
 * checked by {@link OpRegistry#unsupported}; a factory adds only its own layer's conditions.
 */
interface OpFactory {

    /**
     * @param layer a layer configuration
     * @return whether this factory computes that kind of layer (its settings are judged by {@link
     *     #unsupported}); the first factory in {@link OpRegistry} that accepts a layer handles it
     */
    boolean accepts(Layer layer);

    /**
     * @param layer a layer this factory {@link #accepts}
     * @return why the op cannot compute this layer's settings as DL4J would, as the end of a
     *     sentence that starts with the layer's name (for example "needs a bias and no layer
     *     normalisation"), or empty if it can
     */
    default Optional<String> unsupported(Layer layer) {
        return Optional.empty();
    }

    /**
     * @return whether the op reads a 4-D NCHW input as DL4J's {@code CnnToFeedForwardPreProcessor}
     *     flattens it ({@code [B, C·H·W]} in NCHW order), so that preprocessor needs no op of its
     *     own
     */
    default boolean flattensCnnInput() {
        return false;
    }

    /**
     * @param layer a layer this factory {@link #accepts}
     * @return the activation applied after the op: the layer's configured one by default
     */
    default IActivation activation(Layer layer) {
        return layer instanceof BaseLayer base ? base.getActivationFn() : new ActivationIdentity();
    }

    /**
     * Creates the op's forward primitive; its backward ones follow in {@link OneDnnOp#link}.
     *
     * @param src the op's input: the previous op's output, NCHW {@code [B, C, H, W]} or {@code [B,
     *     F]}, float32, in the layout the previous primitive chose
     * @param layer a supported layer this factory {@link #accepts}
     * @param params the layer's parameter views (DL4J's keys, such as {@code W} and {@code b}),
     *     read in place
     * @param gradients the layer's views into the network's gradient array, with the same keys,
     *     written by the backward pass
     * @param compute the data type weighted primitives read their operands in; ops without weights
     *     ignore it
     * @return the op, or null when the layer computes nothing but its {@link #activation}
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    OneDnnOp create(
            Tensor src,
            Layer layer,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute);
}
