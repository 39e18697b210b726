package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.core.train.ConvolutionGeometry;
import dev.ganforge.engine.onednn.Dnnl.Adapted;
import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The first convolution of a concatenation discriminator, whose input {@code [B, C + K, H, W]} is C
 * image channels followed by K label maps, each constant over H×W (the one-hot label broadcast to
 * H×W, as {@code dev.ganforge.core.train.StepInputs} writes it). It computes exactly what a
 * convolution over all C + K channels computes, without convolving the label maps per example.
 *
 * <p>A convolution is linear in its input, and a map that is constant v over H×W contributes v
 * times the convolution of an all-ones map (zero-padded like the input). So with the weights split
 * as {@code W = [W_image | W_label]} ({@code [O, C, kH, kW]} and {@code [O, K, kH, kW]}):
 *
 * <pre>
 *   conv(x_b, W) + bias = conv(image_b, W_image) + bias + Σ_k v_bk · L_k
 *   L_k = conv(1, W_label[:, k])        [O, H', W'], 1 an all-ones H×W map (one channel)
 *   dW_label[:, k] = backward-weights(1, S_k),   S_k = Σ_b v_bk · dY_b   [O, H', W']
 * </pre>
 *
 * All K·O maps of L come from one convolution of the single all-ones map with K·O one-channel
 * filters ({@code W_label} read class-major, {@code [K·O, 1, kH, kW]}), computed once after the
 * weights change: O·K·H'·W'·kH·kW multiply-adds instead of B·O·K·H'·W'·kH·kW per pass. The
 * per-example coefficients {@code v = [B, K]} are read from each label map's first pixel; {@code
 * Σ_k v_bk L_k} and S are two matrix products ({@code [B, K]·[K, O·H'·W']} and its transpose), and
 * when every row of v is one-hot (as in training) the first is a gather of L's rows. The image
 * convolution ({@link ConvolutionOp} over C channels, C/(C+K) of the work) adds its result onto
 * {@code Σ_k v_bk L_k} through oneDNN's sum post-op. The input gradient covers the C image channels
 * only (the label maps are not trained). The bias, padding and output of the full convolution are
 * unchanged; results differ from it only by float32 rounding (summation order).
 *
 * <p>On the canonical benchmark networks the label maps are 10 of 11 input channels (Fashion-MNIST)
 * and 40 of 41 (ORL faces) of the discriminator's first layer.
 */
final class LabelMapConvolutionOp extends OneDnnOp {

    private final ConvolutionOp image;
    private final long imageChannels;
    private final long classes;
    private final long batch;
    private final long mapSize;
    private final long inputChannels;
    private final Tensor imageSrc;
    private final INDArray coefficients;
    private final float[] coefficientValues;
    private final int[] classOfExample;
    private final Tensor ones;
    private final long[] filterDims;
    private final Tensor classWeights;
    private final Exec gatherWeights;
    private final Tensor classWeightsGradient;
    private final Exec scatterWeightsGradient;
    private final Tensor labelOutput;
    private final Tensor expanded;

    /**
     * {@link #labelOutput} as {@code [K, O·H'·W']} and {@link #expanded} as {@code [B, O·H'·W']}.
     */
    private final INDArray labelRows;

    private final INDArray expandedRows;
    private final Exec expandedToDst;
    private final dnnl_primitive_desc labelForwardDesc;
    private final Adapted labelForwardWeights;
    private final Exec labelForward;
    private final long[] strides;
    private final long[] padLeft;
    private final long[] padRight;
    private Tensor plainDiffDst;
    private Exec diffDstToPlain;
    private Tensor classGradient;
    private Adapted classGradientOperand;
    private Adapted labelWeightsDiff;
    private Exec labelBackwardWeights;
    private Exec perClassSums;
    private boolean labelOutputStale = true;

