package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Adapted;
import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An operation with weights and a bias (convolution, transposed convolution, dense): forward,
 * backward to the input and backward to the parameters, each a primitive whose arguments are copied
 * into the layout it chose only when that differs from what the neighbours hold.
 *
 * <p>The weights and bias are DL4J's parameter views ({@code W}, {@code b}), read in place; their
 * gradients are written into DL4J's gradient views in DL4J's layout, so the network's updater
 * applies them. A subclass describes its primitives (see https://oneapi-src.github.io/oneDNN/ for
 * the convolution and inner product primitives) and hands the primitive descriptors to {@link
 * #buildForward} and {@link #buildBackward}.
 *
 * <p>Mixed precision ({@link ComputeType#BFLOAT16}): the primitives' operands (input, weights,
 * output gradient, described with {@link #operand}) are bfloat16 copies made by the same reorders
 * that change layouts; the weight copies are remade only after the float32 master weights change.
 * Outputs, input gradients and weight gradients stay float32.
 */
abstract class WeightedOp extends OneDnnOp {

    /**
     * @param dims tensor dimensions
     * @return an operand descriptor ({@code format_tag_any}) in {@link #compute}'s data type: the
     *     primitive picks the layout, the reorder that fills it rounds float32 to bfloat16 if asked
     */
    dnnl_memory_desc_t operand(long[] dims) {
        return Dnnl.desc(dims, dnnl_format_tag_any, compute.dataType);
    }

    /**
     * @param tensor a float32 tensor a primitive reads as an operand
     * @return its own descriptor in float32, else {@link #operand} of its dimensions
     */
    dnnl_memory_desc_t operandLike(Tensor tensor) {
        return compute == ComputeType.FLOAT32 ? tensor.desc : operand(dims(tensor.desc));
    }

    /** DL4J's weight parameter view, in the layout given to the constructor. */
    final Tensor weights;

    /** DL4J's bias parameter view, {@code [outputs]}. */
    final Tensor bias;

    /** The data type the primitives read input, weights and output gradient in. */
    final ComputeType compute;

    private final Tensor weightsGradient;
    private final Tensor biasGradient;

    /**
     * The forward primitive descriptor, the hint the backward ones need; set by {@link
     * #buildForward}.
     */
    dnnl_primitive_desc forwardDesc;

    private Adapted forwardSrc;
    private Adapted forwardWeights;
    private Exec forward;
    private Exec biasAdd;
    private final INDArray biasView;
    private Adapted dataDiffDst;
    private Adapted dataWeights;
    private Adapted dataDiffSrc;
    private Exec backwardData;
    private Adapted weightsSrc;
    private Adapted weightsDiffDst;
    private Adapted weightsDiff;
    private Exec backwardWeights;
    // The weights change only between passes (an update, a restore), not per pass, so their layout
    // copies are remade only after parametersChanged().
    private boolean forwardWeightsStale = true;
    private boolean dataWeightsStale = true;

    /**
     * @param src the input tensor
     * @param weightsDesc the layout of DL4J's weight array, which the parameter and gradient views
     *     have
     * @param outputs the number of output channels or units, the bias length
     * @param params the layer's parameter views, {@code W} and {@code b}
     * @param gradients the layer's gradient views, {@code W} and {@code b}
     * @param compute the data type of the primitives' operands
     * @throws IllegalArgumentException if a view is not a contiguous float array of the described
     *     size
     */
    WeightedOp(
            Tensor src,
            dnnl_memory_desc_t weightsDesc,
            long outputs,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute) {
        super(src);
        this.compute = compute;
        weights = Tensor.wrap(weightsDesc, params.get("W"));
        weightsGradient = Tensor.wrap(weightsDesc, gradients.get("W"));
        biasView = params.get("b");
        bias = Tensor.wrap(Dnnl.desc(new long[] {outputs}, dnnl_x), biasView);
        biasGradient = Tensor.wrap(bias.desc, gradients.get("b"));
    }

    /**
     * Creates the forward primitive and {@link #dst} from its descriptor.
     *
     * @param pd the forward primitive descriptor
     * @param what names the operation in error messages
     */
    void buildForward(dnnl_primitive_desc pd, String what) {
        forwardDesc = pd;
        dst = Tensor.allocate(Dnnl.query(pd, dnnl_query_dst_md));
        forwardSrc = Adapted.of(src, Dnnl.query(pd, dnnl_query_src_md));
        forwardWeights = Adapted.of(weights, Dnnl.query(pd, dnnl_query_weights_md));
        forward =
                new Exec(
                        pd,
                        what + " forward",
                        DNNL_ARG_SRC,
                        forwardSrc.tensor,
                        DNNL_ARG_WEIGHTS,
                        forwardWeights.tensor,
                        DNNL_ARG_BIAS,
                        bias,
                        DNNL_ARG_DST,
                        dst);
    }

    /**
     * Describes the oneDNN binary primitive that adds the bias to a forward result, for a forward
     * primitive that was described without a bias. For transposed convolutions: oneDNN 2.5 runs
     * them as a convolution's backward-data kernel, which has no bias, and adds the bias afterwards
     * in a reference loop that converts every element through a data-type switch (2.5 % of the CPU
     * samples of a bench_fashion profile, with its load and store helpers). The binary primitive
     * broadcasts {@code [1, C, 1, 1]} in a JIT kernel where the bias is described in the channel
     * blocking of the result (for N = H = W = 1 the same memory as plain C); without that, oneDNN
     * 2.5 falls back to its reference binary kernel.
     *
     * @param dstDesc the forward result's descriptor, NCHW {@code [B, C, H, W]}, as the bias-less
     *     forward primitive chose it
     * @param what names the operation in error messages
     * @return the binary primitive's descriptor, or null where it would not be a JIT kernel: a
     *     result that is not 4-d, a channel block other than 1, 8 or 16, a channel count that is
     *     not a multiple of the block, or only a reference implementation. Then the caller
     *     describes the forward primitive with its bias instead.
     * @throws OneDnnException if oneDNN cannot describe the binary operation or has no
     *     implementation of it at all
     */
    dnnl_primitive_desc biasAddPd(dnnl_memory_desc_t dstDesc, String what) {
        dnnl_memory_desc_t perChannel = perChannelBias(dstDesc);
        if (perChannel == null) {
            return null;
        }
        dnnl_binary_desc_t desc = new dnnl_binary_desc_t();
        Dnnl.check(
                dnnl_binary_desc_init(desc, dnnl_binary_add, dstDesc, perChannel, dstDesc),
                "describing " + what + " bias");
        dnnl_primitive_desc pd = Dnnl.primitiveDesc(desc, null, what + " bias");
        return Dnnl.implementation(pd).startsWith("ref") ? null : pd;
    }

    /**
     * Makes the forward pass add the bias to {@link #dst} with the binary primitive of {@link
     * #biasAddPd}; call after {@link #buildForward} with the bias-less forward primitive whose
     * result descriptor {@code pd} was made for.
     *
     * @param pd what {@link #biasAddPd} returned for {@link #dst}'s descriptor (not null); its
     *     second source, the {@code [1, C, 1, 1]} bias, is bound to the bias parameters
     * @param what names the operation in error messages
     * @throws OneDnnException if oneDNN cannot create the primitive
     */
    void addBiasAfterForward(dnnl_primitive_desc pd, String what) {
        Tensor perChannel = Tensor.wrap(Dnnl.query(pd, dnnl_query_src_md, 1), biasView);
        biasAdd =
                new Exec(
                        pd,
                        what + " bias",
                        DNNL_ARG_SRC_0,
                        dst,
                        DNNL_ARG_SRC_1,
                        perChannel,
                        DNNL_ARG_DST,
                        dst);
    }

    /**
     * @return whether the forward pass adds the bias with a separate binary primitive ({@link
     *     #addBiasAfterForward}) rather than inside the forward primitive (for tests)
     */
    boolean addsBiasSeparately() {
        return biasAdd != null;
    }

    /**
     * The bias as a {@code [1, C, 1, 1]} tensor in the channel blocking of a 4-d result, or null
     * where that blocking has no such description (not 4-d, a block other than 1, 8 or 16, or C not
     * a multiple of the block).
     */
    private static dnnl_memory_desc_t perChannelBias(dnnl_memory_desc_t dstDesc) {
        long[] out = dims(dstDesc);
        long block = Dnnl.channelBlock(dstDesc);
        int tag =
                out.length != 4
                        ? -1
                        : block == 16
                                ? dnnl_aBcd16b
                                : block == 8 ? dnnl_aBcd8b : block == 1 ? dnnl_abcd : -1;
        if (tag < 0 || out[1] % block != 0) {
            return null;
        }
        return Dnnl.desc(new long[] {1, out[1], 1, 1}, tag);
    }

    /**
     * Creates both backward primitives; {@link #diffSrc} must be allocated.
     *
     * @param dataPd the backward-data primitive descriptor
     * @param weightsPd the backward-weights primitive descriptor
     * @param diffDst gradient with respect to {@link #dst}
     * @param what names the operation in error messages
     */
    void buildBackward(
            dnnl_primitive_desc dataPd,
            dnnl_primitive_desc weightsPd,
            Tensor diffDst,
            String what) {
        dataDiffDst = Adapted.of(diffDst, Dnnl.query(dataPd, dnnl_query_diff_dst_md));
        dataWeights = Adapted.of(weights, Dnnl.query(dataPd, dnnl_query_weights_md));
        dataDiffSrc = Adapted.into(diffSrc, Dnnl.query(dataPd, dnnl_query_diff_src_md));
        backwardData =
                new Exec(
                        dataPd,
                        what + " backward data",
                        DNNL_ARG_DIFF_DST,
                        dataDiffDst.tensor,
                        DNNL_ARG_WEIGHTS,
                        dataWeights.tensor,
                        DNNL_ARG_DIFF_SRC,
                        dataDiffSrc.tensor);
        dnnl_memory_desc_t wantedSrc = Dnnl.query(weightsPd, dnnl_query_src_md);
        // The forward pass of the same batch has already copied src into that layout.
        weightsSrc =
                Dnnl.same(forwardSrc.tensor.desc, wantedSrc)
                        ? Adapted.filled(forwardSrc.tensor)
                        : Adapted.of(src, wantedSrc);
        dnnl_memory_desc_t wantedDiffDst = Dnnl.query(weightsPd, dnnl_query_diff_dst_md);
        weightsDiffDst =
                Dnnl.same(dataDiffDst.tensor.desc, wantedDiffDst)
                        ? dataDiffDst
                        : Adapted.of(diffDst, wantedDiffDst);
        weightsDiff =
                Adapted.into(weightsGradient, Dnnl.query(weightsPd, dnnl_query_diff_weights_md));
        backwardWeights =
                new Exec(
                        weightsPd,
                        what + " backward weights",
                        DNNL_ARG_SRC,
                        weightsSrc.tensor,
                        DNNL_ARG_DIFF_DST,
                        weightsDiffDst.tensor,
                        DNNL_ARG_DIFF_WEIGHTS,
                        weightsDiff.tensor,
                        DNNL_ARG_DIFF_BIAS,
                        biasGradient);
    }

    @Override
    void parametersChanged() {
        forwardWeightsStale = true;
        dataWeightsStale = true;
    }

    @Override
    void forward() {
        forwardSrc.refresh();
        if (forwardWeightsStale) {
            forwardWeights.refresh();
            forwardWeightsStale = false;
        }
        forward.run();
        if (biasAdd != null) {
            biasAdd.run();
        }
    }

    @Override
    void backward(boolean parameters, boolean data) {
        if (data) {
            dataDiffDst.refresh();
            if (dataWeightsStale) {
                dataWeights.refresh();
                dataWeightsStale = false;
            }
            backwardData.run();
            dataDiffSrc.refresh();
        }
        if (parameters) {
            weightsSrc.refresh();
            // Backward-data has already copied diffDst when both primitives want the same layout.
            if (!data || weightsDiffDst != dataDiffDst) {
                weightsDiffDst.refresh();
            }
            backwardWeights.run();
            weightsDiff.refresh();
        }
    }
}
