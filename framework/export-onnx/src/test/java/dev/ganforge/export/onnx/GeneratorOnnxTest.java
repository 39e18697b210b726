package dev.ganforge.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.ganforge.core.train.Generation;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.GeneratorNorm;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.StandardLatent;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The exported ONNX file, run by ONNX Runtime (as torch-fidelity and model servers run it), gives
 * the images ganforge's own {@code generate} gives: uint8 within one grey level of round((x + 1) ·
 * 127.5) of the DL4J generator's output, for a conditional one-channel generator (odd kernel) and
 * an unconditional three-channel one (even kernel, so Same mode pads unevenly), with BatchNorm
 * running statistics far from their initial values so that the inference-mode arithmetic is
 * checked.
 */
class GeneratorOnnxTest {

    private static final int N = 12;

    /** The shipped experiments' sampler, U[-1, 1). */
    private static final StandardLatent UNIFORM =
            new StandardLatent(StandardLatent.UNIFORM_0_1, -1.0, 2.0);

    /** N(0.1, 0.8²), so the map is not the identity. */
    private static final StandardLatent NORMAL =
            new StandardLatent(StandardLatent.NORMAL, 0.1, 0.8);

    @Test
    void conditionalGrayGeneratorMatchesGenerate() throws Exception {
        int k = 3;
        MultiLayerNetwork generator =
                DcganNetworks.generator(
                        new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02),
                        new ImageShape(1, 16, 16),
                        k,
                        new Adam(1e-3),
                        11,
                        DataType.FLOAT);
        perturbBatchNorm(generator, 5);
        GeneratorOnnx.Exported exported = GeneratorOnnx.export(generator, 8, UNIFORM, k, "test");

