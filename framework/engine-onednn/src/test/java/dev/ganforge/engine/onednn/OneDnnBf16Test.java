package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.train.StepRecipe;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The bfloat16 path of the weighted ops (convolution, transposed convolution, dense) against the
 * float32 path, which {@code OneDnnNetworkSupportTest} and {@code
 * OneDnnTrainingStepEquivalenceTest} check against float64. Bounds come from the two formats' unit
 * roundoffs, u_bf16 = 2^-8 and u_f32 = 2^-24, and the reduction length n of each result (Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1): a sum of n products of operands
 * each rounded once to bfloat16, accumulated in float32, is off by at most (2u_bf16 + u_bf16² +
 * 2γ_n)·Σ|a||b| ≤ (…)·n·max|a|·max|b|, with γ_n ≤ n·u_f32/(1 − n·u_f32); the float32 result it is
 * compared with adds its own γ_n.
 *
 * <ul>
 *   <li>With operands already representable in bfloat16 (inputs, weights and output gradients
 *       rounded beforehand) the rounding is exact, so both paths multiply the same numbers and may
 *       differ only by float32 accumulation: any layout or conversion mistake shows up as an error
 *       far above that bound.
 *   <li>With ordinary float32 operands the difference stays within the bfloat16 bound, and is above
 *       u_bf16/16 of the largest output, thousands of times what float32 rounding gives (bfloat16
 *       really computes).
 * </ul>
 *
 * <p>On a CPU without native bfloat16 (or under an ISA cap, as the engine's pom runs this class
 * again) bf16 is refused with the instruction set named and auto resolves to float32.
 */
class OneDnnBf16Test {

    private static final double U_BF16 = Math.scalb(1.0, -8);
    private static final double U_F32 = Math.scalb(1.0, -24);
    private static final int BATCH = 4;

    @Test
    void precisionFollowsTheCpusBfloat16Instructions() {
        assertThat(OneDnnTrainingStep.computeType(Precision.FP32)).isEqualTo(ComputeType.FLOAT32);
        if (OneDnnIsa.nativeBf16()) {
            assertThat(OneDnnTrainingStep.computeType(Precision.AUTO))
                    .isEqualTo(ComputeType.BFLOAT16);
            assertThat(OneDnnTrainingStep.computeType(Precision.BF16))
                    .isEqualTo(ComputeType.BFLOAT16);
            assertThat(OneDnnTrainingStep.precisionText(Precision.AUTO, ComputeType.BFLOAT16))
                    .isEqualTo("bf16 (" + OneDnnIsa.effectiveName() + ")");
        } else {
            assertThat(
                            OneDnnTrainingStep.precisionText(
                                    Precision.AUTO, OneDnnTrainingStep.computeType(Precision.AUTO)))
                    .as("auto says that it trains in fp32, and why")
                    .isEqualTo("fp32 (auto: no native bf16 on " + OneDnnIsa.effectiveName() + ")");
            assertThat(OneDnnTrainingStep.computeType(Precision.AUTO))
                    .isEqualTo(ComputeType.FLOAT32);
            assertThatThrownBy(() -> OneDnnTrainingStep.computeType(Precision.BF16))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("native bfloat16")
                    .hasMessageContaining(OneDnnIsa.effectiveName());
        }
    }

    @Test
    void convolution() {
        check(
                new ConvolutionLayer.Builder(5, 5)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(16)
                        .activation(Activation.IDENTITY)
                        .build(),
                InputType.convolutional(8, 8, 11),
                new long[] {BATCH, 11, 8, 8},
                11L * 5 * 5,
                16L * 5 * 5,
                BATCH * 4L * 4);
    }

    @Test
    void transposedConvolution() {
        check(
                new Deconvolution2D.Builder(5, 5)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(8)
                        .activation(Activation.IDENTITY)
                        .build(),
                InputType.convolutional(4, 4, 16),
                new long[] {BATCH, 16, 4, 4},
                16L * 5 * 5,
                8L * 5 * 5,
                BATCH * 8L * 8);
    }

    @Test
    void dense() {
        check(
                new DenseLayer.Builder().nOut(32).activation(Activation.IDENTITY).build(),
                InputType.feedForward(200),
                new long[] {BATCH, 200},
                200,
                32,
                BATCH);
    }

