package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise activation: ReLU, LeakyReLU (ReLU with slope α below 0) or tanh, oneDNN's eltwise
 * primitive (https://oneapi-src.github.io/oneDNN/dev_guide_eltwise.html), on a tensor of any shape
 * and layout; the output has the input's layout. {@link OneDnnNetwork} adds one after every layer
 * whose {@link OpFactory#activation} is not the identity.
 */
final class EltwiseOp extends OneDnnOp {

    /**
     * {@link ActivationLayer}: nothing but its activation, so {@code create} returns null and the
     * activation becomes the {@link EltwiseOp} that follows every layer.
     */
    static final OpFactory ACTIVATION_LAYER =
            new OpFactory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof ActivationLayer;
                }

                @Override
                public IActivation activation(Layer layer) {
                    return ((ActivationLayer) layer).getActivationFn();
                }

                @Override
                public OneDnnOp create(
                        Tensor src,
                        Layer layer,
                        Map<String, INDArray> params,
                        Map<String, INDArray> gradients,
                        ComputeType compute) {
                    return null;
                }
            };

    private final int algorithm;
    private final float alpha;
    private final dnnl_primitive_desc forwardDesc;
    private final Exec forward;
    private Exec backward;

    /**
     * @param src the input tensor
     * @param activation an activation {@link #algorithm} knows
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    EltwiseOp(Tensor src, IActivation activation) {
        super(src);
        algorithm = algorithm(activation);
        alpha = activation instanceof ActivationLReLU l ? (float) l.getAlpha() : 0f;
        dnnl_eltwise_desc_t desc = new dnnl_eltwise_desc_t();
        Dnnl.check(
                dnnl_eltwise_forward_desc_init(
                        desc, dnnl_forward_training, algorithm, src.desc, alpha, 0f),
                "describing an activation");
        forwardDesc = Dnnl.primitiveDesc(desc, null, "activation forward");
        dst = Tensor.allocate(Dnnl.query(forwardDesc, dnnl_query_dst_md));
        forward = new Exec(forwardDesc, "activation forward", DNNL_ARG_SRC, src, DNNL_ARG_DST, dst);
    }

    /**
     * @param activation a DL4J activation
     * @return the oneDNN eltwise algorithm that computes it, or -1 if there is none (the identity
     *     included: it needs no op)
     */
    static int algorithm(IActivation activation) {
        if (activation instanceof ActivationLReLU) {
            return dnnl_eltwise_relu;
        }
        // A ReLU with a threshold, a cap or a negative slope is not oneDNN's plain relu.
        if (activation instanceof ActivationReLU relu) {
            return relu.equals(new ActivationReLU()) ? dnnl_eltwise_relu : -1;
        }
        return activation instanceof ActivationTanH ? dnnl_eltwise_tanh : -1;
    }

    @Override
    void forward() {
        forward.run();
    }

    @Override
    Tensor link(Tensor diffDst) {
        diffSrc = Tensor.allocate(src.desc);
        dnnl_eltwise_desc_t desc = new dnnl_eltwise_desc_t();
        Dnnl.check(
                dnnl_eltwise_backward_desc_init(desc, algorithm, diffDst.desc, src.desc, alpha, 0f),
                "describing an activation backward");
        dnnl_primitive_desc backwardDesc =
                Dnnl.primitiveDesc(desc, forwardDesc, "activation backward");
        backward =
                new Exec(
                        backwardDesc,
                        "activation backward",
                        DNNL_ARG_SRC,
                        src,
                        DNNL_ARG_DIFF_DST,
                        diffDst,
                        DNNL_ARG_DIFF_SRC,
                        diffSrc);
        return diffSrc;
    }

    @Override
    void backward(boolean parameters, boolean data) {
        backward.run();
    }
}
