package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Tensor;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fully connected layer {@code y = x W + b}, oneDNN's inner product primitive
 * (https://oneapi-src.github.io/oneDNN/dev_guide_inner_product.html): input {@code [B, F]}, or NCHW
 * {@code [B, C, H, W]} flattened in NCHW order as DL4J's {@code CnnToFeedForwardPreProcessor} does;
 * output {@code [B, nOut]}, plain.
 */
final class InnerProductOp extends WeightedOp {

    /** {@link DenseLayer} with a bias and without layer normalisation. */
    static final OpFactory DENSE =
            new Factory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof DenseLayer;
                }

                @Override
                public Optional<String> unsupported(Layer layer) {
                    DenseLayer d = (DenseLayer) layer;
                    return !d.hasBias() || d.hasLayerNorm()
                            ? Optional.of("needs a bias and no layer normalisation")
                            : Optional.empty();
                }
            };

    /**
     * {@link OutputLayer} with a bias, identity activation and {@link BinaryCrossEntropyWithLogits}
     * loss: the op computes the logits, {@link OneDnnTrainingStep} the loss and its gradient.
     */
    static final OpFactory OUTPUT =
            new Factory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof OutputLayer;
                }

                @Override
                public Optional<String> unsupported(Layer layer) {
                    OutputLayer o = (OutputLayer) layer;
                    return !(o.getLossFn() instanceof BinaryCrossEntropyWithLogits)
                                    || !(o.getActivationFn() instanceof ActivationIdentity)
                                    || !o.hasBias()
                            ? Optional.of(
                                    "needs identity activation, BinaryCrossEntropyWithLogits loss"
                                            + " and a bias")
                            : Optional.empty();
                }
            };

    /** What dense and output layers share: the op, and reading a flattened NCHW input. */
    private abstract static class Factory implements OpFactory {
        @Override
        public boolean flattensCnnInput() {
            return true;
        }

        @Override
        public OneDnnOp create(
                Tensor src,
                Layer layer,
                Map<String, INDArray> params,
                Map<String, INDArray> gradients,
                ComputeType compute) {
            return new InnerProductOp(src, (FeedForwardLayer) layer, params, gradients, compute);
        }
    }

    /**
     * @param src input {@code [B, F]} or NCHW {@code [B, C, H, W]}
     * @param config a supported dense or output layer
     * @param params its {@code W} and {@code b} views
     * @param gradients its {@code W} and {@code b} gradient views
     * @param compute the data type of the primitives' operands
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    InnerProductOp(
            Tensor src,
            FeedForwardLayer config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute) {
        // DL4J's W is [nIn, nOut] column-major: for each output unit, its nIn weights in a row,
        // the input features in NCHW order, which is oneDNN's plain {O, I} / {O, C, H, W}.
        super(
                src,
                Dnnl.desc(weightDims(src, config), plainTag(dims(src.desc).length)),
                config.getNOut(),
                params,
                gradients,
                compute);
        long[] in = dims(src.desc);
        dnnl_inner_product_desc_t desc = new dnnl_inner_product_desc_t();
        Dnnl.check(
                dnnl_inner_product_forward_desc_init(
                        desc,
                        dnnl_forward_training,
                        operand(in),
                        operand(dims(weights.desc)),
                        bias.desc,
                        Dnnl.desc(new long[] {in[0], config.getNOut()}, dnnl_ab)),
                "describing a dense layer");
        buildForward(Dnnl.primitiveDesc(desc, null, "dense forward"), "dense");
    }

    private static long[] weightDims(Tensor src, FeedForwardLayer config) {
        long[] dims = dims(src.desc);
        dims[0] = config.getNOut();
        return dims;
    }

    @Override
    Tensor link(Tensor diffDst) {
        diffSrc = Tensor.allocate(src.desc);
        long[] in = dims(src.desc);
        long[] weightDims = dims(weights.desc);
        dnnl_inner_product_desc_t data = new dnnl_inner_product_desc_t();
        Dnnl.check(
                dnnl_inner_product_backward_data_desc_init(
                        data, any(in), operand(weightDims), operandLike(diffDst)),
                "describing a dense layer backward");
        dnnl_inner_product_desc_t weightsOp = new dnnl_inner_product_desc_t();
        Dnnl.check(
                dnnl_inner_product_backward_weights_desc_init(
                        weightsOp, operand(in), any(weightDims), bias.desc, operandLike(diffDst)),
                "describing a dense layer weight gradient");
        buildBackward(
                Dnnl.primitiveDesc(data, forwardDesc, "dense backward data"),
                Dnnl.primitiveDesc(weightsOp, forwardDesc, "dense backward weights"),
                diffDst,
                "dense");
        return diffSrc;
    }
}
