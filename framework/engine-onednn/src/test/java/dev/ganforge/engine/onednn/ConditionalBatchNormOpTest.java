package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.GeneratorNorm;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import dev.ganforge.spi.layer.ConditioningDenseLayer;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@link ConditionalBatchNormOp} against a float64 reference of conditional BatchNorm written here
 * in plain loops (de Vries et al. 2017, https://arxiv.org/abs/1707.00683): forward output and the
 * γ/β table, input and running-statistics gradients, within the bound {@link Float64Bound} derives
 * from DL4J's float32 result of the same layer; the reference's own gradient against central finite
 * differences in float64; and the option in whole training steps on both engines.
 */
class ConditionalBatchNormOpTest {

    private static final int B = 6;
    private static final int K = 3;
    private static final int LATENT = 5;
    private static final int C = 4;
    private static final int H = 3;
    private static final int W = 3;
    private static final double EPS = 1e-5;
    private static final int[] LABELS = {0, 1, 2, 1, 0, 1};

    /** The GAN of the training tests: 16×16 grey images, K = 4 classes, batches of 8. */
    private static final ImageShape SHAPE = new ImageShape(1, 16, 16);

    private static final int CLASSES = 4;
    private static final int BATCH = 8;

    /** [z | one-hot] → dense → [B, C, H, W] → conditional BatchNorm. */
    private static MultiLayerNetwork network(DataType type) {
        var list =
                new NeuralNetConfiguration.Builder()
                        .seed(5)
                        .dataType(type)
                        .updater(new Sgd(1.0))
                        .weightInit(new NormalDistribution(0, 0.3))
                        .list();
        list.layer(0, ConditioningDenseLayer.of(LATENT + K, (long) C * H * W));
        list.inputPreProcessor(1, new FeedForwardToCnnPreProcessor(H, W, C));
        list.layer(1, new ConditionalBatchNormalization(C, K, 0.9, EPS));
        list.setInputType(InputType.feedForward(LATENT + K));
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        Nd4j.getRandom().setSeed(8);
        Layer norm = network.getLayer(1);
        INDArray gamma = norm.getParam(ConditionalBatchNormalization.GAMMA_TABLE);
        gamma.assign(Nd4j.rand(type, gamma.shape()).addi(0.5));
        INDArray beta = norm.getParam(ConditionalBatchNormalization.BETA_TABLE);
        beta.assign(Nd4j.randn(type, beta.shape()).muli(0.5));
        return network;
    }

    private static INDArray input() {
        Nd4j.getRandom().setSeed(21);
        INDArray z = Nd4j.randn(DataType.FLOAT, B, LATENT);
        INDArray oneHot = Conditioning.oneHot(LABELS, Nd4j.create(DataType.FLOAT, B, K));
        return Conditioning.generatorInput(z, oneHot, Nd4j.create(DataType.FLOAT, B, LATENT + K));
    }

    /** The float64 reference's results for one pass. */
    private record Reference(
            double[] out, double[] gammaGradient, double[] betaGradient, double[] inputGradient) {}

    /**
     * Conditional BatchNorm with batch statistics on x {@code [B, C, H, W]} (flat, row-major) and
     * its backward for the output gradient g, in float64 loops.
     */
    private static Reference reference(double[] x, double[] gamma, double[] beta, double[] g) {
        int hw = H * W;
        int n = B * hw;
        double[] out = new double[x.length];
        double[] dGamma = new double[K * C];
        double[] dBeta = new double[K * C];
        double[] dx = new double[x.length];
        for (int c = 0; c < C; c++) {
            double mean = 0;
            for (int b = 0; b < B; b++) {
                for (int p = 0; p < hw; p++) {
                    mean += x[(b * C + c) * hw + p];
                }
            }
            mean /= n;
            double variance = 0;
            for (int b = 0; b < B; b++) {
                for (int p = 0; p < hw; p++) {
                    double d = x[(b * C + c) * hw + p] - mean;
                    variance += d * d;
                }
            }
            variance /= n;
            double std = Math.sqrt(variance + EPS);
            double sumDxHat = 0;
            double sumDxHatXHat = 0;
            for (int b = 0; b < B; b++) {
                int y = LABELS[b];
                for (int p = 0; p < hw; p++) {
                    int i = (b * C + c) * hw + p;
                    double xHat = (x[i] - mean) / std;
                    out[i] = gamma[y * C + c] * xHat + beta[y * C + c];
                    dGamma[y * C + c] += g[i] * xHat;
                    dBeta[y * C + c] += g[i];
                    double dxHat = g[i] * gamma[y * C + c];
                    sumDxHat += dxHat;
                    sumDxHatXHat += dxHat * xHat;
                }
            }
            for (int b = 0; b < B; b++) {
                int y = LABELS[b];
                for (int p = 0; p < hw; p++) {
                    int i = (b * C + c) * hw + p;
                    double xHat = (x[i] - mean) / std;
                    double dxHat = g[i] * gamma[y * C + c];
                    dx[i] = (dxHat - sumDxHat / n - xHat * sumDxHatXHat / n) / std;
                }
            }
        }
        return new Reference(out, dGamma, dBeta, dx);
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static INDArray array(double[] values, long... shape) {
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    @Test
    void forwardAndBackwardMatchTheFloat64Reference() {
        MultiLayerNetwork network = network(DataType.FLOAT);
        INDArray in = input();
        Nd4j.getRandom().setSeed(4);
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, B, C, H, W);

        // float64 reference: the dense layer in float64, then the loops above
        INDArray weights = network.getLayer(0).getParam("W").castTo(DataType.DOUBLE);
        INDArray bias = network.getLayer(0).getParam("b").castTo(DataType.DOUBLE);
        INDArray dense = in.castTo(DataType.DOUBLE).mmul(weights).addiRowVector(bias);
        Layer norm = network.getLayer(1);
        Reference exact =
                reference(
                        doubles(dense),
                        doubles(norm.getParam(ConditionalBatchNormalization.GAMMA_TABLE)),
                        doubles(norm.getParam(ConditionalBatchNormalization.BETA_TABLE)),
                        doubles(outputGradient));
        INDArray exactInputGradient =
                array(exact.inputGradient(), B, (long) C * H * W).mmul(weights.transpose());

        // DL4J float32: the yardstick of float32 rounding
        network.setInput(in);
        List<INDArray> activations = network.feedForward(true, false);
        INDArray dl4jOut = activations.get(activations.size() - 1).dup();
        var dl4jPass = network.backpropGradient(outputGradient, LayerWorkspaceMgr.noWorkspaces());
        INDArray dl4jGamma =
                dl4jPass.getFirst()
                        .getGradientFor("1_" + ConditionalBatchNormalization.GAMMA_TABLE)
                        .dup();
        INDArray dl4jBeta =
                dl4jPass.getFirst()
                        .getGradientFor("1_" + ConditionalBatchNormalization.BETA_TABLE)
                        .dup();
        INDArray dl4jInputGradient = dl4jPass.getSecond().dup();
        INDArray dl4jStatistics = statisticsGradient(network).dup();

        // oneDNN
        OneDnnNetwork compiled = new OneDnnNetwork(network, new long[] {B, LATENT + K}, LATENT + K);
        try {
            INDArray out = compiled.forward(in).dup();
            compiled.outputGradient().assign(outputGradient);
            // the DL4J pass above wrote its gradients into the same view: wipe them, so that only
            // what the oneDNN op writes can pass the checks below
            network.getGradientsViewArray().assign(Double.NaN);
            compiled.backward(true, true);
            long n = (long) B * H * W;
            Float64Bound.assertWithin("output", out, dl4jOut, array(exact.out(), B, C, H, W), n);
            Float64Bound.assertWithin(
                    "γ table gradient",
                    norm.getGradientsViewArray()
                            .get(NDArrayIndex.interval(0, K * C))
                            .reshape(K, C)
                            .dup(),
                    dl4jGamma,
                    array(exact.gammaGradient(), K, C),
                    n);
            Float64Bound.assertWithin(
                    "β table gradient",
                    norm.getGradientsViewArray()
                            .get(NDArrayIndex.interval(K * C, 2 * K * C))
                            .reshape(K, C)
                            .dup(),
                    dl4jBeta,
                    array(exact.betaGradient(), K, C),
                    n);
            Float64Bound.assertWithin(
                    "input gradient",
                    compiled.inputGradient().dup(),
                    dl4jInputGradient,
                    exactInputGradient,
                    n * (LATENT + K));
            assertThat(statisticsGradient(network).equalsWithEps(dl4jStatistics, 1e-5))
                    .as(
                            "running statistics update as DL4J's: %s vs %s",
                            statisticsGradient(network), dl4jStatistics)
                    .isTrue();
        } finally {
            compiled.close();
        }
    }

    private static INDArray statisticsGradient(MultiLayerNetwork network) {
        INDArray view = network.getLayer(1).getGradientsViewArray();
        return view.get(NDArrayIndex.interval(2 * K * C, 2 * K * C + 2 * C));
    }

    @Test
    void referenceGradientMatchesFiniteDifferencesInFloat64() {
        Nd4j.getRandom().setSeed(31);
        double[] x = doubles(Nd4j.randn(DataType.DOUBLE, B, C, H, W));
        double[] gamma = doubles(Nd4j.rand(DataType.DOUBLE, K, C).addi(0.5));
        double[] beta = doubles(Nd4j.randn(DataType.DOUBLE, K, C));
        double[] g = doubles(Nd4j.randn(DataType.DOUBLE, B, C, H, W));
        Reference analytic = reference(x, gamma, beta, g);
        double h = 1e-6;
        checkAgainstFiniteDifferences(
                "γ table",
                gamma,
                analytic.gammaGradient(),
                h,
                v -> loss(reference(x, v, beta, g), g));
        checkAgainstFiniteDifferences(
                "β table",
                beta,
                analytic.betaGradient(),
                h,
                v -> loss(reference(x, gamma, v, g), g));
        checkAgainstFiniteDifferences(
                "input",
                x,
                analytic.inputGradient(),
                h,
                v -> loss(reference(v, gamma, beta, g), g));
    }

    /** L = Σ g · out, whose gradient with respect to out is g. */
    private static double loss(Reference pass, double[] g) {
        double sum = 0;
        for (int i = 0; i < g.length; i++) {
            sum += g[i] * pass.out()[i];
        }
        return sum;
    }

    /**
     * Central differences have error O(h²·L''') + O(u·|L|/h) with u = 2^-53; with h = 1e-6 both are
     * far below 1e-6 relative to the gradient's norm.
     */
    private static void checkAgainstFiniteDifferences(
            String what,
            double[] at,
            double[] gradient,
            double h,
            Function<double[], Double> loss) {
        double error = 0;
        double norm = 0;
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (loss.apply(plus) - loss.apply(minus)) / (2 * h);
            error += (numeric - gradient[i]) * (numeric - gradient[i]);
            norm += gradient[i] * gradient[i];
        }
        assertThat(Math.sqrt(norm)).as(what + " gradient norm").isGreaterThan(1e-3);
        assertThat(Math.sqrt(error))
                .as(what + " |finite difference - analytic|")
                .isLessThan(1e-6 * Math.sqrt(norm));
    }

    private static MultiLayerNetwork[] ganNetworks() {
        DcganSpec spec =
                new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02)
                        .withGeneratorNorm(GeneratorNorm.CONDITIONAL);
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(spec, SHAPE, CLASSES, new Sgd(1.0), 3, DataType.FLOAT),
            DcganNetworks.discriminator(spec, SHAPE, CLASSES, new Sgd(1.0), 4, DataType.FLOAT)
        };
    }

    /** One step with SGD at learning rate 1; returns the generator's parameter change. */
    private static INDArray generatorStep(MultiLayerNetwork[] networks, boolean onednn) {
        Nd4j.getRandom().setSeed(11);
        DataType type = networks[0].params().dataType();
        INDArray real = Nd4j.rand(DataType.FLOAT, BATCH, 1, 16, 16).muli(2).subi(1).castTo(type);
        INDArray z = Nd4j.rand(DataType.FLOAT, BATCH, 8).muli(2).subi(1).castTo(type);
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1};
        INDArray before = networks[0].params().dup();
        StepSetup setup = new StepSetup(networks[0], networks[1], SHAPE, 8, CLASSES, true, BATCH);
        try (TrainingStep step =
                onednn ? new OneDnnTrainingStep(setup) : new Dl4jTrainingStep(setup)) {
            step.step(real, labels, z, labels, 0, 0);
        }
        return before.sub(networks[0].params());
    }

    @Test
    void oneDnnStepGivesTheDl4jStepsGeneratorUpdate() {
        MultiLayerNetwork[] dl4j = ganNetworks();
        assertThat(OneDnnNetwork.unsupported(dl4j[0])).isEmpty();
        MultiLayerNetwork[] fast = ganNetworks();
        MultiLayerNetwork[] exact = {
            dl4j[0].convertDataType(DataType.DOUBLE), dl4j[1].convertDataType(DataType.DOUBLE)
        };
        INDArray reference = generatorStep(dl4j, false);
        INDArray actual = generatorStep(fast, true);
        INDArray exactDelta = generatorStep(exact, false);
        Float64Bound.assertWithin(
                "generator update",
                actual,
                reference,
                exactDelta,
                Float64Bound.reductionLength(dl4j[0]));
    }

    @Test
    void trainingChangesTheTablesOfTheClassesItSeesOnly() {
        for (boolean onednn : new boolean[] {false, true}) {
            DcganSpec spec =
                    new DcganSpec(8, List.of(8, 16), 5, 0.2, 0.9, 0.02)
                            .withGeneratorNorm(GeneratorNorm.CONDITIONAL);
            MultiLayerNetwork generator =
                    DcganNetworks.generator(
                            spec, SHAPE, CLASSES, new Adam(2e-3), 3, DataType.FLOAT);
            MultiLayerNetwork discriminator =
                    DcganNetworks.discriminator(
                            spec, SHAPE, CLASSES, new Adam(2e-3), 4, DataType.FLOAT);
            Layer norm = generator.getLayer(1);
            INDArray gammaBefore = norm.getParam(ConditionalBatchNormalization.GAMMA_TABLE).dup();
            INDArray betaBefore = norm.getParam(ConditionalBatchNormalization.BETA_TABLE).dup();
            StepSetup setup =
                    new StepSetup(generator, discriminator, SHAPE, 8, CLASSES, true, BATCH);
            int[] labels = {0, 1, 2, 0, 1, 2, 0, 1}; // never class 3
            try (TrainingStep step =
                    onednn ? new OneDnnTrainingStep(setup) : new Dl4jTrainingStep(setup)) {
                for (int s = 0; s < 3; s++) {
                    Nd4j.getRandom().setSeed(100 + s);
                    INDArray real = Nd4j.rand(DataType.FLOAT, BATCH, 1, 16, 16).muli(2).subi(1);
                    INDArray z = Nd4j.randn(DataType.FLOAT, BATCH, 8);
                    step.step(real, labels, z, labels, s, 0);
                }
            }
            INDArray gammaChange =
                    norm.getParam(ConditionalBatchNormalization.GAMMA_TABLE).sub(gammaBefore);
            INDArray betaChange =
                    norm.getParam(ConditionalBatchNormalization.BETA_TABLE).sub(betaBefore);
            String engine = onednn ? "onednn" : "dl4j";
            for (int k = 0; k < 3; k++) {
                assertThat(gammaChange.getRow(k).norm2Number().doubleValue())
                        .as(engine + " γ of class " + k)
                        .isGreaterThan(0.0);
                assertThat(betaChange.getRow(k).norm2Number().doubleValue())
                        .as(engine + " β of class " + k)
                        .isGreaterThan(0.0);
            }
            assertThat(gammaChange.getRow(3).norm2Number().doubleValue())
                    .as(engine + " γ of unseen class 3")
                    .isZero();
            assertThat(betaChange.getRow(3).norm2Number().doubleValue())
                    .as(engine + " β of unseen class 3")
                    .isZero();
            assertThat(gammaChange.getRow(0).sub(gammaChange.getRow(1)).norm2Number().doubleValue())
                    .as(engine + ": classes 0 and 1 get different updates")
                    .isGreaterThan(0.0);
        }
    }
}
