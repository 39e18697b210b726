package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Conditional batch normalisation of an NCHW {@code [B, C, H, W]} input (de Vries et al. 2017,
 * https://arxiv.org/abs/1707.00683; Dumoulin et al. 2017, https://arxiv.org/abs/1610.07629), the
 * layer {@link ConditionalBatchNormalization}: oneDNN's batch normalization primitive without scale
 * and shift computes x̂ with batch statistics
 * (https://oneapi-src.github.io/oneDNN/dev_guide_batch_normalization.html), then {@code out[b, c] =
 * γ[y_b, c] · x̂[b, c] + β[y_b, c]} with the K×C tables read in place, y_b the one-hot row of
 * sample b that {@link OneDnnNetwork} copies from the last K columns of the network input before
 * each forward pass ({@link #readLabels}). Backward: dγ = Yᵀ Σ_hw(ε x̂), dβ = Yᵀ Σ_hw ε, and ε·γ[y]
 * through the normalisation's backward primitive; DL4J's running-statistics update as in {@link
 * BatchNormOp}. Output and its gradient are plain row-major.
 */
final class ConditionalBatchNormOp extends OneDnnOp {

    /** {@link ConditionalBatchNormalization} on NCHW data. */
    static final OpFactory FACTORY =
            new OpFactory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof ConditionalBatchNormalization;
                }

                @Override
                public Optional<String> unsupported(Layer layer) {
                    return ((ConditionalBatchNormalization) layer).getCnn2DFormat()
                                    != CNN2DFormat.NCHW
                            ? Optional.of("needs NCHW")
                            : Optional.empty();
                }

                /** Like DL4J's BatchNormalization, the layer ignores its configured activation. */
                @Override
                public IActivation activation(Layer layer) {
                    return new ActivationIdentity();
                }

                @Override
                public OneDnnOp create(
                        Tensor src,
                        Layer layer,
                        Map<String, INDArray> params,
                        Map<String, INDArray> gradients,
                        ComputeType compute) {
                    return new ConditionalBatchNormOp(
                            src, (ConditionalBatchNormalization) layer, params, gradients);
                }
            };

    private final ConditionalBatchNormalization config;
    private final long[] dims;
    private final int classes;
    private final Tensor normalized;
    private final Tensor plainNormalized;
    private final Exec toPlain;
    private final Tensor mean;
    private final Tensor variance;
    private final INDArray gammaTable;
    private final INDArray betaTable;
    private final INDArray gammaGradient;
    private final INDArray betaGradient;
    private final INDArray globalMean;
    private final INDArray globalVariance;
    private final INDArray globalMeanGradient;
    private final INDArray globalVarianceGradient;
    private final INDArray labels;
    private final INDArray scale;
    private final INDArray shift;
    private final dnnl_primitive_desc forwardDesc;
    private final Exec forward;
    private Tensor diffDst;
    private Tensor plainDiffNormalized;
    private Exec fromPlain;
    private Exec backward;

    /**
     * @param src NCHW input {@code [B, C, H, W]}
     * @param config a conditional batch normalisation layer with K classes
     * @param params its γ and β tables {@code [K, C]}, running mean and log10 std (or variance)
     * @param gradients the matching gradient views
     * @throws IllegalArgumentException if the input is not 4-D
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    ConditionalBatchNormOp(
            Tensor src,
            ConditionalBatchNormalization config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients) {
        super(src);
        this.config = config;
        this.dims = dims(src.desc);
        if (dims.length != 4) {
            throw new IllegalArgumentException(
                    "conditional BatchNorm on oneDNN takes [B, C, H, W], got "
                            + dims.length
                            + "-D");
        }
        this.classes = config.getNumClasses();
        long channels = dims[1];
        dnnl_memory_desc_t vector = Dnnl.desc(new long[] {channels}, dnnl_x);
        mean = Tensor.allocate(vector);
        variance = Tensor.allocate(vector);
        gammaTable = params.get(ConditionalBatchNormalization.GAMMA_TABLE);
        betaTable = params.get(ConditionalBatchNormalization.BETA_TABLE);
        gammaGradient = gradients.get(ConditionalBatchNormalization.GAMMA_TABLE);
        betaGradient = gradients.get(ConditionalBatchNormalization.BETA_TABLE);
        String varianceKey =
                config.isUseLogStd()
                        ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                        : BatchNormalizationParamInitializer.GLOBAL_VAR;
        globalMean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        globalVariance = params.get(varianceKey);
        globalMeanGradient = gradients.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        globalVarianceGradient = gradients.get(varianceKey);
        labels = Nd4j.create(DataType.FLOAT, dims[0], classes);
        scale = Nd4j.create(DataType.FLOAT, dims[0], channels);
        shift = Nd4j.create(DataType.FLOAT, dims[0], channels);

        dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(
                dnnl_batch_normalization_forward_desc_init(
                        desc, dnnl_forward_training, src.desc, (float) config.getEps(), 0),
                "describing conditional batch normalisation");
        forwardDesc = Dnnl.primitiveDesc(desc, null, "conditional batch normalisation forward");
        normalized = Tensor.allocate(Dnnl.query(forwardDesc, dnnl_query_dst_md));
        forward =
                new Exec(
                        forwardDesc,
                        "conditional batch normalisation forward",
                        DNNL_ARG_SRC,
                        src,
                        DNNL_ARG_DST,
                        normalized,
                        DNNL_ARG_MEAN,
                        mean,
                        DNNL_ARG_VARIANCE,
                        variance);
        dnnl_memory_desc_t plain = Dnnl.desc(dims, dnnl_abcd);
        if (Dnnl.same(normalized.desc, plain)) {
            plainNormalized = normalized;
            toPlain = null;
        } else {
            plainNormalized = Tensor.allocate(plain);
            toPlain = Dnnl.reorder(normalized, plainNormalized);
        }
        dst = Tensor.allocate(plain);
    }

    /**
     * Copies the one-hot labels of the coming forward pass.
     *
     * @param networkInput the network input {@code [B, latentDim + K]}, its last K columns one-hot
     *     rows (or mixtures of them)
     */
    void readLabels(INDArray networkInput) {
        long width = networkInput.size(1);
        labels.assign(
                networkInput.get(
                        NDArrayIndex.all(), NDArrayIndex.interval(width - classes, width)));
    }

    @Override
    void forward() {
        forward.run();
        if (toPlain != null) {
            toPlain.run();
        }
        labels.mmul(gammaTable, scale);
        labels.mmul(betaTable, shift);
        INDArray out = view(dst);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(view(plainNormalized), scale, out, 0, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(out, shift, out, 0, 1));
    }

    @Override
    Tensor link(Tensor diffDst) {
        this.diffDst = diffDst;
        diffSrc = Tensor.allocate(src.desc);
        Tensor diffNormalized = Tensor.allocate(normalized.desc);
        plainDiffNormalized = Tensor.allocate(Dnnl.desc(dims, dnnl_abcd));
        fromPlain = Dnnl.reorder(plainDiffNormalized, diffNormalized);
        dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(
                dnnl_batch_normalization_backward_desc_init(
                        desc,
                        dnnl_backward_data,
                        diffNormalized.desc,
                        src.desc,
                        (float) config.getEps(),
                        0),
                "describing conditional batch normalisation backward");
        dnnl_primitive_desc backwardDesc =
                Dnnl.primitiveDesc(desc, forwardDesc, "conditional batch normalisation backward");
        backward =
                new Exec(
                        backwardDesc,
                        "conditional batch normalisation backward",
                        DNNL_ARG_SRC,
                        src,
                        DNNL_ARG_MEAN,
                        mean,
                        DNNL_ARG_VARIANCE,
                        variance,
                        DNNL_ARG_DIFF_DST,
                        diffNormalized,
                        DNNL_ARG_DIFF_SRC,
                        diffSrc);
        return diffSrc;
    }

    @Override
    void backward(boolean parameters, boolean data) {
        INDArray epsilon = view(diffDst);
        if (parameters) {
            INDArray dScale = epsilon.mul(view(plainNormalized)).sum(2, 3);
            INDArray dShift = epsilon.sum(2, 3);
            INDArray labelsT = labels.transpose();
            gammaGradient.assign(labelsT.mmul(dScale));
            betaGradient.assign(labelsT.mmul(dShift));
            BatchNormOp.runningStatisticsGradient(
                    config,
                    mean.buffer(),
                    variance.buffer(),
                    globalMean,
                    globalVariance,
                    globalMeanGradient,
                    globalVarianceGradient);
        }
        if (data) {
            Nd4j.getExecutioner()
                    .exec(new BroadcastMulOp(epsilon, scale, view(plainDiffNormalized), 0, 1));
            fromPlain.run();
            backward.run();
        }
    }

    /** A plain tensor's buffer as {@code [B, C, H, W]}. */
    private INDArray view(Tensor plain) {
        return plain.buffer().reshape(dims);
    }
}
