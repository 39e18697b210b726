package dev.ganforge.export.onnx;

import dev.ganforge.core.train.ConvolutionGeometry;
import dev.ganforge.spi.StandardLatent;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a trained generator (a DL4J {@link MultiLayerNetwork} in inference mode: BatchNorm with
 * its running statistics) as an ONNX model that follows torch-fidelity's generator contract
 * (https://torch-fidelity.readthedocs.io/en/latest/usage_api.html, {@code GenerativeModelONNX}), so
 * that {@code fidelity --input1 generator.onnx --input1-model-z-size D --input1-model-z-type normal
 * [--input1-model-num-classes K] …} computes Inception FID, KID and precision/recall from it:
 *
 * <ul>
 *   <li>input {@code z}: float32 {@code [N, latentDim]}, drawn from the standard distribution of
 *       the run's sampler ({@link StandardLatent}: {@code normal} or {@code uniform_0_1}); the
 *       graph maps it to the sampler's own distribution (shift + scale · z) before the generator;
 *   <li>input {@code label} (conditional models only): int64 {@code [N]}, class indices in [0, K);
 *       turned into the one-hot vector the generator was trained with (a {@code Gather} from the
 *       K×K identity) and appended to z, as {@code Conditioning.generatorInput} does;
 *   <li>output {@code image}: uint8 {@code [N, 3, H, W]}, round((x + 1) · 127.5) clipped to [0,
 *       255], the tanh output x ∈ [-1, 1] of the generator; a one-channel generator's grey plane is
 *       repeated into R, G and B.
 * </ul>
 *
 * Supported layers, as the shipped model plugins build them: dense, transposed and ordinary 2-D
 * convolutions (NCHW, Same or Truncate mode, bias, no dilation), BatchNormalization, activation
 * layers and layer activations identity, ReLU, LeakyReLU, tanh and sigmoid, and the
 * feed-forward-to-CNN reshape. Conditional BatchNorm ({@link ConditionalBatchNormalization}, in a
 * conditional generator) becomes BatchNormalization followed by a Mul and an Add with the rows of
 * its γ and β tables that the one-hot label selects (MatMul of the one-hot with each table).
 * Anything else is refused with the layer's index and type.
 */
public final class GeneratorOnnx {

    /** Name of the latent input. */
    public static final String Z = "z";

    /** Name of the class-label input of a conditional generator. */
    public static final String LABEL = "label";

    /** Name of the image output. */
    public static final String IMAGE = "image";

    private GeneratorOnnx() {}

    /**
     * What an exported generator takes and gives.
     *
     * @param latentDim D, the width of {@code z}
     * @param numClasses K for a conditional generator (input {@code label}), 0 for none
     * @param height H of the output in pixels
     * @param width W of the output in pixels
     * @param channels C of the generator itself (1 or 3); the output always has 3
     * @param latent the distribution {@code z} is drawn from, and its map to the sampler's
     */
    public record Signature(
            int latentDim,
            int numClasses,
            long height,
            long width,
            long channels,
            StandardLatent latent) {

        /**
         * @return whether the model has the {@code label} input
         */
        public boolean conditional() {
            return numClasses > 0;
        }
    }

    /**
     * The exported model.
     *
     * @param model the encoded {@code onnx.ModelProto}
     * @param signature its inputs and output
     */
    public record Exported(byte[] model, Signature signature) {}

    /**
     * Translates a generator.
     *
     * @param generator input {@code [N, latentDim + K]} (z then the one-hot label), output {@code
     *     [N, C, H, W]} in [-1, 1], C = 1 or 3
     * @param latentDim D
     * @param latent the sampler's distribution as a map of a standard one ({@link
     *     dev.ganforge.spi.SamplerPlugin#standardForm})
     * @param numClasses K for a conditional generator, 0 for an unconditional one
     * @param producerVersion ganforge's version, written into the file
     * @return the model and its signature
     * @throws IllegalArgumentException naming the layer if the network has a layer, preprocessor or
     *     activation this exporter does not translate, or if the sizes do not agree
     */
    public static Exported export(
            MultiLayerNetwork generator,
            int latentDim,
            StandardLatent latent,
            int numClasses,
            String producerVersion) {
        OnnxGraph graph = new OnnxGraph("ganforge_generator");
        graph.input(Z, OnnxGraph.FLOAT, latentDim);
        String z = Z;
        if (latent.scale() != 1.0) {
            String scale =
                    graph.floats("z_scale", new long[0], new float[] {(float) latent.scale()});
            z = graph.node("Mul", List.of(z, scale), Map.of());
        }
        if (latent.shift() != 0.0) {
            String shift =
                    graph.floats("z_shift", new long[0], new float[] {(float) latent.shift()});
            z = graph.node("Add", List.of(z, shift), Map.of());
        }
        String x = z;
        String oneHot = null;
        long expectedIn = latentDim + (long) numClasses;
        if (numClasses > 0) {
            graph.input(LABEL, OnnxGraph.INT64);
            float[] identity = new float[numClasses * numClasses];
            for (int k = 0; k < numClasses; k++) {
                identity[k * numClasses + k] = 1f;
            }
            String eye =
                    graph.floats("one_hot_table", new long[] {numClasses, numClasses}, identity);
            oneHot = graph.node("Gather", List.of(eye, LABEL), Map.of("axis", 0L));
            x = graph.node("Concat", List.of(z, oneHot), Map.of("axis", 1L));
        }
        long[] shape = {expectedIn}; // per example, without N
        int layers = generator.getnLayers();
        for (int i = 0; i < layers; i++) {
            InputPreProcessor preprocessor =
                    generator.getLayerWiseConfigurations().getInputPreProcess(i);
            if (preprocessor instanceof FeedForwardToCnnPreProcessor reshape) {
                long[] to = {
                    reshape.getNumChannels(), reshape.getInputHeight(), reshape.getInputWidth()
                };
                require(
                        shape.length == 1 && shape[0] == to[0] * to[1] * to[2],
                        i,
                        "reshape "
                                + java.util.Arrays.toString(shape)
                                + " to "
                                + java.util.Arrays.toString(to));
                x =
                        graph.node(
                                "Reshape",
                                List.of(x, graph.int64s("shape", -1, to[0], to[1], to[2])),
                                Map.of());
                shape = to;
            } else if (preprocessor != null) {
                throw unsupported(
                        i, "input preprocessor " + preprocessor.getClass().getSimpleName());
            }
            Layer layer = generator.getLayerWiseConfigurations().getConf(i).getLayer();
            org.deeplearning4j.nn.api.Layer runtime = generator.getLayer(i);
            if (layer instanceof Deconvolution2D || layer instanceof ConvolutionLayer) {
                Step step = convolution(graph, x, shape, (ConvolutionLayer) layer, runtime, i);
                x = activation(graph, step.output, ((BaseLayer) layer).getActivationFn(), i);
                shape = step.shape;
            } else if (layer instanceof DenseLayer dense) {
                require(shape.length == 1 && shape[0] == dense.getNIn(), i, "dense input width");
                String w = weights(graph, "dense_w", runtime.getParam("W"));
                String b = weights(graph, "dense_b", runtime.getParam("b").reshape(-1));
                x = graph.node("Gemm", List.of(x, w, b), Map.of());
                x = activation(graph, x, dense.getActivationFn(), i);
                shape = new long[] {dense.getNOut()};
            } else if (layer instanceof ConditionalBatchNormalization conditional) {
                x = conditionalBatchNorm(graph, x, shape, oneHot, conditional, runtime, i);
            } else if (layer instanceof BatchNormalization bn) {
                x = batchNorm(graph, x, shape, bn, runtime, i);
            } else if (layer instanceof ActivationLayer activationLayer) {
                x = activation(graph, x, activationLayer.getActivationFn(), i);
            } else {
                throw unsupported(i, layer.getClass().getSimpleName());
            }
        }
        require(
                shape.length == 3 && (shape[0] == 1 || shape[0] == 3),
                layers - 1,
                "the output must be images [N, 1 or 3, H, W], got "
                        + java.util.Arrays.toString(shape));
        Signature signature =
                new Signature(latentDim, numClasses, shape[1], shape[2], shape[0], latent);
        toUint8(graph, x, shape[0]);
        graph.output(IMAGE, OnnxGraph.UINT8, 3, shape[1], shape[2]);
        graph.metadata("ganforge.latent_dim", Integer.toString(latentDim));
        graph.metadata("ganforge.num_classes", Integer.toString(numClasses));
        graph.metadata("ganforge.z_type", latent.type());
        graph.metadata("ganforge.z_shift", Double.toString(latent.shift()));
        graph.metadata("ganforge.z_scale", Double.toString(latent.scale()));
        return new Exported(
                graph.toModel(
                        producerVersion,
                        "ganforge generator: z float32 [N, "
                                + latentDim
                                + "]"
                                + (numClasses > 0
                                        ? ", label int64 [N] in [0, " + numClasses + ")"
                                        : "")
                                + " -> image uint8 [N, 3, "
                                + shape[1]
                                + ", "
                                + shape[2]
                                + "]"),
                signature);
    }

    private record Step(String output, long[] shape) {}

    private static Step convolution(
            OnnxGraph graph,
            String x,
            long[] shape,
            ConvolutionLayer config,
            org.deeplearning4j.nn.api.Layer runtime,
            int index) {
        boolean transposed = config instanceof Deconvolution2D;
        require(
                shape.length == 3 && shape[0] == config.getNIn(),
                index,
                "convolution input channels");
        require(
                config.getDilation()[0] == 1 && config.getDilation()[1] == 1 && config.hasBias(),
                index,
                "a convolution without dilation and with a bias");
        int[] k = config.getKernelSize();
        int[] s = config.getStride();
        ConvolutionGeometry geometry;
        try {
            geometry = ConvolutionGeometry.of(config, shape[1], shape[2]);
        } catch (IllegalArgumentException e) {
            throw unsupported(index, e.getMessage());
        }
        long[] outSize = geometry.outSize();
        long[] padBegin = geometry.padBegin();
        long[] padEnd = geometry.padEnd();
        // DL4J: convolution W is [out, in, kH, kW], deconvolution W [in, out, kH, kW]; ONNX's Conv
        // and ConvTranspose take exactly these layouts.
        String w = weights(graph, transposed ? "deconv_w" : "conv_w", runtime.getParam("W"));
        String b =
                weights(
                        graph,
                        transposed ? "deconv_b" : "conv_b",
                        runtime.getParam("b").reshape(-1));
        String y =
                graph.node(
                        transposed ? "ConvTranspose" : "Conv",
                        List.of(x, w, b),
                        Map.of(
                                "kernel_shape", new long[] {k[0], k[1]},
                                "strides", new long[] {s[0], s[1]},
                                "pads",
                                        new long[] {
                                            padBegin[0], padBegin[1], padEnd[0], padEnd[1]
                                        }));
        return new Step(y, new long[] {config.getNOut(), outSize[0], outSize[1]});
    }

    private static String batchNorm(
            OnnxGraph graph,
            String x,
            long[] shape,
            BatchNormalization config,
            org.deeplearning4j.nn.api.Layer runtime,
            int index) {
        require(shape.length == 3 && shape[0] == config.getNOut(), index, "BatchNorm channels");
        require(!config.isLockGammaBeta(), index, "BatchNorm with trained gamma and beta");
        return normalize(
                graph,
                x,
                config,
                runtime,
                runtime.getParam(BatchNormalizationParamInitializer.GAMMA).reshape(-1),
                runtime.getParam(BatchNormalizationParamInitializer.BETA).reshape(-1));
    }

    /**
     * Conditional BatchNorm: ONNX BatchNormalization with scale 1 and shift 0 on the running
     * statistics, then {@code · (one-hot · γ)} and {@code + (one-hot · β)}, the K×C tables turned
     * into per-example {@code [N, C, 1, 1]} factors by MatMul and Reshape.
     */
    private static String conditionalBatchNorm(
            OnnxGraph graph,
            String x,
            long[] shape,
            String oneHot,
            ConditionalBatchNormalization config,
            org.deeplearning4j.nn.api.Layer runtime,
            int index) {
        require(shape.length == 3 && shape[0] == config.getNOut(), index, "BatchNorm channels");
        require(
                oneHot != null,
                index,
                "conditional BatchNorm in a conditional generator (numClasses > 0)");
        long channels = config.getNOut();
        String normalized =
                normalize(
                        graph,
                        x,
                        config,
                        runtime,
                        Nd4j.ones(DataType.FLOAT, channels),
                        Nd4j.zeros(DataType.FLOAT, channels));
        String perExample = graph.int64s("shape", -1, channels, 1, 1);
        String gamma =
                weights(
                        graph,
                        "cbn_gamma",
                        runtime.getParam(ConditionalBatchNormalization.GAMMA_TABLE));
        String beta =
                weights(
                        graph,
                        "cbn_beta",
                        runtime.getParam(ConditionalBatchNormalization.BETA_TABLE));
        String scale =
                graph.node(
                        "Reshape",
                        List.of(graph.node("MatMul", List.of(oneHot, gamma), Map.of()), perExample),
                        Map.of());
        String shift =
                graph.node(
                        "Reshape",
                        List.of(graph.node("MatMul", List.of(oneHot, beta), Map.of()), perExample),
                        Map.of());
        String scaled = graph.node("Mul", List.of(normalized, scale), Map.of());
        return graph.node("Add", List.of(scaled, shift), Map.of());
    }

    /** ONNX BatchNormalization of {@code x} on the layer's running statistics. */
    private static String normalize(
            OnnxGraph graph,
            String x,
            BatchNormalization config,
            org.deeplearning4j.nn.api.Layer runtime,
            INDArray gamma,
            INDArray beta) {
        INDArray mean =
                runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1);
        INDArray variance;
        if (config.isUseLogStd()) {
            // DL4J keeps log10 of the running standard deviation: var = (10^log10std)^2
            double[] log10Std =
                    runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                            .reshape(-1)
                            .toDoubleVector();
            double[] var = new double[log10Std.length];
            for (int c = 0; c < var.length; c++) {
                var[c] = Math.pow(10.0, 2.0 * log10Std[c]);
            }
            variance = Nd4j.createFromArray(var);
        } else {
            variance = runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(-1);
        }
        List<String> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.add(weights(graph, "bn_gamma", gamma));
        inputs.add(weights(graph, "bn_beta", beta));
        inputs.add(weights(graph, "bn_mean", mean));
        inputs.add(weights(graph, "bn_var", variance));
        // DL4J 1.0.0-M2.1's BatchNormalization layer applies no activation function (its
        // configuration inherits the network's default, which the layer ignores)
        return graph.node("BatchNormalization", inputs, Map.of("epsilon", (float) config.getEps()));
    }

    private static String activation(OnnxGraph graph, String x, IActivation fn, int index) {
        if (fn == null || fn instanceof ActivationIdentity) {
            return x;
        }
        if (fn instanceof ActivationReLU relu) {
            return graph.node("Relu", List.of(x), Map.of());
        }
        if (fn instanceof ActivationLReLU leaky) {
            return graph.node("LeakyRelu", List.of(x), Map.of("alpha", (float) leaky.getAlpha()));
        }
        if (fn instanceof ActivationTanH) {
            return graph.node("Tanh", List.of(x), Map.of());
        }
        if (fn instanceof ActivationSigmoid) {
            return graph.node("Sigmoid", List.of(x), Map.of());
        }
        throw unsupported(index, "activation " + fn);
    }

    /** x ∈ [-1, 1], C channels → uint8 [N, 3, H, W] named {@link #IMAGE}. */
    private static void toUint8(OnnxGraph graph, String x, long channels) {
        String half = graph.floats("half_range", new long[0], new float[] {127.5f});
        String scaled =
                graph.node(
                        "Mul",
                        List.of(
                                graph.node(
                                        "Add",
                                        List.of(
                                                x,
                                                graph.floats("one", new long[0], new float[] {1f})),
                                        Map.of()),
                                half),
                        Map.of());
        String clipped =
                graph.node(
                        "Clip",
                        List.of(
                                graph.node("Round", List.of(scaled), Map.of()),
                                graph.floats("zero", new long[0], new float[] {0f}),
                                graph.floats("full", new long[0], new float[] {255f})),
                        Map.of());
        String rgb =
                channels == 3
                        ? clipped
                        : graph.node(
                                "Concat", List.of(clipped, clipped, clipped), Map.of("axis", 1L));
        graph.node("Cast", List.of(rgb), Map.of("to", (long) OnnxGraph.UINT8), IMAGE);
    }

    private static String weights(OnnxGraph graph, String prefix, INDArray values) {
        INDArray c = Nd4j.toFlattened('c', values.castTo(DataType.FLOAT));
        return graph.floats(prefix, values.shape(), c.toFloatVector());
    }

    private static void require(boolean condition, int index, String what) {
        if (!condition) {
            throw new IllegalArgumentException(
                    "cannot export the generator's layer " + index + ": expected " + what);
        }
    }

    private static IllegalArgumentException unsupported(int index, String what) {
        return new IllegalArgumentException(
                "cannot export the generator to ONNX: layer "
                        + index
                        + " is a "
                        + what
                        + ", which the exporter does not translate (it supports dense,"
                        + " convolution, transposed convolution, BatchNormalization and activation"
                        + " layers with identity, ReLU, LeakyReLU, tanh or sigmoid)");
    }
}