        assertThat(exported.signature())
                .isEqualTo(new GeneratorOnnx.Signature(8, k, 16, 16, 1, UNIFORM));
        // what torch-fidelity draws for uniform_0_1, and what the sampler gives from it
        INDArray u = Nd4j.rand(DataType.FLOAT, N, 8);
        INDArray z = u.mul(UNIFORM.scale()).addi(UNIFORM.shift());
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % k;
        }
        byte[] onnx = runOnnx(exported.model(), u, labels);
        INDArray expected = Generation.generate(generator, z, labels, k, true);

        assertMatches(onnx, expected, 1);
    }

    @Test
    void conditionalBatchNormGeneratorMatchesGenerate() throws Exception {
        int k = 3;
        MultiLayerNetwork generator =
                DcganNetworks.generator(
                        new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02)
                                .withGeneratorNorm(GeneratorNorm.CONDITIONAL),
                        new ImageShape(1, 16, 16),
                        k,
                        new Adam(1e-3),
                        11,
                        DataType.FLOAT);
        Nd4j.getRandom().setSeed(9);
        for (org.deeplearning4j.nn.api.Layer layer : generator.getLayers()) {
            Map<String, INDArray> params = layer.paramTable();
            if (params.containsKey(ConditionalBatchNormalization.GAMMA_TABLE)) {
                INDArray gamma = params.get(ConditionalBatchNormalization.GAMMA_TABLE);
                gamma.assign(Nd4j.rand(DataType.FLOAT, gamma.shape()).addi(0.5));
                INDArray beta = params.get(ConditionalBatchNormalization.BETA_TABLE);
                beta.assign(Nd4j.randn(DataType.FLOAT, beta.shape()).muli(0.3));
                INDArray logStd = params.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                logStd.assign(Nd4j.rand(DataType.FLOAT, logStd.shape()).subi(1.5));
            }
        }
        GeneratorOnnx.Exported exported = GeneratorOnnx.export(generator, 8, UNIFORM, k, "test");

        INDArray u = Nd4j.rand(DataType.FLOAT, N, 8);
        INDArray z = u.mul(UNIFORM.scale()).addi(UNIFORM.shift());
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % k;
        }
        byte[] onnx = runOnnx(exported.model(), u, labels);
        INDArray expected = Generation.generate(generator, z, labels, k, true);

        assertMatches(onnx, expected, 1);
    }

    @Test
    void unconditionalColourGeneratorWithEvenKernelMatchesGenerate() throws Exception {
        MultiLayerNetwork generator =
                DcganNetworks.generator(
                        new DcganSpec(6, List.of(4, 8, 8), 4, 0.2, 0.9, 0.05),
                        new ImageShape(3, 24, 16),
                        0,
                        new Adam(1e-3),
                        12,
                        DataType.FLOAT);
        perturbBatchNorm(generator, 6);
        GeneratorOnnx.Exported exported = GeneratorOnnx.export(generator, 6, NORMAL, 0, "test");

        assertThat(exported.signature().conditional()).isFalse();
        INDArray u = Nd4j.randn(DataType.FLOAT, N, 6);
        INDArray z = u.mul(NORMAL.scale()).addi(NORMAL.shift());
        byte[] onnx = runOnnx(exported.model(), u, null);
        INDArray expected = Generation.generate(generator, z, new int[N], 0, false);

        assertMatches(onnx, expected, 3);
    }

    @Test
    void refusesALayerItCannotTranslateAndNamesIt() {
        MultiLayerNetwork network =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .list()
                                .layer(new DenseLayer.Builder().nIn(4).nOut(6).build())
                                .layer(
                                        new ElementWiseMultiplicationLayer.Builder()
                                                .nIn(6)
                                                .nOut(6)
                                                .build())
                                .setInputType(InputType.feedForward(4))
                                .build());
        network.init();

        assertThatThrownBy(() -> GeneratorOnnx.export(network, 4, NORMAL, 0, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("ElementWiseMultiplicationLayer");
    }

    @Test
    void refusesAWrongLatentSizeBeforeWritingAnything() {
        MultiLayerNetwork generator =
                DcganNetworks.generator(
                        new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02),
                        new ImageShape(1, 16, 16),
                        3,
                        new Adam(1e-3),
                        11,
                        DataType.FLOAT);

        assertThatThrownBy(() -> GeneratorOnnx.export(generator, 8, UNIFORM, 0, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 0")
                .hasMessageContaining("dense input width");
    }

    /** Running statistics and affine parameters away from 0/1, as after training. */
    private static void perturbBatchNorm(MultiLayerNetwork generator, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (org.deeplearning4j.nn.api.Layer layer : generator.getLayers()) {
            Map<String, INDArray> params = layer.paramTable();
            if (!params.containsKey(BatchNormalizationParamInitializer.GAMMA)) {
                continue;
            }
            long c = params.get(BatchNormalizationParamInitializer.GAMMA).length();
            params.get(BatchNormalizationParamInitializer.GAMMA)
                    .assign(Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5));
            params.get(BatchNormalizationParamInitializer.BETA)
                    .assign(Nd4j.randn(DataType.FLOAT, 1, c).muli(0.3));
            params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                    .assign(Nd4j.randn(DataType.FLOAT, 1, c).muli(0.05));
            String var =
                    params.containsKey(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                            ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                            : BatchNormalizationParamInitializer.GLOBAL_VAR;
            // log10 std in [-1.5, -0.5]: the std a 0.02-initialised layer's outputs really have
            params.get(var).assign(Nd4j.rand(DataType.FLOAT, 1, c).subi(1.5));
        }
    }

    private static byte[] runOnnx(byte[] model, INDArray z, int[] labels) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(GeneratorOnnx.Z, OnnxTensor.createTensor(env, z.toFloatMatrix()));
            if (labels != null) {
                long[] asLong = new long[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    asLong[i] = labels[i];
                }
                inputs.put(GeneratorOnnx.LABEL, OnnxTensor.createTensor(env, asLong));
            }
            assertThat(session.getInputNames())
                    .containsExactlyInAnyOrderElementsOf(inputs.keySet());
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor image = (OnnxTensor) result.get(GeneratorOnnx.IMAGE).orElseThrow();
                long[] shape = image.getInfo().getShape();
                assertThat(shape).containsExactly(z.size(0), 3, shape[2], shape[3]);
                ByteBuffer buffer = image.getByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                inputs.values().forEach(OnnxTensor::close);
                return bytes;
            }
        }
    }

    /**
     * @param onnx uint8 [N, 3, H, W]
     * @param expected the DL4J output [N, C, H, W] in [-1, 1]
     * @param channels C
     */
    private static void assertMatches(byte[] onnx, INDArray expected, int channels) {
        long n = expected.size(0);
        long h = expected.size(2);
        long w = expected.size(3);
        assertThat(onnx).hasSize((int) (n * 3 * h * w));
        int worst = 0;
        long exact = 0;
        double[] reference = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < n; i++) {
            for (int rgb = 0; rgb < 3; rgb++) {
                int c = channels == 1 ? 0 : rgb;
                for (int p = 0; p < h * w; p++) {
                    int got = onnx[(int) (((long) i * 3 + rgb) * h * w + p)] & 0xff;
                    double x = reference[(int) (((long) i * channels + c) * h * w + p)];
                    int want = (int) Math.max(0, Math.min(255, Math.rint((x + 1) * 127.5)));
                    worst = Math.max(worst, Math.abs(got - want));
                    exact += got == want ? 1 : 0;
                }
            }
        }
        assertThat(worst).as("largest difference in grey levels").isLessThanOrEqualTo(1);
        // a wrong layout or BatchNorm formula moves most pixels, not only those at a rounding edge
        assertThat(exact).as("pixels equal").isGreaterThan(onnx.length * 95L / 100);
        // and the images are not flat (a broken graph can give all 0 or all 255)
        assertThat(expected.stdNumber().doubleValue()).isGreaterThan(0.05);
    }
}