    /**
     * @param src the network input, plain NCHW {@code [B, C + K, H, W]}: C image channels, then K
     *     maps each constant over H×W
     * @param config a convolution layer {@link ConvolutionOp#FACTORY} supports (not transposed)
     * @param params its {@code W} ({@code [O, C + K, kH, kW]}) and {@code b} views
     * @param gradients its {@code W} and {@code b} gradient views
     * @param compute the data type of the image convolution's operands (the label part, K examples,
     *     always runs in float32)
     * @param imageChannels C, at least 1 and less than the input's channels
     * @throws IllegalArgumentException if C is out of range or the layer is transposed
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    LabelMapConvolutionOp(
            Tensor src,
            ConvolutionLayer config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients,
            ComputeType compute,
            long imageChannels) {
        super(src);
        long[] in = dims(src.desc);
        if (imageChannels < 1 || imageChannels >= in[1]) {
            throw new IllegalArgumentException(
                    "image channels must be in [1, " + (in[1] - 1) + "], got " + imageChannels);
        }
        if (config instanceof org.deeplearning4j.nn.conf.layers.Deconvolution2D) {
            throw new IllegalArgumentException(
                    "label maps need a convolution, not a transposed one");
        }
        this.imageChannels = imageChannels;
        this.inputChannels = in[1];
        this.classes = in[1] - imageChannels;
        this.batch = in[0];
        this.mapSize = in[2] * in[3];
        long out = config.getNOut();
        long[] kernel = {config.getKernelSize()[0], config.getKernelSize()[1]};
        dnnl_memory_desc_t allWeights =
                Dnnl.desc(new long[] {out, in[1], kernel[0], kernel[1]}, dnnl_oihw);
        long[] labelWeightDims = {out, classes, kernel[0], kernel[1]};
        long[] labelOffsets = {0, imageChannels, 0, 0};
        // W_label read class-major, [K, O, kH, kW], straight from DL4J's [O, C + K, kH, kW] array.
        dnnl_memory_desc_t byClass =
                Dnnl.permuted(
                        Dnnl.sub(allWeights, labelWeightDims, labelOffsets),
                        new int[] {1, 0, 2, 3});
        long[] classMajor = {classes, out, kernel[0], kernel[1]};
        classWeights = Tensor.allocate(Dnnl.desc(classMajor, dnnl_abcd));
        gatherWeights = Dnnl.reorder(Tensor.wrap(byClass, params.get("W")), classWeights);
        classWeightsGradient = Tensor.allocate(Dnnl.desc(classMajor, dnnl_abcd));
        scatterWeightsGradient =
                Dnnl.reorder(classWeightsGradient, Tensor.wrap(byClass, gradients.get("W")));

        imageSrc =
                src.reinterpret(
                        Dnnl.sub(
                                src.desc,
                                new long[] {in[0], imageChannels, in[2], in[3]},
                                new long[4]));
        image =
                new ConvolutionOp(
                        imageSrc,
                        config,
                        params,
                        gradients,
                        compute,
                        Dnnl.sub(
                                allWeights,
                                new long[] {out, imageChannels, kernel[0], kernel[1]},
                                new long[4]),
                        true);
        dst = image.dst;
        long[] outDims = dims(dst.desc);

        ConvolutionGeometry geometry = ConvolutionGeometry.of(config, in[2], in[3]);
        strides = new long[] {config.getStride()[0], config.getStride()[1]};
        padLeft = geometry.padBegin();
        padRight = geometry.padEnd();
        long[] onesDims = {1, 1, in[2], in[3]};
        filterDims = new long[] {classes * out, 1, kernel[0], kernel[1]};
        ones = Tensor.allocate(Dnnl.desc(onesDims, dnnl_abcd));
        ones.buffer().assign(1f);
        // L as one image of K·O channels: row-major, that is [K, O, H', W'].
        labelOutput =
                Tensor.allocate(
                        Dnnl.desc(
                                new long[] {1, classes * out, outDims[2], outDims[3]}, dnnl_abcd));
        Tensor filters = classWeights.reinterpret(Dnnl.desc(filterDims, dnnl_oihw));
        dnnl_convolution_desc_t forward = new dnnl_convolution_desc_t();
        Dnnl.check(
                dnnl_convolution_forward_desc_init(
                        forward,
                        dnnl_forward_training,
                        dnnl_convolution_direct,
                        ones.desc,
                        any(filterDims),
                        null,
                        labelOutput.desc,
                        strides,
                        padLeft,
                        padRight),
                "describing the label-map convolution");
        labelForwardDesc = Dnnl.primitiveDesc(forward, null, "label-map convolution");
        labelForwardWeights =
                Adapted.of(filters, Dnnl.query(labelForwardDesc, dnnl_query_weights_md));
        labelForward =
                new Exec(
                        labelForwardDesc,
                        "label-map convolution",
                        DNNL_ARG_SRC,
                        ones,
                        DNNL_ARG_WEIGHTS,
                        labelForwardWeights.tensor,
                        DNNL_ARG_DST,
                        labelOutput);
        coefficients = Nd4j.create(DataType.FLOAT, batch, classes);
        coefficientValues = new float[(int) (batch * classes)];
        classOfExample = new int[(int) batch];
        expanded = Tensor.allocate(Dnnl.desc(outDims, dnnl_abcd));
        labelRows = labelOutput.buffer().reshape(classes, -1);
        expandedRows = expanded.buffer().reshape(batch, -1);
        expandedToDst = Dnnl.reorder(expanded, dst);
    }

    @Override
    void parametersChanged() {
        image.parametersChanged();
        labelOutputStale = true;
    }

    @Override
    void forward() {
        // The network binds each pass's input to src; the image slice reads the same buffer.
        imageSrc.bind(src.buffer());
        if (labelOutputStale) {
            gatherWeights.run();
            labelForwardWeights.refresh();
            labelForward.run();
            labelOutputStale = false;
        }
        if (readCoefficients()) {
            // One-hot rows (every training pass): Σ_k v_bk L_k is L of the example's class, a
            // copy. A [B, K]·[K, O·H'·W'] product with K this small ran at memory speed at best.
            Nd4j.pullRows(labelRows, expandedRows, 1, classOfExample);
        } else {
            Nd4j.gemm(coefficients, labelRows, expandedRows, false, false, 1.0, 0.0);
        }
        expandedToDst.run();
        image.forward();
    }

    /**
     * Reads v_bk, the first pixel of label map k of example b, into {@link #coefficients}, and each
     * one-hot row's class into {@link #classOfExample}.
     *
     * @return whether every row is one-hot (one 1, the rest 0)
     */
    private boolean readCoefficients() {
        INDArray input = src.buffer();
        DataBuffer data = input.data();
        long base = input.offset();
        long perExample = inputChannels * mapSize;
        boolean oneHot = true;
        int i = 0;
        for (int b = 0; b < batch; b++) {
            int ones = 0;
            int zeros = 0;
            for (long k = 0; k < classes; k++) {
                float v = data.getFloat(base + b * perExample + (imageChannels + k) * mapSize);
                coefficientValues[i++] = v;
                if (v == 1f) {
                    ones++;
                    classOfExample[b] = (int) k;
                } else if (v == 0f) {
                    zeros++;
                }
            }
            oneHot &= ones == 1 && zeros == classes - 1;
        }
        coefficients.data().setData(coefficientValues);
        return oneHot;
    }