    /**
     * @param forwardN reduction length of an output element
     * @param dataN reduction length of an input-gradient element
     * @param weightsN reduction length of a weight- or bias-gradient element
     */
    /**
     * {@code auto} on a CPU with native bfloat16 times a step's passes in both precisions and keeps
     * bf16 only when it is at least {@link OneDnnTrainingStep#AUTO_MIN_SPEEDUP} times as fast,
     * saying what it measured; the probe must leave the networks' parameters exactly as they were.
     * Without native bfloat16 it trains in fp32 and says why.
     */
    @Test
    void autoKeepsThePrecisionItMeasuredFasterAndTrainsNothingWhileMeasuring() {
        ImageShape shape = new ImageShape(1, 16, 16);
        DcganSpec spec = new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        MultiLayerNetwork generator =
                DcganNetworks.generator(spec, shape, 4, new Sgd(1.0), 3, DataType.FLOAT);
        MultiLayerNetwork discriminator =
                DcganNetworks.discriminator(spec, shape, 4, new Sgd(1.0), 4, DataType.FLOAT);
        INDArray generatorBefore = generator.params().dup();
        INDArray discriminatorBefore = discriminator.params().dup();
        StepSetup setup =
                new StepSetup(
                        generator,
                        discriminator,
                        shape,
                        8,
                        4,
                        true,
                        BATCH,
                        StepRecipe.DCGAN.withPrecision(Precision.AUTO));
        try (OneDnnTrainingStep step = new OneDnnTrainingStep(setup)) {
            String isa = OneDnnIsa.effectiveName();
            if (!OneDnnIsa.nativeBf16()) {
                assertThat(step.precision())
                        .isEqualTo("fp32 (auto: no native bf16 on " + isa + ")");
                return;
            }
            Matcher m =
                    Pattern.compile(
                                    "bf16 \\("
                                            + isa
                                            + ", auto: bf16 (\\d+\\.\\d\\d)x\\)|fp32 \\(auto:"
                                            + " bf16 (\\d+\\.\\d\\d)x on "
                                            + isa
                                            + "\\)")
                            .matcher(step.precision());
            assertThat(m.matches()).as(step.precision()).isTrue();
            if (m.group(1) != null) {
                assertThat(Double.parseDouble(m.group(1)))
                        .isGreaterThanOrEqualTo(OneDnnTrainingStep.AUTO_MIN_SPEEDUP - 0.005);
            } else {
                assertThat(Double.parseDouble(m.group(2)))
                        .isLessThan(OneDnnTrainingStep.AUTO_MIN_SPEEDUP + 0.005);
            }
        }
        assertThat(generator.params()).isEqualTo(generatorBefore);
        assertThat(discriminator.params()).isEqualTo(discriminatorBefore);
    }

