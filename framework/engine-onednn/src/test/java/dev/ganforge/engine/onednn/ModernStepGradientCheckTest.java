package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.spec.Augmentation;
import dev.ganforge.core.spec.GanLoss;
import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.train.AdversarialStep;
import dev.ganforge.core.train.DiffAugment;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.LeCam;
import dev.ganforge.core.train.StepRecipe;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.DiscriminatorNorm;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.ImageShape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Finite-difference gradient check, in float64, of one step of {@link Dl4jTrainingStep} with the
 * whole modern recipe on: a projection discriminator (Miyato &amp; Koyama 2018), spectral
 * normalisation of D's weights (Miyato et al. 2018), each loss of {@link GanLoss}, and DiffAugment
 * colour, translation, scale and cutout on real and fake images (Zhao et al. 2020; Karras et al.
 * 2020), MSGAN's mode-seeking term in G's loss (Mao et al. 2019) and the LeCam regulariser in D's
 * (Tseng et al. 2021). With SGD at learning rate 1 a parameter's change is minus its gradient,
 * which is compared with central differences of the losses written out here independently: D's loss
 * as a function of its raw weights W through W/σ(W) with the exact largest singular value σ, and
 * G's loss through the updated, normalised D and the same augmentation. The step's spectral-norm
 * vectors are started at the converged singular vectors so that its one power-iteration step gives
 * the exact σ.
 */
class ModernStepGradientCheckTest {

    private static final double EPSILON = 1e-6;
    private static final int BATCH = 4;
    private static final int CLASSES = 3;
    private static final int LATENT = 3;
    private static final long SEED = 11;
    private static final ImageShape SHAPE = new ImageShape(1, 4, 4);
    private static final List<Augmentation> AUGMENT =
            List.of(
                    Augmentation.COLOR,
                    Augmentation.TRANSLATION,
                    Augmentation.SCALE,
                    Augmentation.CUTOUT);
    private static DataType previous;
    private boolean spectralNorm;
    private boolean augment;

    @BeforeAll
    static void useDoublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    private final DcganSpec spec =
            new DcganSpec(LATENT, List.of(2), 3, 0.2, 0.9, 0.5)
                    .withDiscriminatorNorm(DiscriminatorNorm.SPECTRAL);
    private final MultiLayerNetwork generator =
            DcganNetworks.generator(spec, SHAPE, CLASSES, new Sgd(1.0), 7, DataType.DOUBLE);
    private final MultiLayerNetwork discriminator =
            DcganNetworks.discriminator(
                    spec, SHAPE, 0, 1 + CLASSES, new Sgd(1.0), 8, DataType.DOUBLE);
    private final INDArray real = Nd4j.rand(DataType.DOUBLE, BATCH, 1, 4, 4).muli(2).subi(1);
    private final INDArray z = Nd4j.rand(DataType.DOUBLE, BATCH, LATENT).muli(2).subi(1);
    private final int[] realLabels = {0, 1, 2, 1};
    private int[] fakeLabels = {2, 0, 1, 1};
    private double modeSeeking;
    private double lecam;
    private final long[] imageShape = {BATCH, 1, 4, 4};
    private final DiffAugment realAugment = new DiffAugment(AUGMENT, imageShape);
    private final DiffAugment fakeAugment = new DiffAugment(AUGMENT, imageShape);

    /**
     * D's update with a projection head and spectral norm (no augmentation): checks the gradient of
     * σ(W) and the head's two columns.
     */
    @ParameterizedTest
    @EnumSource(GanLoss.class)
    void discriminatorUpdateFollowsTheGradientThroughSpectralNorm(GanLoss loss) {
        check(loss, true, false, true, false);
    }

    /**
     * G's update through the projection head and DiffAugment's backward pass (no spectral norm).
     */
    @ParameterizedTest
    @EnumSource(GanLoss.class)
    void generatorUpdateFollowsTheGradientThroughDiffAugment(GanLoss loss) {
        check(loss, false, true, false, true);
    }

    /**
     * G's update with MSGAN's mode-seeking term (Mao et al. 2019) added to G's loss: examples 0 and
     * 2, 1 and 3 form the pairs, so the labels repeat after half the batch.
     */
    @ParameterizedTest
    @EnumSource(GanLoss.class)
    void generatorUpdateFollowsTheGradientOfTheModeSeekingTerm(GanLoss loss) {
        fakeLabels = new int[] {2, 0, 2, 0};
        modeSeeking = 0.7;
        check(loss, false, true, false, true);
    }

