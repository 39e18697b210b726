package dev.ganforge.plugin.gan;

import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import dev.ganforge.spi.layer.ConditioningDenseLayer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Builds the DCGAN generator and discriminator (Radford et al. 2015,
 * https://arxiv.org/abs/1511.06434) as DL4J {@link MultiLayerNetwork}s, with optional label
 * conditioning by concatenation (Mirza &amp; Osindero 2014, https://arxiv.org/abs/1411.1784). Layer
 * for layer the same network as {@code shared/bench/torch_cgan_reference.py}:
 *
 * <ul>
 *   <li>Generator: {@code [z | one-hot]} {@code [B, latent + K]} → Dense → reshape {@code [B, ln,
 *       H/2^n, W/2^n]} → BatchNorm → ReLU → for each width in reversed(L) after the first:
 *       Deconv(k, stride 2, same) → BatchNorm → ReLU → Deconv(k, stride 2, same) to C channels →
 *       tanh: {@code [B, C, H, W]} in [-1, 1].
 *   <li>Discriminator: {@code [B, C + K, H, W]} → for each width in L: Conv(k, stride 2, same) →
 *       BatchNorm (only with {@code discriminator_norm: batch}) → LeakyReLU(α), then (at every
 *       width, or with {@code discriminator_extra_convs_at: lowest} only at the last) {@code
 *       discriminator_extra_convs} times Conv(3, stride 1, same) at that width → BatchNorm (batch
 *       only) → LeakyReLU(α) (SN-GAN's stride-1 convolutions, Miyato et al. 2018,
 *       https://arxiv.org/abs/1802.05957) → flatten → Dense → one logit {@code [B, 1]} (or {@code 1
 *       + K} for a projection discriminator), loss {@link BinaryCrossEntropyWithLogits}.
 * </ul>
 *
 * Weights are drawn from N(0, σ) as in the DCGAN paper. With {@code generator_norm: conditional}
 * (conditional generators only) every generator BatchNorm is a {@link
 * ConditionalBatchNormalization} (a scale and shift per class, de Vries et al. 2017,
 * https://arxiv.org/abs/1707.00683) and the first layer a {@link ConditioningDenseLayer}, which
 * hands the one-hot label of the input on to them.
 */
public final class DcganNetworks {

    private static final String CONDITIONAL_NORM_NEEDS_LABELS =
            "model.generator_norm is 'conditional', which scales and shifts each BatchNorm by the"
                    + " class label, but this model has no class labels; use generator_norm:"
                    + " batch, or a conditional model (cgan, cgan-projection)";

    private DcganNetworks() {}

    /**
     * Problems with the spec for this image shape, as sentences naming the key.
     *
     * @param spec the model spec
     * @param shape the image shape
     * @return empty if H and W are divisible by 2^n, else the problem
     */
    public static List<String> check(DcganSpec spec, ImageShape shape) {
        List<String> problems = new ArrayList<>();
        int factor = 1 << spec.layers().size();
        if (shape.height() % factor != 0 || shape.width() % factor != 0) {
            problems.add(
                    "model.layers has "
                            + spec.layers().size()
                            + " widths, so each layer halves the image and "
                            + "height and width must be divisible by 2^"
                            + spec.layers().size()
                            + " = "
                            + factor
                            + "; the dataset gives "
                            + shape.height()
                            + "x"
                            + shape.width());
        }
        return problems;
    }

    /**
     * Problems with the spec for this image shape and kind of model, as sentences naming the key.
     *
     * @param spec the model spec
     * @param shape the image shape
     * @param conditional whether the model takes class labels
     * @return the problems of {@link #check(DcganSpec, ImageShape)}, and {@code generator_norm:
     *     conditional} on an unconditional model
     */
    public static List<String> check(DcganSpec spec, ImageShape shape, boolean conditional) {
        List<String> problems = check(spec, shape);
        if (!conditional && spec.generatorNorm() == GeneratorNorm.CONDITIONAL) {
            problems.add(CONDITIONAL_NORM_NEEDS_LABELS);
        }
        return problems;
    }

    /**
     * Builds and initialises the generator.
     *
     * @param spec widths, kernel, latent size
     * @param shape output image shape (C, H, W); H and W divisible by 2^n
     * @param conditionClasses K for a conditional generator, 0 for an unconditional one
     * @param updater the generator's own updater
     * @param seed weight-initialisation seed
     * @param dataType FLOAT for training, DOUBLE for gradient checks
     * @return the initialised network: input {@code [B, latentDim + K]}, output {@code [B, C, H,
     *     W]}
     * @throws IllegalArgumentException if H or W is not divisible by 2^n, or the spec asks for
     *     conditional BatchNorm without classes (K = 0)
     */
    public static MultiLayerNetwork generator(
            DcganSpec spec,
            ImageShape shape,
            int conditionClasses,
            IUpdater updater,
            long seed,
            DataType dataType) {
        requireFits(spec, shape);
        boolean conditionalNorm = spec.generatorNorm() == GeneratorNorm.CONDITIONAL;
        if (conditionalNorm && conditionClasses < 1) {
            throw new IllegalArgumentException(CONDITIONAL_NORM_NEEDS_LABELS);
        }
        int normClasses = conditionalNorm ? conditionClasses : 0;
        List<Integer> widths = spec.layers();
        int n = widths.size();
        int h0 = shape.height() >> n;
        int w0 = shape.width() >> n;
        int top = widths.get(n - 1);
        ListBuilder list = base(spec, updater, seed, dataType).list();
        int index = 0;
        long inputs = spec.latentDim() + conditionClasses;
        long features = (long) top * h0 * w0;
        FeedForwardLayer first =
                conditionalNorm
                        ? ConditioningDenseLayer.of(inputs, features)
                        : new DenseLayer.Builder()
                                .nIn(inputs)
                                .nOut(features)
                                .activation(Activation.IDENTITY)
                                .build();
        list.layer(index++, first);
        list.inputPreProcessor(index, new FeedForwardToCnnPreProcessor(h0, w0, top));
        list.layer(index++, generatorNorm(spec, top, normClasses));
        list.layer(index++, new ActivationLayer(Activation.RELU));
        for (int i = n - 2; i >= 0; i--) {
            list.layer(
                    index++,
                    new CachingDeconvolution2D(
                            new Deconvolution2D.Builder(spec.kernelSize(), spec.kernelSize())
                                    .stride(2, 2)
                                    .convolutionMode(ConvolutionMode.Same)
                                    .nOut(widths.get(i))
                                    .activation(Activation.IDENTITY)));
            list.layer(index++, generatorNorm(spec, widths.get(i), normClasses));
            list.layer(index++, new ActivationLayer(Activation.RELU));
        }
        list.layer(
                index,
                new Deconvolution2D.Builder(spec.kernelSize(), spec.kernelSize())
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(shape.channels())
                        .activation(Activation.TANH)
                        .build());
        list.setInputType(InputType.feedForward(spec.latentDim() + conditionClasses));
        return init(list);
    }

    /**
     * Builds and initialises the discriminator.
     *
     * @param spec widths, kernel, LeakyReLU slope
     * @param shape input image shape (C, H, W)
     * @param conditionClasses K label maps appended to the channels, 0 for an unconditional model
     * @param updater the discriminator's own updater
     * @param seed weight-initialisation seed
     * @param dataType FLOAT for training, DOUBLE for gradient checks
     * @return the initialised network: input {@code [B, C + K, H, W]}, output logits {@code [B, 1]}
     * @throws IllegalArgumentException if H or W is not divisible by 2^n
     */
    public static MultiLayerNetwork discriminator(
            DcganSpec spec,
            ImageShape shape,
            int conditionClasses,
            IUpdater updater,
            long seed,
            DataType dataType) {
        return discriminator(spec, shape, conditionClasses, 1, updater, seed, dataType);
    }

    /**
     * Builds and initialises a discriminator with {@code outputs} logits, e.g. a projection
     * discriminator's {@code 1 + K} (Miyato &amp; Koyama 2018, https://arxiv.org/abs/1802.05637):
     * column 0 is ψ(φ(x)), column 1 + y the inner product of φ(x) with class y's embedding (the
     * output layer's weight column 1 + y), φ(x) being the flattened last convolution block.
     *
     * @param spec widths, kernel, LeakyReLU slope, normalisation
     * @param shape input image shape (C, H, W)
     * @param labelMaps K label maps appended to the channels, 0 for none
     * @param outputs width of the output layer, at least 1
     * @param updater the discriminator's own updater
     * @param seed weight-initialisation seed
     * @param dataType FLOAT for training, DOUBLE for gradient checks
     * @return the initialised network: input {@code [B, C + labelMaps, H, W]}, output {@code [B,
     *     outputs]}
     * @throws IllegalArgumentException if H or W is not divisible by 2^n
     */
    public static MultiLayerNetwork discriminator(
            DcganSpec spec,
            ImageShape shape,
            int labelMaps,
            int outputs,
            IUpdater updater,
            long seed,
            DataType dataType) {
        int conditionClasses = labelMaps;
        requireFits(spec, shape);
        ListBuilder list = base(spec, updater, seed, dataType).list();
        int index = 0;
        for (int stage = 0; stage < spec.layers().size(); stage++) {
            int width = spec.layers().get(stage);
            index = discriminatorBlock(list, index, spec, spec.kernelSize(), 2, width);
            for (int extra = 0; extra < spec.extraConvsAfterStage(stage); extra++) {
                index = discriminatorBlock(list, index, spec, 3, 1, width);
            }
        }
        list.layer(
                index,
                new OutputLayer.Builder(new BinaryCrossEntropyWithLogits())
                        .nOut(outputs)
                        .activation(Activation.IDENTITY)
                        .build());
        list.setInputType(
                InputType.convolutional(
                        shape.height(), shape.width(), shape.channels() + conditionClasses));
        return init(list);
    }

    /**
     * Appends Conv(kernel, stride, same) to {@code width} channels → BatchNorm (only with {@code
     * discriminator_norm: batch}) → LeakyReLU(α) at layer {@code index}.
     *
     * @return the index of the next layer
     */
    private static int discriminatorBlock(
            ListBuilder list, int index, DcganSpec spec, int kernel, int stride, int width) {
        list.layer(
                index++,
                new ConvolutionLayer.Builder(kernel, kernel)
                        .stride(stride, stride)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(width)
                        .activation(Activation.IDENTITY)
                        .build());
        if (spec.discriminatorNorm() == DiscriminatorNorm.BATCH) {
            list.layer(index++, batchNorm(spec, width));
        }
        list.layer(index++, new ActivationLayer(new ActivationLReLU(spec.leakyReluAlpha())));
        return index;
    }

    private static NeuralNetConfiguration.Builder base(
            DcganSpec spec, IUpdater updater, long seed, DataType dataType) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(new NormalDistribution(0.0, spec.initStddev()));
    }

    private static BatchNormalization batchNorm(DcganSpec spec, int channels) {
        return new BatchNormalization.Builder()
                .nOut(channels)
                .decay(spec.batchNormDecay())
                .eps(1e-5)
                .build();
    }

    /** BatchNorm, or conditional BatchNorm over {@code classes} classes when that is above 0. */
    private static BatchNormalization generatorNorm(DcganSpec spec, int channels, int classes) {
        return classes > 0
                ? new ConditionalBatchNormalization(channels, classes, spec.batchNormDecay(), 1e-5)
                : batchNorm(spec, channels);
    }

    private static MultiLayerNetwork init(ListBuilder list) {
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        return network;
    }

    private static void requireFits(DcganSpec spec, ImageShape shape) {
        List<String> problems = check(spec, shape);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
    }
}
