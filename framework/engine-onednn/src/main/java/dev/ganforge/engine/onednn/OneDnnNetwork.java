package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Adapted;
import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J {@link MultiLayerNetwork} compiled to oneDNN primitives for training: forward in training
 * mode (BatchNorm on batch statistics), backward to parameter gradients and, optionally, to the
 * input. Parameters are not copied: the primitives read the network's own parameter views and write
 * its gradient view in DL4J's layout, so DL4J's updater, checkpoints and inference keep working on the
 * same network. BatchNorm's running mean and log10 standard deviation get the same
 * "gradient" DL4J's {@code BatchNormalization} layer writes (decay towards the batch statistics, applied
 * by its no-op updater).
 *
 * <p>Supported layers, all NCHW and float32: {@link DenseLayer} and {@link OutputLayer}
 * (identity activation, {@link BinaryCrossEntropyWithLogits} loss), {@link ConvolutionLayer} and
 * {@link Deconvolution2D} (no dilation, Same or Truncate mode), {@link BatchNormalization},
 * {@link ActivationLayer}; activations identity, ReLU, LeakyReLU, tanh; the preprocessors
 * feed-forward→CNN (reshape) and CNN→feed-forward before a dense layer. {@link #unsupported} says
 * why a network cannot be compiled.
 *
 * <p>Activations stay in the layouts oneDNN's implementations prefer (for example channel-blocked
 * {@code nChw16c}); the network's input, output and their gradients are plain row-major arrays
 * ({@code [B, F]} or {@code [B, C, H, W]}). All buffers are allocated at construction; a pass only
 * executes primitives. Not thread-safe. {@link #close} releases the native oneDNN objects.
 */
public final class OneDnnNetwork implements AutoCloseable {

    private final List<Op> ops = new ArrayList<>();
    private final Dnnl.Handles handles;
    private boolean closed;
    private final Tensor input;
    private final INDArray ownInput;
    private final Tensor plainOutput;
    private final Exec outputReorder;
    private final Tensor plainOutputGradient;
    private final Adapted outputGradient;
    private final Gradient gradient;
    private final long[] inputDims;
    private final long[] inputGradientDims;
    private final long[] outputDims;

    /**
     * Compiles the network for a fixed batch size.
     *
     * @param network an initialised float32 network for which {@link #unsupported} is empty
     * @param inputShape {@code [B, F]} for a dense first layer, {@code [B, C, H, W]} for a convolutional one
     * @param inputGradientChannels how many leading input channels {@link #inputGradient()} covers: all
     *     ({@code C}), or fewer when the rest (label maps) are not trained and a convolution comes first
     * @throws IllegalArgumentException if the network is not supported
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnNetwork(MultiLayerNetwork network, long[] inputShape, long inputGradientChannels) {
        Optional<String> problem = unsupported(network);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        this.handles = Dnnl.Handles.open();
        try {
            MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
            if (network.getGradientsViewArray() == null) {
                network.initGradientsView(); // DL4J creates it on the first backward pass otherwise
            }
            this.gradient = new DefaultGradient(network.getGradientsViewArray());
            this.inputDims = inputShape.clone();
            long batchSize = inputShape[0];
            this.input = Tensor.allocate(Dnnl.desc(inputDims, plainTag(inputDims.length)));
            this.ownInput = input.buffer();
            Tensor current = input;
            for (int i = 0; i < configuration.getConfs().size(); i++) {
                NeuralNetConfiguration conf = configuration.getConf(i);
                InputPreProcessor pre = configuration.getInputPreProcess(i);
                if (pre instanceof FeedForwardToCnnPreProcessor reshape) {
                    current = add(new Reshape(current, new long[] {batchSize, reshape.getNumChannels(),
                            reshape.getInputHeight(), reshape.getInputWidth()}));
                }
                Layer layer = network.getLayer(i);
                Map<String, INDArray> params = layer.paramTable();
                Map<String, INDArray> gradients = gradientViews(conf, layer);
                int index = i;
                gradients.forEach((key, view) -> gradient.setGradientFor(index + "_" + key, view));
                org.deeplearning4j.nn.conf.layers.Layer config = conf.getLayer();
                if (config instanceof ConvolutionLayer convolution) {
                    current = add(new Convolution(current, convolution, params, gradients));
                } else if (config instanceof BatchNormalization batchNorm) {
                    current = add(new BatchNorm(current, batchNorm, params, gradients));
                } else if (config instanceof DenseLayer || config instanceof OutputLayer) {
                    current = add(new InnerProduct(current, (BaseLayer) config, params, gradients));
                }
                IActivation activation = activationOf(config);
                if (!(activation instanceof ActivationIdentity)) {
                    current = add(new Eltwise(current, activation));
                }
            }
            this.outputDims = dims(current.desc);
            this.plainOutput = Dnnl.same(current.desc, Dnnl.desc(outputDims, plainTag(outputDims.length)))
                    ? current : Tensor.allocate(Dnnl.desc(outputDims, plainTag(outputDims.length)));
            this.outputReorder = plainOutput == current ? null : Dnnl.reorder(current, plainOutput);
            this.inputGradientDims = inputDims.clone();
            if (inputDims.length == 4 && inputGradientChannels < inputDims[1]
                    && ops.get(0) instanceof Convolution first) {
                first.limitInputGradient(inputGradientChannels);
                inputGradientDims[1] = inputGradientChannels;
            }
            this.plainOutputGradient = Tensor.allocate(Dnnl.desc(outputDims, plainTag(outputDims.length)));
            this.outputGradient = Adapted.of(plainOutputGradient, current.desc);
            Tensor diffDst = outputGradient.tensor;
            for (int i = ops.size() - 1; i >= 0; i--) {
                diffDst = ops.get(i).link(diffDst);
            }
        } catch (RuntimeException | Error e) {
            handles.close();
            throw e;
        } finally {
            handles.endBuilding();
        }
    }

    /**
     * Destroys the oneDNN primitives and memory objects of this network (not its buffers, which are
     * ND4J arrays). The network cannot run afterwards; a second call does nothing.
     */
    @Override
    public void close() {
        closed = true;
        handles.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this oneDNN network is closed");
        }
    }

    /**
     * @param network a DL4J network
     * @return why it cannot be compiled, or empty if it can
     */
    public static Optional<String> unsupported(MultiLayerNetwork network) {
        if (network.params().dataType() != DataType.FLOAT) {
            return Optional.of("the oneDNN path trains float32 networks, this one is " + network.params().dataType());
        }
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        for (int i = 0; i < configuration.getConfs().size(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer config = configuration.getConf(i).getLayer();
            String name = "layer " + i + " (" + config.getClass().getSimpleName() + ")";
            InputPreProcessor pre = configuration.getInputPreProcess(i);
            if (pre != null && !(pre instanceof FeedForwardToCnnPreProcessor)
                    && !(pre instanceof CnnToFeedForwardPreProcessor p && p.getFormat() == CNN2DFormat.NCHW
                    && (config instanceof DenseLayer || config instanceof OutputLayer))) {
                return Optional.of(name + " has input preprocessor " + pre.getClass().getSimpleName());
            }
            // The oneDNN passes are deterministic: whatever DL4J would do to inputs or weights at random
            // during training is not there.
            if (config.getIDropout() != null) {
                return Optional.of(name + " has dropout");
            }
            if (config instanceof BaseLayer base && base.getWeightNoise() != null) {
                return Optional.of(name + " has weight noise");
            }
            if (config instanceof ConvolutionLayer c) {
                boolean plainClass = c.getClass() == ConvolutionLayer.class || c instanceof Deconvolution2D;
                if (!plainClass || c.getCnn2dDataFormat() != CNN2DFormat.NCHW || !c.hasBias()
                        || Arrays.stream(c.getDilation()).anyMatch(d -> d != 1)
                        || c.getConvolutionMode() != ConvolutionMode.Same
                        && c.getConvolutionMode() != ConvolutionMode.Truncate) {
                    return Optional.of(name + " needs NCHW, a bias, no dilation and Same or Truncate mode");
                }
            } else if (config instanceof BatchNormalization b) {
                if (b.isLockGammaBeta() || b.getCnn2DFormat() != CNN2DFormat.NCHW) {
                    return Optional.of(name + " needs NCHW and learned gamma/beta");
                }
            } else if (config instanceof OutputLayer o) {
                if (!(o.getLossFn() instanceof BinaryCrossEntropyWithLogits)
                        || !(o.getActivationFn() instanceof ActivationIdentity) || !o.hasBias()) {
                    return Optional.of(name
                            + " needs identity activation, BinaryCrossEntropyWithLogits loss and a bias");
                }
            } else if (config instanceof DenseLayer d) {
                if (!d.hasBias() || d.hasLayerNorm()) {
                    return Optional.of(name + " needs a bias and no layer normalisation");
                }
            } else if (!(config instanceof ActivationLayer)) {
                return Optional.of(name + " is not a supported layer type");
            }
            IActivation activation = activationOf(config);
            if (algorithm(activation) < 0 && !(activation instanceof ActivationIdentity)) {
                return Optional.of(name + " has unsupported activation " + activation);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the forward pass in training mode.
     *
     * @param in input of the shape {@link #inputShape()}, float32; read in place when it is
     *     contiguous row-major (it must then stay unchanged until the backward pass), else copied
     * @return the output, plain {@code [B, ...]}; valid until the next forward pass
     * @throws IllegalArgumentException if the input does not have the compiled shape
     */
    public INDArray forward(INDArray in) {
        requireOpen();
        if (!Arrays.equals(in.shape(), inputDims)) {
            throw new IllegalArgumentException("input must be " + Arrays.toString(inputDims) + ", got "
                    + Arrays.toString(in.shape()));
        }
        // A reshape reads the input buffer through a second descriptor, so the input is then copied.
        if (!(ops.get(0) instanceof Reshape) && in.ordering() == 'c' && in.elementWiseStride() == 1
                && in.dataType() == DataType.FLOAT) {
            input.bind(in);
        } else {
            input.bind(ownInput);
            ownInput.assign(in.reshape(in.length()));
        }
        for (Op op : ops) {
            op.forward();
        }
        if (outputReorder != null) {
            outputReorder.run();
        }
        return output();
    }

    /**
     * Must be called after the network's parameters change (an update, a restore) and before the next
     * pass: weights are copied into the layouts the primitives use only when they have changed.
     */
    public void parametersChanged() {
        for (Op op : ops) {
            op.parametersChanged();
        }
    }

    /** @return the output of the last forward pass, {@code [B, ...]} (a view of an internal buffer) */
    public INDArray output() {
        return plainOutput.buffer().reshape(outputDims);
    }

    /** @return the array to write dLoss/dOutput into before {@link #backward}, {@code [B, ...]} */
    public INDArray outputGradient() {
        return plainOutputGradient.buffer().reshape(outputDims);
    }

    /**
     * Back-propagates {@link #outputGradient()} through the last forward pass.
     *
     * @param parameters whether to write parameter gradients (and BatchNorm statistics updates) into the
     *     network's gradient view; when false the view may still be overwritten for BatchNorm layers
     * @param toInput whether to compute the gradient with respect to the input ({@link #inputGradient()})
     */
    public void backward(boolean parameters, boolean toInput) {
        requireOpen();
        outputGradient.refresh();
        for (int i = ops.size() - 1; i >= 0; i--) {
            ops.get(i).backward(parameters, i > 0 || toInput);
        }
    }

    /**
     * @return dLoss/dInput of the last {@code backward(…, true)}, plain, shaped like the input but with
     *     only the leading input channels the constructor asked for
     */
    public INDArray inputGradient() {
        return ops.get(0).diffSrc.buffer().reshape(inputGradientDims);
    }

    /** @return the input shape, {@code [B, F]} or {@code [B, C, H, W]} */
    public long[] inputShape() {
        return inputDims.clone();
    }

    /** @return the gradient object DL4J's updater takes, over the network's gradient view */
    public Gradient gradient() {
        return gradient;
    }

    private Tensor add(Op op) {
        ops.add(op);
        return op.dst;
    }

    private static Map<String, INDArray> gradientViews(NeuralNetConfiguration conf, Layer layer) {
        if (layer.numParams() == 0) {
            return Map.of();
        }
        return conf.getLayer().initializer().getGradientsFromFlattened(conf, layer.getGradientsViewArray());
    }

    static long[] dims(dnnl_memory_desc_t desc) {
        long[] dims = new long[desc.ndims()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = desc.dims().get(i);
        }
        return dims;
    }

    private static int plainTag(int rank) {
        return switch (rank) {
            case 1 -> dnnl_a;
            case 2 -> dnnl_ab;
            case 4 -> dnnl_abcd;
            default -> throw new IllegalArgumentException("rank " + rank);
        };
    }

    private static dnnl_memory_desc_t any(long[] dims) {
        return Dnnl.desc(dims, dnnl_format_tag_any);
    }

    /** @return the activation a layer applies (DL4J's BatchNormalization ignores its configured one) */
    private static IActivation activationOf(org.deeplearning4j.nn.conf.layers.Layer config) {
        if (config instanceof ActivationLayer a) {
            return a.getActivationFn();
        }
        return config instanceof BatchNormalization ? new ActivationIdentity() : ((BaseLayer) config).getActivationFn();
    }

    /** @return the oneDNN eltwise algorithm of a DL4J activation, or -1 if there is none */
    private static int algorithm(IActivation activation) {
        if (activation instanceof ActivationLReLU) {
            return dnnl_eltwise_relu;
        }
        if (activation instanceof ActivationReLU relu) {
            return relu.equals(new ActivationReLU()) ? dnnl_eltwise_relu : -1;
        }
        return activation instanceof ActivationTanH ? dnnl_eltwise_tanh : -1;
    }

    /** One oneDNN operation: forward into {@link #dst}, backward into {@link #diffSrc}. */
    private abstract static class Op {
        final Tensor src;
        Tensor dst;
        /** Gradient with respect to {@link #src}, same layout; created by {@link #link}. */
        Tensor diffSrc;

        Op(Tensor src) {
            this.src = src;
        }

        abstract void forward();

        /**
         * Creates the backward primitives.
         *
         * @param diffDst gradient with respect to {@link #dst}, same layout
         * @return {@link #diffSrc}
         */
        abstract Tensor link(Tensor diffDst);

        abstract void backward(boolean parameters, boolean data);

        /** The parameters changed since the last pass: copies of them must be made again. */
        void parametersChanged() {}
    }

    /** Feed-forward → CNN: the same buffer read as {@code [B, C, H, W]}. */
    private static final class Reshape extends Op {
        Reshape(Tensor src, long[] dims) {
            super(src);
            if (!Dnnl.same(src.desc, Dnnl.desc(dims(src.desc), dnnl_ab))) {
                throw new IllegalStateException("reshape needs a plain [B, F] input");
            }
            dst = src.reinterpret(Dnnl.desc(dims, dnnl_abcd));
        }

        @Override
        void forward() {}

        @Override
        Tensor link(Tensor diffDst) {
            if (!Dnnl.same(diffDst.desc, dst.desc)) {
                throw new IllegalStateException("reshape needs a plain gradient");
            }
            diffSrc = diffDst.reinterpret(src.desc);
            return diffSrc;
        }

        @Override
        void backward(boolean parameters, boolean data) {}
    }

    /**
     * An operation with weights and a bias (convolution, transposed convolution, dense): forward,
     * backward to the input and backward to the parameters, each a primitive whose arguments are
     * copied into the layout it chose only when that differs from what the neighbours hold.
     */
    private abstract static class Weighted extends Op {
        final Tensor weights;
        final Tensor bias;
        private final Tensor weightsGradient;
        private final Tensor biasGradient;
        dnnl_primitive_desc forwardDesc;
        private Adapted forwardSrc;
        private Adapted forwardWeights;
        private Exec forward;
        private Adapted dataDiffDst;
        private Adapted dataWeights;
        private Adapted dataDiffSrc;
        private Exec backwardData;
        private Adapted weightsSrc;
        private Adapted weightsDiffDst;
        private Adapted weightsDiff;
        private Exec backwardWeights;
        private boolean forwardWeightsStale = true;
        private boolean dataWeightsStale = true;

        /**
         * @param weightsDesc the layout of DL4J's weight array, which the parameter and gradient views have
         */
        Weighted(Tensor src, dnnl_memory_desc_t weightsDesc, long outputs, Map<String, INDArray> params,
                Map<String, INDArray> gradients) {
            super(src);
            weights = Tensor.wrap(weightsDesc, params.get("W"));
            weightsGradient = Tensor.wrap(weightsDesc, gradients.get("W"));
            bias = Tensor.wrap(Dnnl.desc(new long[] {outputs}, dnnl_x), params.get("b"));
            biasGradient = Tensor.wrap(bias.desc, gradients.get("b"));
        }

        /** Creates the forward primitive and {@link #dst} from its descriptor. */
        void buildForward(dnnl_primitive_desc pd, String what) {
            forwardDesc = pd;
            dst = Tensor.allocate(Dnnl.query(pd, dnnl_query_dst_md));
            forwardSrc = Adapted.of(src, Dnnl.query(pd, dnnl_query_src_md));
            forwardWeights = Adapted.of(weights, Dnnl.query(pd, dnnl_query_weights_md));
            forward = new Exec(pd, what + " forward", DNNL_ARG_SRC, forwardSrc.tensor,
                    DNNL_ARG_WEIGHTS, forwardWeights.tensor, DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst);
        }

        /**
         * Creates both backward primitives; {@link #diffSrc} must be allocated.
         *
         * @param dataWeightsSource the weights backward-data reads ({@link #weights}, or a slice of them)
         */
        void buildBackward(dnnl_primitive_desc dataPd, dnnl_primitive_desc weightsPd, Tensor diffDst,
                Tensor dataWeightsSource, String what) {
            dataDiffDst = Adapted.of(diffDst, Dnnl.query(dataPd, dnnl_query_diff_dst_md));
            dataWeights = Adapted.of(dataWeightsSource, Dnnl.query(dataPd, dnnl_query_weights_md));
            dataDiffSrc = Adapted.into(diffSrc, Dnnl.query(dataPd, dnnl_query_diff_src_md));
            backwardData = new Exec(dataPd, what + " backward data", DNNL_ARG_DIFF_DST, dataDiffDst.tensor,
                    DNNL_ARG_WEIGHTS, dataWeights.tensor, DNNL_ARG_DIFF_SRC, dataDiffSrc.tensor);
            dnnl_memory_desc_t wantedSrc = Dnnl.query(weightsPd, dnnl_query_src_md);
            // The forward pass of the same batch has already copied src into that layout.
            weightsSrc = Dnnl.same(forwardSrc.tensor.desc, wantedSrc) ? Adapted.filled(forwardSrc.tensor)
                    : Adapted.of(src, wantedSrc);
            dnnl_memory_desc_t wantedDiffDst = Dnnl.query(weightsPd, dnnl_query_diff_dst_md);
            weightsDiffDst = Dnnl.same(dataDiffDst.tensor.desc, wantedDiffDst) ? dataDiffDst
                    : Adapted.of(diffDst, wantedDiffDst);
            weightsDiff = Adapted.into(weightsGradient, Dnnl.query(weightsPd, dnnl_query_diff_weights_md));
            backwardWeights = new Exec(weightsPd, what + " backward weights", DNNL_ARG_SRC, weightsSrc.tensor,
                    DNNL_ARG_DIFF_DST, weightsDiffDst.tensor, DNNL_ARG_DIFF_WEIGHTS, weightsDiff.tensor,
                    DNNL_ARG_DIFF_BIAS, biasGradient);
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
                if (!data || weightsDiffDst != dataDiffDst) {
                    weightsDiffDst.refresh();
                }
                backwardWeights.run();
                weightsDiff.refresh();
            }
        }
    }

    /** Convolution or transposed convolution (deconvolution), stride s, kernel k, with bias. */
    private static final class Convolution extends Weighted {
        private final boolean transposed;
        private long gradientChannels = -1;
        private final long[] strides;
        private final long[] padLeft;
        private final long[] padRight;

        Convolution(Tensor src, ConvolutionLayer config, Map<String, INDArray> params,
                Map<String, INDArray> gradients) {
            // DL4J keeps convolution weights as [out, in, kH, kW] and deconvolution weights as
            // [in, out, kH, kW], both row-major: oneDNN's oihw and iohw.
            super(src, Dnnl.desc(new long[] {config.getNOut(), dims(src.desc)[1], config.getKernelSize()[0],
                    config.getKernelSize()[1]}, config instanceof Deconvolution2D ? dnnl_iohw : dnnl_oihw),
                    config.getNOut(), params, gradients);
            transposed = config instanceof Deconvolution2D;
            long[] in = dims(src.desc);
            int[] k = config.getKernelSize();
            int[] s = config.getStride();
            long out = config.getNOut();
            long[] outSize = new long[2];
            padLeft = new long[2];
            padRight = new long[2];
            strides = new long[] {s[0], s[1]};
            for (int d = 0; d < 2; d++) {
                long size = in[2 + d];
                if (config.getConvolutionMode() == ConvolutionMode.Same) {
                    outSize[d] = transposed ? size * s[d] : (size + s[d] - 1) / s[d];
                    // DL4J's same-mode padding: the top/left side gets the smaller half.
                    long big = transposed ? outSize[d] : size;
                    long small = transposed ? size : outSize[d];
                    long total = Math.max(0, (small - 1) * s[d] + k[d] - big);
                    padLeft[d] = total / 2;
                    padRight[d] = total - padLeft[d];
                } else {
                    int p = config.getPadding()[d];
                    outSize[d] = transposed ? s[d] * (size - 1) + k[d] - 2L * p : (size + 2L * p - k[d]) / s[d] + 1;
                    padLeft[d] = p;
                    padRight[d] = transposed ? (size - 1) * s[d] + k[d] - outSize[d] - p
                            : (outSize[d] - 1) * s[d] + k[d] - size - p;
                }
            }
            long[] dstDims = {in[0], out, outSize[0], outSize[1]};
            // Few output channels (an image): a plain layout avoids padding C to a block of 16.
            dnnl_memory_desc_t dstWanted = out < 8 ? Dnnl.desc(dstDims, dnnl_abcd) : any(dstDims);
            buildForward(Dnnl.primitiveDesc(forwardOp(in, dims(weights.desc), dstWanted), null, name() + " forward"),
                    name());
        }

        private dnnl_convolution_desc_t forwardOp(long[] in, long[] weightDims, dnnl_memory_desc_t dst) {
            dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
            Dnnl.check(transposed
                    ? dnnl_deconvolution_forward_desc_init(desc, dnnl_forward_training, dnnl_deconvolution_direct,
                            any(in), any(weightDims), bias.desc, dst, strides, padLeft, padRight)
                    : dnnl_convolution_forward_desc_init(desc, dnnl_forward_training, dnnl_convolution_direct,
                            any(in), any(weightDims), bias.desc, dst, strides, padLeft, padRight),
                    "describing " + name());
            return desc;
        }

        private String name() {
            return transposed ? "deconvolution" : "convolution";
        }

        /**
         * Makes the backward pass compute the input gradient of the first {@code channels} input
         * channels only (the image, not the label maps): a convolution with those input channels and
         * the matching slice of the weights, C/(C+K) of the work.
         */
        void limitInputGradient(long channels) {
            if (transposed) {
                throw new IllegalStateException("input gradient limit on a transposed convolution");
            }
            gradientChannels = channels;
        }

        @Override
        Tensor link(Tensor diffDst) {
            long[] in = dims(src.desc);
            long[] out = dims(dst.desc);
            long[] weightDims = dims(weights.desc);
            Tensor dataWeightsSource = weights;
            dnnl_primitive_desc hint = forwardDesc;
            long[] gradientIn = in.clone();
            long[] gradientWeights = weightDims.clone();
            if (gradientChannels > 0 && gradientChannels < in[1]) {
                gradientIn[1] = gradientChannels;
                gradientWeights[1] = gradientChannels;
                dnnl_memory_desc_t slice = new dnnl_memory_desc_t();
                Dnnl.check(dnnl_memory_desc_init_submemory(slice, weights.desc, gradientWeights, new long[4]),
                        "describing the image-channel weights");
                dataWeightsSource = weights.reinterpret(slice);
                // A backward primitive needs a forward one of the same shape as its hint.
                hint = Dnnl.primitiveDesc(forwardOp(gradientIn, gradientWeights, any(out)), null,
                        "image-channel convolution");
            }
            diffSrc = Tensor.allocate(gradientIn[1] == in[1] ? src.desc : Dnnl.desc(gradientIn, dnnl_abcd));
            dnnl_convolution_desc_t data = new dnnl_convolution_desc_t();
            Dnnl.check(transposed
                    ? dnnl_deconvolution_backward_data_desc_init(data, dnnl_deconvolution_direct, any(gradientIn),
                            any(gradientWeights), any(out), strides, padLeft, padRight)
                    : dnnl_convolution_backward_data_desc_init(data, dnnl_convolution_direct, any(gradientIn),
                            any(gradientWeights), any(out), strides, padLeft, padRight),
                    "describing " + name() + " backward");
            dnnl_convolution_desc_t weightsOp = new dnnl_convolution_desc_t();
            Dnnl.check(transposed
                    ? dnnl_deconvolution_backward_weights_desc_init(weightsOp, dnnl_deconvolution_direct, any(in),
                            any(weightDims), bias.desc, any(out), strides, padLeft, padRight)
                    : dnnl_convolution_backward_weights_desc_init(weightsOp, dnnl_convolution_direct, any(in),
                            any(weightDims), bias.desc, any(out), strides, padLeft, padRight),
                    "describing " + name() + " weight gradient");
            buildBackward(Dnnl.primitiveDesc(data, hint, name() + " backward data"),
                    Dnnl.primitiveDesc(weightsOp, forwardDesc, name() + " backward weights"), diffDst,
                    dataWeightsSource, name());
            return diffSrc;
        }
    }

    /** Fully connected layer {@code y = x W + b}; a 4-D input is flattened in NCHW order as DL4J does. */
    private static final class InnerProduct extends Weighted {

        InnerProduct(Tensor src, BaseLayer config, Map<String, INDArray> params, Map<String, INDArray> gradients) {
            // DL4J's W is [nIn, nOut] column-major: for each output unit, its nIn weights in a row,
            // the input features in NCHW order, which is oneDNN's plain {O, I} / {O, C, H, W}.
            super(src, Dnnl.desc(weightDims(src, config), plainTag(dims(src.desc).length)), outputs(config), params,
                    gradients);
            long[] in = dims(src.desc);
            dnnl_inner_product_desc_t desc = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_forward_desc_init(desc, dnnl_forward_training, any(in),
                    any(dims(weights.desc)), bias.desc, Dnnl.desc(new long[] {in[0], outputs(config)}, dnnl_ab)),
                    "describing a dense layer");
            buildForward(Dnnl.primitiveDesc(desc, null, "dense forward"), "dense");
        }

        private static long outputs(BaseLayer config) {
            return ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) config).getNOut();
        }

        private static long[] weightDims(Tensor src, BaseLayer config) {
            long[] dims = dims(src.desc);
            dims[0] = outputs(config);
            return dims;
        }

        @Override
        Tensor link(Tensor diffDst) {
            diffSrc = Tensor.allocate(src.desc);
            long[] in = dims(src.desc);
            long[] weightDims = dims(weights.desc);
            dnnl_inner_product_desc_t data = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_data_desc_init(data, any(in), any(weightDims), diffDst.desc),
                    "describing a dense layer backward");
            dnnl_inner_product_desc_t weightsOp = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_weights_desc_init(weightsOp, any(in), any(weightDims), bias.desc,
                    diffDst.desc), "describing a dense layer weight gradient");
            buildBackward(Dnnl.primitiveDesc(data, forwardDesc, "dense backward data"),
                    Dnnl.primitiveDesc(weightsOp, forwardDesc, "dense backward weights"), diffDst, weights, "dense");
            return diffSrc;
        }
    }

    /**
     * Batch normalisation over N, H, W per channel with batch statistics (Ioffe &amp; Szegedy 2015,
     * https://arxiv.org/abs/1502.03167), and DL4J's running-statistics update.
     */
    private static final class BatchNorm extends Op {
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
        private Exec backward;

        BatchNorm(Tensor src, BatchNormalization config, Map<String, INDArray> params,
                Map<String, INDArray> gradients) {
            super(src);
            this.config = config;
            long channels = dims(src.desc)[1];
            dnnl_memory_desc_t vector = Dnnl.desc(new long[] {channels}, dnnl_x);
            scale = Tensor.wrap(vector, params.get(BatchNormalizationParamInitializer.GAMMA));
            shift = Tensor.wrap(vector, params.get(BatchNormalizationParamInitializer.BETA));
            scaleGradient = Tensor.wrap(vector, gradients.get(BatchNormalizationParamInitializer.GAMMA));
            shiftGradient = Tensor.wrap(vector, gradients.get(BatchNormalizationParamInitializer.BETA));
            mean = Tensor.allocate(vector);
            variance = Tensor.allocate(vector);
            String varianceKey = config.isUseLogStd()
                    ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
            globalMean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            globalVariance = params.get(varianceKey);
            globalMeanGradient = gradients.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            globalVarianceGradient = gradients.get(varianceKey);
            dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_forward_desc_init(desc, dnnl_forward_training, src.desc,
                    (float) config.getEps(), flags), "describing batch normalisation");
            forwardDesc = Dnnl.primitiveDesc(desc, null, "batch normalisation forward");
            dst = Tensor.allocate(Dnnl.query(forwardDesc, dnnl_query_dst_md));
            forward = new Exec(forwardDesc, "batch normalisation forward", DNNL_ARG_SRC, src, DNNL_ARG_SCALE, scale,
                    DNNL_ARG_SHIFT, shift, DNNL_ARG_DST, dst, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance);
        }

        @Override
        void forward() {
            forward.run();
        }

        @Override
        Tensor link(Tensor diffDst) {
            diffSrc = Tensor.allocate(src.desc);
            dnnl_batch_normalization_desc_t desc = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_backward_desc_init(desc, dnnl_backward, diffDst.desc, src.desc,
                    (float) config.getEps(), flags), "describing batch normalisation backward");
            dnnl_primitive_desc backwardDesc = Dnnl.primitiveDesc(desc, forwardDesc, "batch normalisation backward");
            backward = new Exec(backwardDesc, "batch normalisation backward", DNNL_ARG_SRC, src, DNNL_ARG_MEAN, mean,
                    DNNL_ARG_VARIANCE, variance, DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_SCALE, scale,
                    DNNL_ARG_SHIFT, shift,
                    DNNL_ARG_DIFF_SRC, diffSrc, DNNL_ARG_DIFF_SCALE, scaleGradient, DNNL_ARG_DIFF_SHIFT, shiftGradient);
            return diffSrc;
        }

        @Override
        void backward(boolean parameters, boolean data) {
            backward.run();
            if (parameters) {
                runningStatisticsGradient();
            }
        }

        /**
         * What DL4J 1.0.0-M2.1's BatchNormalization.backpropGradient writes for the running statistics,
         * which its no-op updater subtracts: (1 - d)(mean - batchMean) for the mean, and for log10(std)
         * log10(std[t]) - log10(std[t+1]) with var[t+1] = d var[t] + (1 - d) batchVar (biased).
         */
        private void runningStatisticsGradient() {
            double decay = config.getDecay();
            INDArray batchMean = mean.buffer();
            INDArray batchVariance = variance.buffer();
            long channels = batchMean.length();
            for (long c = 0; c < channels; c++) {
                globalMeanGradient.putScalar(c, (1 - decay) * (globalMean.getDouble(c) - batchMean.getDouble(c)));
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

    /** Element-wise activation: ReLU, LeakyReLU (ReLU with slope α below 0) or tanh. */
    private static final class Eltwise extends Op {
        private final int algorithm;
        private final float alpha;
        private final dnnl_primitive_desc forwardDesc;
        private final Exec forward;
        private Exec backward;

        Eltwise(Tensor src, IActivation activation) {
            super(src);
            algorithm = algorithm(activation);
            alpha = activation instanceof ActivationLReLU l ? (float) l.getAlpha() : 0f;
            dnnl_eltwise_desc_t desc = new dnnl_eltwise_desc_t();
            Dnnl.check(dnnl_eltwise_forward_desc_init(desc, dnnl_forward_training, algorithm, src.desc, alpha, 0f),
                    "describing an activation");
            forwardDesc = Dnnl.primitiveDesc(desc, null, "activation forward");
            dst = Tensor.allocate(Dnnl.query(forwardDesc, dnnl_query_dst_md));
            forward = new Exec(forwardDesc, "activation forward", DNNL_ARG_SRC, src, DNNL_ARG_DST, dst);
        }

        @Override
        void forward() {
            forward.run();
        }

        @Override
        Tensor link(Tensor diffDst) {
            diffSrc = Tensor.allocate(src.desc);
            dnnl_eltwise_desc_t desc = new dnnl_eltwise_desc_t();
            Dnnl.check(dnnl_eltwise_backward_desc_init(desc, algorithm, diffDst.desc, src.desc, alpha, 0f),
                    "describing an activation backward");
            dnnl_primitive_desc backwardDesc = Dnnl.primitiveDesc(desc, forwardDesc, "activation backward");
            backward = new Exec(backwardDesc, "activation backward", DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                    DNNL_ARG_DIFF_SRC, diffSrc);
            return diffSrc;
        }

        @Override
        void backward(boolean parameters, boolean data) {
            backward.run();
        }
    }
}