    /**
     * D's update with the LeCam regulariser (Tseng et al. 2021) added to D's loss, through spectral
     * norm: the averages are restored so that α_F is the median of D's real logits and α_R that of
     * its fake ones, so half of each pass's examples carry a term. The averages then take this
     * step's mean logits.
     */
    @ParameterizedTest
    @EnumSource(GanLoss.class)
    void discriminatorUpdateFollowsTheGradientOfTheLecamTerm(GanLoss loss) {
        lecam = 0.6;
        check(loss, true, false, true, false);
    }

    /** Unpaired fake labels are refused before either network changes. */
    @Test
    void unpairedLabelsWithTheModeSeekingTermChangeNothing() {
        INDArray discriminatorBefore = discriminator.params().dup();
        INDArray generatorBefore = generator.params().dup();
        try (Dl4jTrainingStep step =
                newStep(
                        new StepRecipe(GanLoss.HINGE, true, false, List.of(), SEED)
                                .withModeSeeking(1))) {
            assertThatThrownBy(() -> step.step(real, realLabels, z, new int[] {2, 0, 1, 1}, 0, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pairs example 0 (class 2) with example 2 (class 1)");
        }
        assertThat(discriminator.params()).isEqualTo(discriminatorBefore);
        assertThat(generator.params()).isEqualTo(generatorBefore);
    }

    private void check(GanLoss loss, boolean sn, boolean aug, boolean checkD, boolean checkG) {
        spectralNorm = sn;
        augment = aug;
        INDArray discriminatorBefore = discriminator.params().dup();
        INDArray generatorBefore = generator.params().dup();
        INDArray fake = generator.output(generatorInput(), true).dup('c');
        // The same augmentation parameters the step draws for iteration 0: real first, then fake.
        SplittableRandom random = AdversarialStep.augmentationRandom(SEED, 0);
        INDArray realSeen = augment ? realAugment.forward(real, random).dup() : real;
        INDArray fakeSeen = augment ? fakeAugment.forward(fake, random).dup() : fake;
        Map<String, Double> sigmasBefore = spectralNorm ? exactSigmas() : Map.of();
        double[] realLogitsBefore = logits(realSeen, realLabels, sigmasBefore);
        double[] fakeLogitsBefore = logits(fakeSeen, fakeLabels, sigmasBefore);
        double fakeAnchor = median(realLogitsBefore);
        double realAnchor = median(fakeLogitsBefore);
        Supplier<Double> discriminatorLoss =
                () -> {
                    Map<String, Double> sigmas = spectralNorm ? exactSigmas() : Map.of();
                    double[] realLogits = logits(realSeen, realLabels, sigmas);
                    double[] fakeLogits = logits(fakeSeen, fakeLabels, sigmas);
                    return meanLoss(loss, realLogits, true)
                            + meanLoss(loss, fakeLogits, false)
                            + lecamLoss(realLogits, fakeLogits, realAnchor, fakeAnchor);
                };
        double[] discriminatorNumeric = numericGradient(discriminator, discriminatorLoss);
        Map<String, INDArray> converged = convergedLeftVectors();
        Map<String, INDArray> restored = new HashMap<>(converged);
        // one earlier update: m = (1 − 0.99) · α, corrected by 1 − 0.99¹
        restored.put(
                LeCam.STATE_KEY, Nd4j.createFromArray(0.01 * realAnchor, 0.01 * fakeAnchor, 1.0));

        try (Dl4jTrainingStep step =
                newStep(
                        new StepRecipe(
                                loss,
                                true,
                                spectralNorm,
                                augment ? AUGMENT : List.of(),
                                SEED,
                                Precision.FP32,
                                modeSeeking,
                                lecam))) {
            step.restoreState(restored);
            StepResult result = step.step(real, realLabels, z, fakeLabels, 0, 0);
            if (lecam > 0) { // the averages took this step's mean logits, D's before its update
                double[] averages = step.state().get(LeCam.STATE_KEY).toDoubleVector();
                assertThat(averages[0])
                        .isCloseTo(
                                0.99 * 0.01 * realAnchor + 0.01 * mean(realLogitsBefore),
                                within(1e-9));
                assertThat(averages[1])
                        .isCloseTo(
                                0.99 * 0.01 * fakeAnchor + 0.01 * mean(fakeLogitsBefore),
                                within(1e-9));
                assertThat(averages[2]).isEqualTo(2.0);
            } else {
                assertThat(step.state()).doesNotContainKey(LeCam.STATE_KEY);
            }
            if (modeSeeking > 0) { // r of the images G made before its update, as logged
                assertThat(result.modeSeekingRatio())
                        .isCloseTo(modeSeekingRatio(fake), within(1e-9 * modeSeekingRatio(fake)));
            } else {
                assertThat(result.modeSeekingRatio()).isNaN();
            }
        }

        INDArray discriminatorAnalytic = discriminatorBefore.sub(discriminator.params());
        // G's loss sees the updated D normalised by one power-iteration step from the converged u.
        Map<String, Double> sigmasAfterUpdate = spectralNorm ? oneStepSigmas(converged) : Map.of();
        Supplier<Double> generatorLoss =
                () -> {
                    INDArray images = generator.output(generatorInput(), true).dup('c');
                    INDArray seen = fakeAugment.replay(images);
                    return meanLoss(loss, logits(seen, fakeLabels, sigmasAfterUpdate), null)
                            + modeSeekingLoss(images);
                };
        INDArray generatorAfter = generator.params().dup();
        generator.setParams(generatorBefore.dup());
        double[] generatorNumeric = numericGradient(generator, generatorLoss);
        INDArray generatorAnalytic = generatorBefore.sub(generatorAfter);

        if (checkD) {
            assertClose(
                    "discriminator", discriminator, discriminatorAnalytic, discriminatorNumeric);
        }
        if (checkG) {
            assertClose("generator", generator, generatorAnalytic, generatorNumeric);
        }
        assertThat(generatorAnalytic.norm2Number().doubleValue()).isGreaterThan(1e-6);
        assertThat(discriminatorAnalytic.norm2Number().doubleValue()).isGreaterThan(1e-6);
    }

    /** The DL4J step on this test's conditional networks, batch B, with {@code recipe}. */
    private Dl4jTrainingStep newStep(StepRecipe recipe) {
        return new Dl4jTrainingStep(
                new StepSetup(
                        generator, discriminator, SHAPE, LATENT, CLASSES, true, BATCH, recipe));
    }

    private INDArray generatorInput() {
        return Conditioning.generatorInput(
                z,
                Conditioning.oneHot(fakeLabels, Nd4j.create(BATCH, CLASSES)),
                Nd4j.create(BATCH, LATENT + CLASSES));
    }

    /**
     * λ (mean max(0, x_real − α_F)² + mean max(0, α_R − x_fake)²), the LeCam term as Tseng et al.'s
     * code writes it; 0 when off.
     */
    private double lecamLoss(
            double[] realLogits, double[] fakeLogits, double realAnchor, double fakeAnchor) {
        if (lecam == 0) {
            return 0;
        }
        double sum = 0;
        for (double x : realLogits) {
            sum += Math.pow(Math.max(0, x - fakeAnchor), 2) / BATCH;
        }
        for (double x : fakeLogits) {
            sum += Math.pow(Math.max(0, realAnchor - x), 2) / BATCH;
        }
        return lecam * sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElseThrow();
    }

    /** λ / (r + 1e-5) of {@link #modeSeekingRatio} (MSGAN's reference code), 0 when off. */
    private double modeSeekingLoss(INDArray images) {
        return modeSeeking == 0 ? 0 : modeSeeking / (modeSeekingRatio(images) + 1e-5);
    }

    /** r = mean|G(z_i) − G(z_{i+B/2})| / mean|z_i − z_{i+B/2}|. */
    private double modeSeekingRatio(INDArray images) {
        int half = BATCH / 2;
        INDArray first = images.get(NDArrayIndex.interval(0, half));
        INDArray second = images.get(NDArrayIndex.interval(half, BATCH));
        double imageDistance = Transforms.abs(first.sub(second)).meanNumber().doubleValue();
        double latentDistance =
                Transforms.abs(
                                z.get(NDArrayIndex.interval(0, half))
                                        .sub(z.get(NDArrayIndex.interval(half, BATCH))))
                        .meanNumber()
                        .doubleValue();
        return imageDistance / latentDistance;
    }

    /** Projection logits of D with each weight matrix divided by the given σ. */
    private double[] logits(INDArray images, int[] labels, Map<String, Double> sigmas) {
        Map<String, INDArray> raw = new HashMap<>();
        for (String key : sigmas.keySet()) {
            INDArray weight = weight(key);
            raw.put(key, weight.dup());
            weight.divi(sigmas.get(key));
        }
        INDArray output = discriminator.output(images.dup(), true).dup();
        raw.forEach((key, value) -> weight(key).assign(value));
        double[] logits = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            logits[i] = output.getDouble(i, 0) + output.getDouble(i, 1 + labels[i]);
        }
        return logits;
    }

    /** D's loss (real true/false) or G's loss (real null), averaged over the batch. */
    private static double meanLoss(GanLoss loss, double[] logits, Boolean real) {
        double sum = 0;
        for (double x : logits) {
            sum += real == null ? loss.generatorLoss(x) : loss.discriminatorLoss(x, real);
        }
        return sum / logits.length;
    }

    private INDArray weight(String key) {
        return discriminator.getLayer(Integer.parseInt(key)).getParam("W");
    }

    /** Layer indices of D's weight matrices: the convolution and the output layer. */
    private List<String> weightLayers() {
        return List.of("0", String.valueOf(discriminator.getnLayers() - 1));
    }

    private Map<String, Double> exactSigmas() {
        Map<String, Double> sigmas = new HashMap<>();
        for (String key : weightLayers()) {
            double[][] m = matrix(weight(key));
            double[] u = topLeftSingularVector(m);
            double[] v = normalized(transposeTimes(m, u));
            sigmas.put(key, norm(times(m, v)));
        }
        return sigmas;
    }

    private Map<String, INDArray> convergedLeftVectors() {
        Map<String, INDArray> state = new HashMap<>();
        for (String key : weightLayers()) {
            double[] u = topLeftSingularVector(matrix(weight(key)));
            state.put("spectral_norm/" + key + "_W/u", Nd4j.createFromArray(u));
        }
        return state;
    }

    /** σ after one power-iteration step from the given u, as the step computes it. */
    private Map<String, Double> oneStepSigmas(Map<String, INDArray> start) {
        Map<String, Double> sigmas = new HashMap<>();
        for (String key : weightLayers()) {
            double[][] m = matrix(weight(key));
            double[] u = start.get("spectral_norm/" + key + "_W/u").toDoubleVector();
            double[] v = normalized(transposeTimes(m, u));
            sigmas.put(key, norm(times(m, v)));
        }
        return sigmas;
    }

    /** A weight as the matrix spectral norm sees it: rows = first dimension. */
    private static double[][] matrix(INDArray weight) {
        int rows = (int) weight.size(0);
        int cols = (int) (weight.length() / rows);
        INDArray flat = weight.dup('c').reshape(rows, cols);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = flat.getDouble(r, c);
            }
        }
        return m;
    }

    private static double[] topLeftSingularVector(double[][] m) {
        double[] u = new double[m.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = 1.0 + 0.1 * i;
        }
        u = normalized(u);
        for (int iteration = 0; iteration < 5000; iteration++) {
            u = normalized(times(m, normalized(transposeTimes(m, u))));
        }
        return u;
    }

    private static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < v.length; c++) {
                out[r] += m[r][c] * v[c];
            }
        }
        return out;
    }

    private static double[] transposeTimes(double[][] m, double[] u) {
        double[] out = new double[m[0].length];
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < out.length; c++) {
                out[c] += m[r][c] * u[r];
            }
        }
        return out;
    }

    private static double norm(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    private static double[] normalized(double[] v) {
        double n = norm(v);
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= n;
        }
        return out;
    }

    private static double[] numericGradient(MultiLayerNetwork network, Supplier<Double> loss) {
        INDArray params = network.params();
        double[] gradient = new double[(int) params.length()];
        for (int i = 0; i < gradient.length; i++) {
            double original = params.getDouble(i);
            params.putScalar(i, original + EPSILON);
            double plus = loss.get();
            params.putScalar(i, original - EPSILON);
            double minus = loss.get();
            params.putScalar(i, original);
            gradient[i] = (plus - minus) / (2 * EPSILON);
        }
        return gradient;
    }

    /**
     * Relative error 1e-4 (central differences with ε = 1e-6 in float64 are good to ~1e-8 for
     * smooth functions; the hinge's kinks and the power iteration's convergence are far inside).
     */
    private static void assertClose(
            String what, MultiLayerNetwork network, INDArray analytic, double[] numeric) {
        boolean[] trainable = trainableMask(network);
        int checked = 0;
        for (int i = 0; i < numeric.length; i++) {
            if (!trainable[i]) {
                continue;
            }
            double a = analytic.getDouble(i);
            double n = numeric[i];
            double scale = Math.max(Math.abs(a) + Math.abs(n), 1e-8);
            assertThat(Math.abs(a - n) / scale > 1e-4 && Math.abs(a - n) > 1e-8)
                    .as("%s parameter %d: analytic %s, numeric %s", what, i, a, n)
                    .isFalse();
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static boolean[] trainableMask(MultiLayerNetwork network) {
        boolean[] mask = new boolean[(int) network.numParams()];
        int offset = 0;
        for (var layer : network.getLayers()) {
            for (var entry : layer.paramTable().entrySet()) {
                boolean runningStatistic =
                        entry.getKey().equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                                || entry.getKey()
                                        .equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                                || entry.getKey()
                                        .equals(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                for (long j = 0; j < entry.getValue().length(); j++) {
                    mask[offset++] = !runningStatistic;
                }
            }
        }
        return mask;
    }
}
