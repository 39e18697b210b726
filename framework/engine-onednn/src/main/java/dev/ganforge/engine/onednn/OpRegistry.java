package dev.ganforge.engine.onednn;

import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * The DL4J layer types {@link OneDnnNetwork} compiles, each with the {@link OpFactory} that turns
 * it into a {@link OneDnnOp}, and whether a given layer can be compiled. To support another layer
 * type, write its op class with a factory and add the factory to {@link #FACTORIES}.
 *
 * <p>Preprocessors are not layers and have no factory: {@link OneDnnNetwork} compiles DL4J's
 * feed-forward → CNN preprocessor to a {@link ReshapeOp}, and CNN → feed-forward (NCHW) is allowed
 * before a layer whose factory {@link OpFactory#flattensCnnInput flattens its input} itself.
 */
final class OpRegistry {

    /** Asked in this order; the first factory that accepts a layer compiles it. */
    private static final List<OpFactory> FACTORIES =
            List.of(
                    ConvolutionOp.FACTORY, // ConvolutionLayer, Deconvolution2D
                    ConditionalBatchNormOp.FACTORY, // ConditionalBatchNormalization
                    BatchNormOp.FACTORY, // BatchNormalization
                    InnerProductOp.OUTPUT, // OutputLayer
                    InnerProductOp.DENSE, // DenseLayer
                    EltwiseOp.ACTIVATION_LAYER); // ActivationLayer

    private OpRegistry() {}

    /**
     * @return the factories, in the order they are asked
     */
    static List<OpFactory> factories() {
        return FACTORIES;
    }

    /**
     * @param layer a layer configuration
     * @return the first factory that accepts it, or empty if no op computes this layer type
     */
    static Optional<OpFactory> factoryFor(Layer layer) {
        return FACTORIES.stream().filter(f -> f.accepts(layer)).findFirst();
    }

    /**
     * Says why one layer cannot be compiled. The checks run in a fixed order (preprocessor,
     * dropout, weight noise, layer type, the factory's own conditions, activation) so the first
     * problem of a layer is always the one reported.
     *
     * @param layer a layer configuration
     * @param pre the input preprocessor DL4J runs before it, or null
     * @return the reason, as the end of a sentence that starts with the layer's name (for example
     *     "has dropout", "is not a supported layer type"), or empty if the layer can be compiled
     */
    static Optional<String> unsupported(Layer layer, InputPreProcessor pre) {
        Optional<OpFactory> factory = factoryFor(layer);
        if (pre != null
                && !(pre instanceof FeedForwardToCnnPreProcessor)
                && !(pre instanceof CnnToFeedForwardPreProcessor p
                        && p.getFormat() == CNN2DFormat.NCHW
                        && factory.map(OpFactory::flattensCnnInput).orElse(false))) {
            return Optional.of("has input preprocessor " + pre.getClass().getSimpleName());
        }
        // The oneDNN passes are deterministic: whatever DL4J would do to inputs or weights at
        // random
        // during training is not there.
        if (layer.getIDropout() != null) {
            return Optional.of("has dropout");
        }
        if (layer instanceof BaseLayer base && base.getWeightNoise() != null) {
            return Optional.of("has weight noise");
        }
        if (factory.isEmpty()) {
            return Optional.of("is not a supported layer type");
        }
        Optional<String> own = factory.get().unsupported(layer);
        if (own.isPresent()) {
            return own;
        }
        IActivation activation = factory.get().activation(layer);
        if (EltwiseOp.algorithm(activation) < 0 && !(activation instanceof ActivationIdentity)) {
            return Optional.of("has unsupported activation " + activation);
        }
        return Optional.empty();
    }
}