    @Override
    Tensor link(Tensor diffDst) {
        diffSrc = image.link(diffDst);
        long[] outDims = dims(dst.desc);
        dnnl_memory_desc_t plain = Dnnl.desc(outDims, dnnl_abcd);
        if (Dnnl.same(diffDst.desc, plain)) {
            plainDiffDst = diffDst;
        } else {
            plainDiffDst = Tensor.allocate(plain);
            diffDstToPlain = Dnnl.reorder(diffDst, plainDiffDst);
        }
        classGradient = Tensor.allocate(labelOutput.desc);
        perClassSums = perClassSums(outDims);
        dnnl_convolution_desc_t weightsOp = new dnnl_convolution_desc_t();
        Dnnl.check(
                dnnl_convolution_backward_weights_desc_init(
                        weightsOp,
                        dnnl_convolution_direct,
                        ones.desc,
                        any(filterDims),
                        null,
                        any(dims(labelOutput.desc)),
                        strides,
                        padLeft,
                        padRight),
                "describing the label-map weight gradient");
        dnnl_primitive_desc pd =
                Dnnl.primitiveDesc(weightsOp, labelForwardDesc, "label-map weight gradient");
        classGradientOperand = Adapted.of(classGradient, Dnnl.query(pd, dnnl_query_diff_dst_md));
        Adapted onesOperand = Adapted.of(ones, Dnnl.query(pd, dnnl_query_src_md));
        onesOperand.refresh(); // constant
        labelWeightsDiff =
                Adapted.into(
                        classWeightsGradient.reinterpret(Dnnl.desc(filterDims, dnnl_oihw)),
                        Dnnl.query(pd, dnnl_query_diff_weights_md));
        labelBackwardWeights =
                new Exec(
                        pd,
                        "label-map weight gradient",
                        DNNL_ARG_SRC,
                        onesOperand.tensor,
                        DNNL_ARG_DIFF_DST,
                        classGradientOperand.tensor,
                        DNNL_ARG_DIFF_WEIGHTS,
                        labelWeightsDiff.tensor);
        return diffSrc;
    }

    /**
     * S = vᵀ·dY as a oneDNN matmul, {@code [K, B]·[B, O·H'·W'] → [K, O·H'·W']}, v read transposed
     * in place. Measured per pass: 0.24 ms on the Fashion-MNIST benchmark against 0.3 to 2.3 ms
     * (varying from run to run) for ND4J's GEMM; 4.2 ms against 3.6 on the face benchmark.
     *
     * @param outDims the output's {@code [B, O, H', W']}
     */
    private Exec perClassSums(long[] outDims) {
        long columns = outDims[1] * outDims[2] * outDims[3];
        Tensor byClass =
                Tensor.wrap(
                        Dnnl.permuted(
                                Dnnl.desc(new long[] {batch, classes}, dnnl_ab), new int[] {1, 0}),
                        coefficients);
        Tensor perExample =
                plainDiffDst.reinterpret(Dnnl.desc(new long[] {batch, columns}, dnnl_ab));
        Tensor sums = classGradient.reinterpret(Dnnl.desc(new long[] {classes, columns}, dnnl_ab));
        dnnl_matmul_desc_t product = new dnnl_matmul_desc_t();
        Dnnl.check(
                dnnl_matmul_desc_init(product, byClass.desc, perExample.desc, null, sums.desc),
                "describing the per-class sums of the output gradient");
        return new Exec(
                Dnnl.primitiveDesc(product, null, "per-class output-gradient sums"),
                "per-class output-gradient sums",
                DNNL_ARG_SRC,
                byClass,
                DNNL_ARG_WEIGHTS,
                perExample,
                DNNL_ARG_DST,
                sums);
    }

    @Override
    void backward(boolean parameters, boolean data) {
        image.backward(parameters, data);
        if (parameters) {
            if (diffDstToPlain != null) {
                diffDstToPlain.run();
            }
            perClassSums.run();
            classGradientOperand.refresh();
            labelBackwardWeights.run();
            labelWeightsDiff.refresh();
            scatterWeightsGradient.run();
        }
    }
}
