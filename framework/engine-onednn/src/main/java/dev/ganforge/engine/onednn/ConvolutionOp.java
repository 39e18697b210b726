package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.core.train.ConvolutionGeometry;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ConvolutionLayer} (oneDNN's convolution primitive) or {@link Deconvolution2D} (its
 * deconvolution primitive, a transposed convolution), stride s, kernel k, with bias, on NCHW input
 * {@code [B, C, H, W]}: https://oneapi-src.github.io/oneDNN/dev_guide_convolution.html. Padding and
 * output size follow DL4J's Same and Truncate modes.
 */
final class ConvolutionOp extends WeightedOp {

    /**
     * Accepts {@link ConvolutionLayer} and its subclasses; computes the plain class and {@link
     * Deconvolution2D} with NCHW data, a bias, no dilation and Same or Truncate mode.
     */
    static final OpFactory FACTORY =
            new OpFactory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof ConvolutionLayer;
                }

                @Override
                public Optional<String> unsupported(Layer layer) {
                    ConvolutionLayer c = (ConvolutionLayer) layer;
                    // Subclasses such as separable or depthwise convolutions compute something
                    // else.
                    boolean plainClass =
                            c.getClass() == ConvolutionLayer.class || c instanceof Deconvolution2D;
                    if (!plainClass
                            || c.getCnn2dDataFormat() != CNN2DFormat.NCHW
                            || !c.hasBias()
                            || Arrays.stream(c.getDilation()).anyMatch(d -> d != 1)
                            || c.getConvolutionMode() != ConvolutionMode.Same
                                    && c.getConvolutionMode() != ConvolutionMode.Truncate) {
                        return Optional.of(
                                "needs NCHW, a bias, no dilation and Same or Truncate mode");
                    }
                    return Optional.empty();
                }

                @Override
                public OneDnnOp create(
                        Tensor src,
                        Layer layer,
                        Map<String, INDArray> params,
                        Map<String, INDArray> gradients,
                        ComputeType compute) {
                    return new ConvolutionOp(
                            src, (ConvolutionLayer) layer, params, gradients, compute);
                }
            };

    private final boolean transposed;
    private final boolean accumulate;
    private final long[] strides;
    private final long[] padLeft;
    private final long[] padRight;

    /**
     * @param src NCHW input {@code [B, C, H, W]}
     * @param config a supported convolution or deconvolution layer
     * @param params its {@code W} and {@code b} views
     * @param gradients its {@code W} and {@code b} gradient views
     * @param compute the data type of the primitives' operands
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    ConvolutionOp(
            Tensor src,
            ConvolutionLayer config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute) {
        // DL4J keeps convolution weights as [out, in, kH, kW] and deconvolution weights as
        // [in, out, kH, kW], both row-major: oneDNN's oihw and iohw.
        this(
                src,
                config,
                params,
                gradients,
                compute,
                Dnnl.desc(
                        new long[] {
                            config.getNOut(),
                            dims(src.desc)[1],
                            config.getKernelSize()[0],
                            config.getKernelSize()[1]
                        },
                        config instanceof Deconvolution2D ? dnnl_iohw : dnnl_oihw),
                false);
    }

    /**
     * A convolution over some of a tensor's channels with the matching slice of the weights, whose
     * forward pass adds its result to what {@link #dst} holds (oneDNN's sum post-op): the image
     * part of {@link LabelMapConvolutionOp}.
     *
     * @param src NCHW input {@code [B, C, H, W]}, possibly a sub-tensor (strided) descriptor
     * @param config a supported convolution layer (not transposed)
     * @param params its {@code W} and {@code b} views
     * @param gradients its {@code W} and {@code b} gradient views
     * @param compute the data type of the primitives' operands
     * @param weightsDesc the {@code [out, C, kH, kW]} slice of DL4J's weight array that multiplies
     *     {@code src}
     * @param accumulate whether the forward pass adds to {@link #dst} ({@code dst += conv(src)})
     *     instead of overwriting it; {@link #diffSrc} is then a dense NCHW {@code [B, C, H, W]}
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    ConvolutionOp(
            Tensor src,
            ConvolutionLayer config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute,
            dnnl_memory_desc_t weightsDesc,
            boolean accumulate) {
        super(src, weightsDesc, config.getNOut(), params, gradients, compute);
        this.accumulate = accumulate;
        transposed = config instanceof Deconvolution2D;
        long[] in = dims(src.desc);
        int[] k = config.getKernelSize();
        int[] s = config.getStride();
        long out = config.getNOut();
        strides = new long[] {s[0], s[1]};
        ConvolutionGeometry geometry = ConvolutionGeometry.of(config, in[2], in[3]);
        long[] outSize = geometry.outSize();
        padLeft = geometry.padBegin();
        padRight = geometry.padEnd();
        long[] dstDims = {in[0], out, outSize[0], outSize[1]};
        // Few output channels (an image): a plain layout avoids padding C to a block of 16.
        dnnl_memory_desc_t dstWanted = out < 8 ? Dnnl.desc(dstDims, dnnl_abcd) : any(dstDims);
        // A transposed convolution's bias is added by a binary primitive where that is a JIT
        // kernel (see biasAddPd); else by the deconvolution itself.
        dnnl_primitive_desc withoutBias = transposed ? forwardPd(in, dstWanted, true) : null;
        dnnl_primitive_desc biasPd =
                withoutBias == null
                        ? null
                        : biasAddPd(Dnnl.query(withoutBias, dnnl_query_dst_md), name());
        buildForward(biasPd != null ? withoutBias : forwardPd(in, dstWanted, false), name());
        if (biasPd != null) {
            addBiasAfterForward(biasPd, name());
        }
    }

    private dnnl_primitive_desc forwardPd(
            long[] in, dnnl_memory_desc_t dstWanted, boolean withoutBias) {
        return Dnnl.primitiveDesc(
                forwardOp(in, dims(weights.desc), dstWanted, withoutBias),
                null,
                accumulate ? Dnnl.sumPostOp() : null,
                name() + " forward");
    }

    private dnnl_convolution_desc_t forwardOp(
            long[] in, long[] weightDims, dnnl_memory_desc_t dst, boolean withoutBias) {
        dnnl_memory_desc_t biasDesc = withoutBias ? new dnnl_memory_desc_t() : bias.desc;
        dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
        Dnnl.check(
                transposed
                        ? dnnl_deconvolution_forward_desc_init(
                                desc,
                                dnnl_forward_training,
                                dnnl_deconvolution_direct,
                                operand(in),
                                operand(weightDims),
                                biasDesc,
                                dst,
                                strides,
                                padLeft,
                                padRight)
                        : dnnl_convolution_forward_desc_init(
                                desc,
                                dnnl_forward_training,
                                dnnl_convolution_direct,
                                operand(in),
                                operand(weightDims),
                                biasDesc,
                                dst,
                                strides,
                                padLeft,
                                padRight),
                "describing " + name());
        return desc;
    }

    private String name() {
        return transposed ? "deconvolution" : "convolution";
    }

    @Override
    Tensor link(Tensor diffDst) {
        long[] in = dims(src.desc);
        long[] out = dims(dst.desc);
        long[] weightDims = dims(weights.desc);
        diffSrc = Tensor.allocate(accumulate ? Dnnl.desc(in, dnnl_abcd) : src.desc);
        // Few input channels (D's image input): a plain input gradient, as for a few-channel
        // output above. With a free choice oneDNN 2.5 picks its JIT kernel, which writes the
        // gradient padded to 16 channels (2.8 ms per pass on bench_fashion's 1 -> 64 layer,
        // per-call median) and then needs a reorder to plain.
        dnnl_memory_desc_t diffSrcWanted =
                in[1] < 8 && !transposed ? Dnnl.desc(in, dnnl_abcd) : any(in);
        dnnl_convolution_desc_t data = new dnnl_convolution_desc_t();
        Dnnl.check(
                transposed
                        ? dnnl_deconvolution_backward_data_desc_init(
                                data,
                                dnnl_deconvolution_direct,
                                any(in),
                                operand(weightDims),
                                operand(out),
                                strides,
                                padLeft,
                                padRight)
                        : dnnl_convolution_backward_data_desc_init(
                                data,
                                dnnl_convolution_direct,
                                diffSrcWanted,
                                operand(weightDims),
                                operand(out),
                                strides,
                                padLeft,
                                padRight),
                "describing " + name() + " backward");
        dnnl_convolution_desc_t weightsOp = new dnnl_convolution_desc_t();
        Dnnl.check(
                transposed
                        ? dnnl_deconvolution_backward_weights_desc_init(
                                weightsOp,
                                dnnl_deconvolution_direct,
                                operand(in),
                                any(weightDims),
                                bias.desc,
                                operand(out),
                                strides,
                                padLeft,
                                padRight)
                        : dnnl_convolution_backward_weights_desc_init(
                                weightsOp,
                                dnnl_convolution_direct,
                                operand(in),
                                any(weightDims),
                                bias.desc,
                                operand(out),
                                strides,
                                padLeft,
                                padRight),
                "describing " + name() + " weight gradient");
        buildBackward(
                Dnnl.primitiveDesc(data, forwardDesc, name() + " backward data"),
                Dnnl.primitiveDesc(weightsOp, forwardDesc, name() + " backward weights"),
                diffDst,
                name());
        return diffSrc;
    }
}
