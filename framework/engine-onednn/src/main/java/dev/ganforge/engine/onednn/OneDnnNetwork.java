package dev.ganforge.engine.onednn;

import dev.ganforge.engine.onednn.Dnnl.Adapted;
import dev.ganforge.engine.onednn.Dnnl.Exec;
import dev.ganforge.engine.onednn.Dnnl.Tensor;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J {@link MultiLayerNetwork} compiled to oneDNN primitives for training: forward in training
 * mode (BatchNorm on batch statistics), backward to parameter gradients and, optionally, to the
 * input. Parameters are not copied: the primitives read the network's own parameter views and write
 * its gradient view in DL4J's layout, so DL4J's updater, checkpoints and inference keep working on
 * the same network. BatchNorm's running mean and log10 standard deviation get the same "gradient"
 * DL4J's {@code BatchNormalization} layer writes (decay towards the batch statistics, applied by
 * its no-op updater).
 *
 * <p>Supported layers, all NCHW and float32: {@link DenseLayer} and {@link OutputLayer} (identity
 * activation, {@link BinaryCrossEntropyWithLogits} loss), {@link ConvolutionLayer} and {@link
 * Deconvolution2D} (no dilation, Same or Truncate mode), {@link BatchNormalization}, its
 * conditional form {@link dev.ganforge.spi.layer.ConditionalBatchNormalization} (which reads the
 * one-hot label from the last K columns of the network input {@code [z | one-hot]}), {@link
 * ActivationLayer}; activations identity, ReLU, LeakyReLU, tanh; the preprocessors feed-forward→CNN
 * (reshape) and CNN→feed-forward before a dense layer. {@link OpRegistry} lists the layer types and
 * the op each compiles to; {@link #unsupported} says why a network cannot be compiled.
 *
 * <p>Each layer becomes the {@link OneDnnOp} its {@link OpFactory} creates, followed by an {@link
 * EltwiseOp} for its activation unless that is the identity; a feed-forward→CNN preprocessor
 * becomes a {@link ReshapeOp}. The ops form a chain: each reads the previous one's output forward
 * and writes the previous one's output gradient backward.
 *
 * <p>Activations stay in the layouts oneDNN's implementations prefer (for example channel-blocked
 * {@code nChw16c}); the network's input, output and their gradients are plain row-major arrays
 * ({@code [B, F]} or {@code [B, C, H, W]}). All buffers are allocated at construction; a pass only
 * executes primitives. Not thread-safe. {@link #close} releases the native oneDNN objects.
 */
public final class OneDnnNetwork implements AutoCloseable {

    private final List<OneDnnOp> ops = new ArrayList<>();
    private final List<ConditionalBatchNormOp> labelReaders = new ArrayList<>();
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
     * @param inputShape {@code [B, F]} for a dense first layer, {@code [B, C, H, W]} for a
     *     convolutional one
     * @param imageChannels C, the leading input channels that are images: all of them, or fewer
     *     when the rest are label maps, each constant over H×W (a broadcast one-hot label). With
     *     label maps and a convolution first, that layer is a {@link LabelMapConvolutionOp} (the
     *     maps are never convolved per example) and {@link #inputGradient()} covers the C image
     *     channels only
     * @throws IllegalArgumentException if the network is not supported
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnNetwork(MultiLayerNetwork network, long[] inputShape, long imageChannels) {
        this(network, inputShape, imageChannels, ComputeType.FLOAT32);
    }

    /**
     * Compiles the network for a fixed batch size and operand data type.
     *
     * @param network an initialised float32 network for which {@link #unsupported} is empty
     * @param inputShape {@code [B, F]} or {@code [B, C, H, W]}
     * @param imageChannels C, the leading input channels that are images; the rest are label maps
     *     constant over H×W (see the other constructor)
     * @param compute the data type convolutions and dense layers read their operands in (outputs,
     *     gradients and parameters stay float32)
     * @throws IllegalArgumentException if the network is not supported
     * @throws OneDnnException if oneDNN cannot create a primitive (bfloat16 on a CPU without
     *     AVX-512, say)
     */
    OneDnnNetwork(
            MultiLayerNetwork network, long[] inputShape, long imageChannels, ComputeType compute) {
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
            this.input = Tensor.allocate(plain(inputDims));
            this.ownInput = input.buffer();
            Tensor current = input;
            for (int i = 0; i < configuration.getConfs().size(); i++) {
                NeuralNetConfiguration conf = configuration.getConf(i);
                InputPreProcessor pre = configuration.getInputPreProcess(i);
                if (pre instanceof FeedForwardToCnnPreProcessor reshape) {
                    current =
                            add(
                                    new ReshapeOp(
                                            current,
                                            new long[] {
                                                batchSize,
                                                reshape.getNumChannels(),
                                                reshape.getInputHeight(),
                                                reshape.getInputWidth()
                                            }));
                }
                Layer layer = network.getLayer(i);
                Map<String, INDArray> params = layer.paramTable();
                Map<String, INDArray> gradients = gradientViews(conf, layer);
                int index = i;
                gradients.forEach((key, view) -> gradient.setGradientFor(index + "_" + key, view));
                org.deeplearning4j.nn.conf.layers.Layer config = conf.getLayer();
                OpFactory factory = OpRegistry.factoryFor(config).orElseThrow();
                OneDnnOp op =
                        labelMapsFirst(factory, config, imageChannels)
                                ? new LabelMapConvolutionOp(
                                        current,
                                        (ConvolutionLayer) config,
                                        params,
                                        gradients,
                                        compute,
                                        imageChannels)
                                : factory.create(current, config, params, gradients, compute);
                if (op != null) {
                    current = add(op);
                }
                IActivation activation = factory.activation(config);
                if (!(activation instanceof ActivationIdentity)) {
                    current = add(new EltwiseOp(current, activation));
                }
            }
            this.outputDims = OneDnnOp.dims(current.desc);
            this.plainOutput =
                    Dnnl.same(current.desc, plain(outputDims))
                            ? current
                            : Tensor.allocate(plain(outputDims));
            this.outputReorder = plainOutput == current ? null : Dnnl.reorder(current, plainOutput);
            this.inputGradientDims = inputDims.clone();
            if (ops.get(0) instanceof LabelMapConvolutionOp) {
                inputGradientDims[1] = imageChannels;
            }
            this.plainOutputGradient = Tensor.allocate(plain(outputDims));
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
            return Optional.of(
                    "the oneDNN path trains float32 networks, this one is "
                            + network.params().dataType());
        }
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        for (int i = 0; i < configuration.getConfs().size(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer config = configuration.getConf(i).getLayer();
            String name = "layer " + i + " (" + config.getClass().getSimpleName() + ")";
            Optional<String> problem =
                    OpRegistry.unsupported(config, configuration.getInputPreProcess(i));
            if (problem.isPresent()) {
                return Optional.of(name + " " + problem.get());
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
            throw new IllegalArgumentException(
                    "input must be "
                            + Arrays.toString(inputDims)
                            + ", got "
                            + Arrays.toString(in.shape()));
        }
        // A reshape reads the input buffer through a second descriptor, so the input is then
        // copied.
        if (!(ops.get(0) instanceof ReshapeOp)
                && in.ordering() == 'c'
                && in.elementWiseStride() == 1
                && in.dataType() == DataType.FLOAT) {
            input.bind(in);
        } else {
            input.bind(ownInput);
            ownInput.assign(in.reshape(in.length()));
        }
        for (ConditionalBatchNormOp op : labelReaders) {
            op.readLabels(in);
        }
        for (OneDnnOp op : ops) {
            op.forward();
        }
        if (outputReorder != null) {
            outputReorder.run();
        }
        return output();
    }

    /**
     * Must be called after the network's parameters change (an update, a restore) and before the
     * next pass: weights are copied into the layouts the primitives use only when they have
     * changed.
     */
    public void parametersChanged() {
        for (OneDnnOp op : ops) {
            op.parametersChanged();
        }
    }

    /**
     * @return the output of the last forward pass, {@code [B, ...]} (a view of an internal buffer)
     */
    public INDArray output() {
        return plainOutput.buffer().reshape(outputDims);
    }

    /**
     * @return the array to write dLoss/dOutput into before {@link #backward}, {@code [B, ...]}
     */
    public INDArray outputGradient() {
        return plainOutputGradient.buffer().reshape(outputDims);
    }

    /**
     * Back-propagates {@link #outputGradient()} through the last forward pass.
     *
     * @param parameters whether to write parameter gradients (and BatchNorm statistics updates)
     *     into the network's gradient view; when false the view may still be overwritten for
     *     BatchNorm layers
     * @param toInput whether to compute the gradient with respect to the input ({@link
     *     #inputGradient()})
     */
    public void backward(boolean parameters, boolean toInput) {
        requireOpen();
        outputGradient.refresh();
        for (int i = ops.size() - 1; i >= 0; i--) {
            ops.get(i).backward(parameters, i > 0 || toInput);
        }
    }

    /**
     * @return dLoss/dInput of the last {@code backward(…, true)}, plain, shaped like the input but
     *     with only the leading input channels the constructor asked for
     */
    public INDArray inputGradient() {
        return ops.get(0).diffSrc.buffer().reshape(inputGradientDims);
    }

    /**
     * @return the compiled ops, first layer first (for tests)
     */
    List<OneDnnOp> ops() {
        return List.copyOf(ops);
    }

    /**
     * @return the input shape, {@code [B, F]} or {@code [B, C, H, W]}
     */
    public long[] inputShape() {
        return inputDims.clone();
    }

    /**
     * @return the gradient object DL4J's updater takes, over the network's gradient view
     */
    public Gradient gradient() {
        return gradient;
    }

    /**
     * @return whether {@code config} is the network's first op (no reshape before it), a
     *     convolution (not transposed) and the input has label maps after {@code imageChannels}
     *     image channels: the case {@link LabelMapConvolutionOp} computes
     */
    private boolean labelMapsFirst(
            OpFactory factory, org.deeplearning4j.nn.conf.layers.Layer config, long imageChannels) {
        return ops.isEmpty()
                && imageChannels < inputDims[1]
                && factory == ConvolutionOp.FACTORY
                && !(config instanceof Deconvolution2D);
    }

    private Tensor add(OneDnnOp op) {
        ops.add(op);
        if (op instanceof ConditionalBatchNormOp conditional) {
            labelReaders.add(conditional);
        }
        return op.dst;
    }

    /**
     * @return a row-major descriptor ({@code ab} or {@code abcd}): DL4J's layout of those
     *     dimensions
     */
    private static dnnl_memory_desc_t plain(long[] dims) {
        return Dnnl.desc(dims, OneDnnOp.plainTag(dims.length));
    }

    private static Map<String, INDArray> gradientViews(NeuralNetConfiguration conf, Layer layer) {
        if (layer.numParams() == 0) {
            return Map.of();
        }
        return conf.getLayer()
                .initializer()
                .getGradientsFromFlattened(conf, layer.getGradientsViewArray());
    }
}
