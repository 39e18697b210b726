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
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation over N, H, W per channel of an NCHW {@code [B, C, H, W]} input with batch
 * statistics (Ioffe &amp; Szegedy 2015, https://arxiv.org/abs/1502.03167), oneDNN's batch
 * normalization primitive with scale and shift
 * (https://oneapi-src.github.io/oneDNN/dev_guide_batch_normalization.html), and DL4J's
 * running-statistics update.
 */
final class BatchNormOp extends OneDnnOp {

    /**
     * {@link BatchNormalization} on NCHW data with learned gamma and beta (not its conditional
     * subclass, which {@link ConditionalBatchNormOp} computes).
     */
    static final OpFactory FACTORY =
            new OpFactory() {
                @Override
                public boolean accepts(Layer layer) {
                    return layer instanceof BatchNormalization
                            && !(layer instanceof ConditionalBatchNormalization);
                }

                @Override
                public Optional<String> unsupported(Layer layer) {
                    BatchNormalization b = (BatchNormalization) layer;
                    return b.isLockGammaBeta() || b.getCnn2DFormat() != CNN2DFormat.NCHW
                            ? Optional.of("needs NCHW and learned gamma/beta")
                            : Optional.empty();
                }

                /** DL4J's BatchNormalization layer ignores its configured activation. */
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
                    return new BatchNormOp(src, (BatchNormalization) layer, params, gradients);
                }
            };

    private static final double ONE_ON_2LOGE_10 = 1.0 / (2.0 * Math.log(10.0));
    private final BatchNormalization config;
    private final int flags = dnnl_use_scale | dnnl_use_shift;
    private final Tensor scale;
    private final Tensor shift;
    private final Tensor mean;
    private final Tensor variance;
    private final Tensor scaleGradient;
    private final Tensor shiftGradient;
    private final INDArray globalMean;
    private final INDArray globalVariance;
    private final INDArray globalMeanGradient;
    private final INDArray globalVarianceGradient;
    private final dnnl_primitive_desc forwardDesc;
    private final Exec forward;
    private final Dnnl.Adapted input;
    private Dnnl.Adapted inputGradient;
    private Exec backward;

    /**
     * @param src NCHW input {@code [B, C, H, W]}
     * @param config a supported batch normalisation layer
     * @param params its gamma, beta, running mean and running variance (or log10 std) views
     * @param gradients the matching gradient views
     * @throws OneDnnException if oneDNN cannot create the forward primitive
     */
    BatchNormOp(
            Tensor src,
            BatchNormalization config,
            Map<String, INDArray> params,
            Map<String, INDArray> gradients) {
        super(src);
        this.config = config;
        long channels = dims(src.desc)[1];
        dnnl_memory_desc_t vector = Dnnl.desc(new long[] {channels}, dnnl_x);
        scale = Tensor.wrap(vector, params.get(BatchNormalizationParamInitializer.GAMMA));
        shift = Tensor.wrap(vector, params.get(BatchNormalizationParamInitializer.BETA));
        scaleGradient =
                Tensor.wrap(vector, gradients.get(BatchNormalizationParamInitializer.GAMMA));
        shiftGradient = Tensor.wrap(vector, gradients.get(BatchNormalizationParamInitializer.BETA));
        mean = Tensor.allocate(vector);
        variance = Tensor.allocate(vector);
        String varianceKey =
                config.isUseLogStd()
                        ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                        : BatchNormalizationParamInitializer.GLOBAL_VAR;
        globalMean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        globalVariance = params.get(varianceKey);
        globalMeanGradient = gradients.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        globalVarianceGradient = gradients.get(varianceKey);
        input = Dnnl.Adapted.of(src, runLayout(src.desc));
        dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(
                dnnl_batch_normalization_forward_desc_init(
                        desc,
                        dnnl_forward_training,
                        input.tensor.desc,
                        (float) config.getEps(),
                        flags),
                "describing batch normalisation");
        forwardDesc = Dnnl.primitiveDesc(desc, null, "batch normalisation forward");
        dst = Tensor.allocate(Dnnl.query(forwardDesc, dnnl_query_dst_md));
        forward =
                new Exec(
                        forwardDesc,
                        "batch normalisation forward",
                        DNNL_ARG_SRC,
                        input.tensor,
                        DNNL_ARG_SCALE,
                        scale,
                        DNNL_ARG_SHIFT,
                        shift,
                        DNNL_ARG_DST,
                        dst,
                        DNNL_ARG_MEAN,
                        mean,
                        DNNL_ARG_VARIANCE,
                        variance);
    }

    /**
     * The layout the primitives run in. A plain NCHW input (a dense layer's output reshaped, as at
     * the top of a DCGAN generator) is copied into channel blocks first when C allows: oneDNN 2.5
     * has JIT batch-norm kernels for blocked layouts (16 channels per block on AVX-512, 8 below)
     * but only its generic {@code ncsp_bnorm} for plain NCHW: forward + backward 0.80 + 1.18 ms
     * against 0.19 + 0.19 ms (per-call medians) for bench_fashion's {@code [64, 128, 7, 7]}
     * (ONEDNN_VERBOSE, avx512_core_bf16); the convolution after it wants the blocked layout anyway.
     *
     * @param src the input's descriptor
     * @return {@code src}, or its blocked form when it is a plain 4-D tensor whose C is a multiple
     *     of the block
     */
    static dnnl_memory_desc_t runLayout(dnnl_memory_desc_t src) {
        long[] d = dims(src);
        if (d.length != 4 || !Dnnl.same(src, Dnnl.desc(d, dnnl_abcd))) {
            return src;
        }
        boolean avx512 = OneDnnIsa.Isa.AVX512_CORE.within(OneDnnIsa.effective());
        int block = avx512 ? 16 : 8;
        return d[1] % block == 0 ? Dnnl.desc(d, avx512 ? dnnl_aBcd16b : dnnl_aBcd8b) : src;
    }

    @Override
    void forward() {
        input.refresh();
        forward.run();
    }

    @Override
    Tensor link(Tensor diffDst) {
        diffSrc = Tensor.allocate(src.desc);
        // the primitive writes the input gradient in diffDst's layout; copied into diffSrc's
        inputGradient = Dnnl.Adapted.into(diffSrc, diffDst.desc);
        dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(
                dnnl_batch_normalization_backward_desc_init(
                        desc,
                        dnnl_backward,
                        diffDst.desc,
                        input.tensor.desc,
                        (float) config.getEps(),
                        flags),
                "describing batch normalisation backward");
        dnnl_primitive_desc backwardDesc =
                Dnnl.primitiveDesc(desc, forwardDesc, "batch normalisation backward");
        backward =
                new Exec(
                        backwardDesc,
                        "batch normalisation backward",
                        DNNL_ARG_SRC,
                        input.tensor,
                        DNNL_ARG_MEAN,
                        mean,
                        DNNL_ARG_VARIANCE,
                        variance,
                        DNNL_ARG_DIFF_DST,
                        diffDst,
                        DNNL_ARG_SCALE,
                        scale,
                        DNNL_ARG_SHIFT,
                        shift,
                        DNNL_ARG_DIFF_SRC,
                        inputGradient.tensor,
                        DNNL_ARG_DIFF_SCALE,
                        scaleGradient,
                        DNNL_ARG_DIFF_SHIFT,
                        shiftGradient);
        return diffSrc;
    }

    @Override
    void backward(boolean parameters, boolean data) {
        // One primitive computes the input and the gamma/beta gradients together.
        backward.run();
        inputGradient.refresh();
        if (parameters) {
            runningStatisticsGradient();
        }
    }

    private void runningStatisticsGradient() {
        runningStatisticsGradient(
                config,
                mean.buffer(),
                variance.buffer(),
                globalMean,
                globalVariance,
                globalMeanGradient,
                globalVarianceGradient);
    }

    /**
     * What DL4J 1.0.0-M2.1's BatchNormalization.backpropGradient writes for the running statistics,
     * which its no-op updater subtracts: (1 - d)(mean - batchMean) for the mean, and for log10(std)
     * log10(std[t]) - log10(std[t+1]) with var[t+1] = d var[t] + (1 - d) batchVar (biased).
     *
     * @param config the layer (decay d, whether the running deviation is kept as log10(std))
     * @param batchMean the last forward pass's batch mean {@code [C]}
     * @param batchVariance its biased batch variance {@code [C]}
     * @param globalMean the running mean {@code [C]}
     * @param globalVariance the running log10(std) or variance {@code [C]}
     * @param globalMeanGradient written: the running mean's "gradient" {@code [C]}
     * @param globalVarianceGradient written: the running deviation's "gradient" {@code [C]}
     */
    static void runningStatisticsGradient(
            BatchNormalization config,
            INDArray batchMean,
            INDArray batchVariance,
            INDArray globalMean,
            INDArray globalVariance,
            INDArray globalMeanGradient,
            INDArray globalVarianceGradient) {
        double decay = config.getDecay();
        long channels = globalMean.length();
        for (long c = 0; c < channels; c++) {
            globalMeanGradient.putScalar(
                    c, (1 - decay) * (globalMean.getDouble(c) - batchMean.getDouble(c)));
            double update;
            if (config.isUseLogStd()) {
                double std = Math.pow(10.0, globalVariance.getDouble(c));
                double var = std * std;
                double next = decay * var + (1 - decay) * batchVariance.getDouble(c);
                update = Math.log(var / next) * ONE_ON_2LOGE_10;
            } else {
                update = (1 - decay) * (globalVariance.getDouble(c) - batchVariance.getDouble(c));
            }
            globalVarianceGradient.putScalar(c, update);
        }
    }
}