    private static void check(
            Layer layer,
            InputType inputType,
            long[] shape,
            long forwardN,
            long dataN,
            long weightsN) {
        Assumptions.assumeTrue(
                OneDnnIsa.nativeBf16(), "no native bfloat16 on " + OneDnnIsa.effectiveName());
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(5)
                                .dataType(DataType.FLOAT)
                                .weightInit(WeightInit.XAVIER)
                                .list()
                                .layer(layer)
                                .setInputType(inputType)
                                .build());
        network.init();
        Nd4j.getRandom().setSeed(11);
        network.params()
                .addi(
                        Nd4j.rand(DataType.FLOAT, network.params().shape())
                                .subi(0.5)
                                .muli(0.1)); // nonzero biases
        INDArray input = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);

        // 1. operands exactly representable in bfloat16: only accumulation may differ
        INDArray exactInput = toBf16(input);
        network.params().assign(toBf16(network.params()));
        Passes f32 = passes(network, exactInput, ComputeType.FLOAT32, null);
        INDArray exactGradient = toBf16(Nd4j.rand(DataType.FLOAT, f32.output.shape()).subi(0.5));
        f32 = passes(network, exactInput, ComputeType.FLOAT32, exactGradient);
        Passes bf16 = passes(network, exactInput, ComputeType.BFLOAT16, exactGradient);
        Scales scales = new Scales(network, exactInput, exactGradient);
        double noRounding = 0; // bfloat16 holds these operands exactly
        assertWithin(
                "output (exact operands)",
                bf16.output,
                f32.output,
                forwardN,
                scales.forward(),
                noRounding);
        assertWithin(
                "input gradient (exact operands)",
                bf16.inputGradient,
                f32.inputGradient,
                dataN,
                scales.data(),
                noRounding);
        assertWithin(
                "parameter gradients (exact operands)",
                bf16.parameterGradient,
                f32.parameterGradient,
                weightsN,
                scales.weights(),
                noRounding);

        // 2. ordinary float32 operands: bfloat16 rounding, and more than float32 could explain
        INDArray gradient = Nd4j.rand(DataType.FLOAT, f32.output.shape()).subi(0.5);
        network.params()
                .addi(Nd4j.rand(DataType.FLOAT, network.params().shape()).subi(0.5).muli(1e-3));
        f32 = passes(network, input, ComputeType.FLOAT32, gradient);
        bf16 = passes(network, input, ComputeType.BFLOAT16, gradient);
        scales = new Scales(network, input, gradient);
        double rounding = 2 * U_BF16 + U_BF16 * U_BF16;
        double outputError =
                assertWithin(
                        "output", bf16.output, f32.output, forwardN, scales.forward(), rounding);
        assertWithin(
                "input gradient",
                bf16.inputGradient,
                f32.inputGradient,
                dataN,
                scales.data(),
                rounding);
        assertWithin(
                "parameter gradients",
                bf16.parameterGradient,
                f32.parameterGradient,
                weightsN,
                scales.weights(),
                rounding);
        // float32 would be off by ~u_f32 of the largest output; bfloat16's operand rounding by
        // ~u_bf16 = 2^16 u_f32
        assertThat(outputError)
                .as("bfloat16 really computes: its error is far above float32's")
                .isGreaterThan(U_BF16 / 16 * maxAbs(f32.output));
    }

    /**
     * One forward and (if {@code outputGradient} is given) backward pass; copies of the results.
     */
    private record Passes(INDArray output, INDArray inputGradient, INDArray parameterGradient) {}

    private static Passes passes(
            MultiLayerNetwork network,
            INDArray input,
            ComputeType compute,
            INDArray outputGradient) {
        try (OneDnnNetwork compiled =
                new OneDnnNetwork(network, input.shape(), input.size(1), compute)) {
            INDArray output = compiled.forward(input).dup();
            if (outputGradient == null) {
                return new Passes(output, null, null);
            }
            compiled.outputGradient().assign(outputGradient);
            compiled.backward(true, true);
            return new Passes(
                    output, compiled.inputGradient().dup(), network.getGradientsViewArray().dup());
        }
    }

    /** max|a|·max|b| of each result's operand pair (a bias gradient's second operand is 1). */
    private record Scales(double forward, double data, double weights) {
        Scales(MultiLayerNetwork network, INDArray input, INDArray outputGradient) {
            this(
                    maxAbs(input) * maxAbs(network.getLayer(0).getParam("W")),
                    maxAbs(outputGradient) * maxAbs(network.getLayer(0).getParam("W")),
                    Math.max(maxAbs(input), 1) * maxAbs(outputGradient));
        }
    }

    /**
     * Asserts |actual − reference| ≤ (rounding + 2γ_n)·n·scale elementwise.
     *
     * @return the largest error
     */
    private static double assertWithin(
            String what,
            INDArray actual,
            INDArray reference,
            long n,
            double scale,
            double rounding) {
        double bound = (rounding + 2 * gamma(n)) * n * scale;
        double error =
                actual.castTo(DataType.DOUBLE)
                        .subi(reference.castTo(DataType.DOUBLE))
                        .amaxNumber()
                        .doubleValue();
        assertThat(error).as("%s: max error vs bound %.3g", what, bound).isLessThanOrEqualTo(bound);
        assertThat(reference.amaxNumber().doubleValue()).as(what + " is not all zero").isPositive();
        return error;
    }

    private static double gamma(long n) {
        return n * U_F32 / (1 - n * U_F32);
    }

    private static double maxAbs(INDArray array) {
        return array.amaxNumber().doubleValue();
    }

    /**
     * @return a copy rounded to the nearest bfloat16 (ties to even), as float32 values; exact for
     *     the finite values of this test (in [-1, 1], no overflow to infinity)
     */
    static INDArray toBf16(INDArray values) {
        float[] data = values.dup().data().asFloat();
        for (int i = 0; i < data.length; i++) {
            int bits = Float.floatToRawIntBits(data[i]);
            bits += 0x7FFF + ((bits >>> 16) & 1);
            data[i] = Float.intBitsToFloat(bits & 0xFFFF0000);
        }
        return Nd4j.create(data, values.shape(), values.ordering());
    }
}
