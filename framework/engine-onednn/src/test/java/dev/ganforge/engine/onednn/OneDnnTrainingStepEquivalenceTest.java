package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.spec.Augmentation;
import dev.ganforge.core.spec.GanLoss;
import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.spec.TrainingEngine;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.ModeSeeking;
import dev.ganforge.core.train.StepRecipe;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.plugin.gan.DiscriminatorNorm;
import dev.ganforge.plugin.gan.ExtraConvStages;
import dev.ganforge.spi.ImageShape;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Guards ganforge's oneDNN training step against DL4J's: from the same parameters and inputs, every
 * parameter block (weights, biases, BatchNorm gamma/beta and running statistics) must change by the
 * same amount, step after step, and the step's losses must agree. With SGD at learning rate 1 the
 * change is the gradient itself, so a wrong layout, padding, kernel orientation or missing gradient
 * term fails here; runs with Adam, fresh and restored from a checkpoint, check the updater state is
 * shared the same way.
 *
 * <h2>Tolerances: derived from a float64 reference, measured on the machine that runs the test</h2>
 *
 * Each case runs the same {@value #STEPS} steps from the same parameters and inputs as
 *
 * <ul>
 *   <li><b>x⁶⁴</b>: DL4J's step in float64, with the float32 parameters, updater state and inputs
 *       cast exactly (the reference; {@link TrainingStepGradientCheckTest} checks this step against
 *       finite differences);
 *   <li>the two float32 paths under test, DL4J's step and the oneDNN step;
 *   <li>two ensembles of {@value #ENSEMBLE} float32 runs, one of DL4J's step and one of the oneDNN
 *       step, whose starting parameters and step inputs are each moved at random by at most one
 *       unit in the last place (Monte Carlo arithmetic, D. S. Parker 1997): every run rounds
 *       differently.
 * </ul>
 *
 * After each step, every compared parameter block x and each of the step's four reported numbers
 * must, on both float32 paths, satisfy
 *
 * <pre>
 *   ‖x − x⁶⁴‖₂ ≤ M·σ + floor,   σ² = mean_k ‖x_k^DL4J − x⁶⁴‖₂² + var_k(x_k^oneDNN),   M = {@value #M},
 * </pre>
 *
 * where the first term of σ² is how far DL4J's float32 runs land from the float64 result (the
 * float32 error of this case and step, with every amplification it has: saturated logits, Adam's
 * bias correction, steps compounding), and the second is the spread of the oneDNN runs around their
 * own mean (its own rounding noise, which may differ from DL4J's: with the AVX2 cap its gradient
 * for D's last BatchNorm beta rounds several times more). The floor is what storing a result in
 * float32 costs at least: s·u·‖x⁶⁴‖ for a block after s steps (Adam's first step is exactly ±lr,
 * which the ensembles share), u·max(1, |v|) for a loss or probability v (softplus and sigmoid round
 * absolutely: a saturated G loss is exactly 0 in DL4J, in float64 too, and a tiny positive number
 * on the oneDNN path); u = 2⁻²⁴.
 *
 * <p>Why it holds on any x86-64 CPU: no number in it was measured on one machine. x⁶⁴'s own
 * rounding is 2²⁹ times finer than float32's, whatever kernels and summation orders the CPU's
 * libraries pick; σ is measured in the same JVM with the same kernels (ISA, blocking, threads,
 * summation order) as the paths under test, so a CPU whose kernels round more gets a proportionally
 * wider bound; and M is a confidence factor, not a fit: a rounding error is a sum of many small
 * errors, about normal, so against σ from {@value #ENSEMBLE} samples the ratio is about Student's t
 * with {@value #ENSEMBLE} degrees of freedom, beyond 10 with probability 8.5e-6 (a one-element
 * block, the worst case; a larger block's norm concentrates).
 *
 * <p>Kinks: the step is only piecewise smooth. An activation that lies within float32 rounding of a
 * ReLU/LeakyReLU kink in the float64 reference takes the other side in some float32 runs (the 28×28
 * case has one at 7.5e-7 in D's first BatchNorm output, crossed by about one float32 run in six),
 * and then that run's G update moves by about 0.4% at once, a thousand times its rounding. When
 * either path exceeds its bound, the ensembles are first widened to {@value #WIDE_ENSEMBLE} runs,
 * so that an outcome float32 reaches with a probability of a few percent is sampled and σ covers
 * it; the test fails only if the path still exceeds the wider bound. A real bug is no float32
 * outcome of DL4J's step and still fails.
 *
 * <p>Why it still catches bugs: a systematic oneDNN error moves the oneDNN runs' mean, not their
 * spread, and DL4J's runs know nothing of it, so it cannot widen its own bound; and on the first
 * step the bound must be at most {@value #POWER} of every block's update (checked), so a wrong
 * layout, padding or gradient term, which gets that update wrong, fails. Later steps' bounds grow
 * with the dynamics' amplification, honestly.
 *
 * <p>Batch 1 with SGD at learning rate 1 saturates D (logits near −37), where the loss gradient
 * sigmoid(logit) has a relative error equal to the logit's absolute error: float32 differences
 * there are real, not a bug, and the ensembles measure them. Biases right before a BatchNorm are
 * not compared (see {@link #feedsBatchNorm}). {@code -Dganforge.equivalence.report=true} prints
 * every step's table.
 */
class OneDnnTrainingStepEquivalenceTest {

    private static final int LATENT = 8;
    private static final int BATCH = 8;
    private static final int STEPS = 3;

    /**
     * -Dganforge.equivalence.report=true prints every step's table of blocks, bounds and
     * error/bound ratios.
     */
    static final String REPORT_PROPERTY = "ganforge.equivalence.report";

    /** Runs in each float32 ensemble. */
    static final int ENSEMBLE = 8;

    /**
     * Runs in each ensemble once a path exceeds the bound from {@value #ENSEMBLE}: see the class
     * comment on kinks.
     */
    static final int WIDE_ENSEMBLE = 64;

    /** Confidence factor on σ: P(|t₈| > 10) = 8.5e-6. */
    static final double M = 10;

    /** The widest a bound may be on the first step, as a fraction of the block's update. */
    static final double POWER = 0.1;

    /** float32's unit roundoff. */
    static final double U = 0x1p-24;

    @ParameterizedTest(name = "conditional={0} layers={1} C={2} {3}x{4} k={5} B={6} sgd={7}")
    @CsvSource({
        "true, 8;16, 1, 16, 16, 5, 8, true",
        "false, 8;16;32, 1, 16, 16, 5, 8, true",
        "true, 8;16, 1, 16, 16, 5, 8, false",
        "true, 16;32, 1, 28, 28, 5, 8, true",
        "true, 8;16, 1, 16, 16, 4, 8, true", // even kernel: uneven same-mode padding
        "true, 8;16, 1, 16, 16, 3, 8, true",
        "true, 8;16, 3, 16, 16, 5, 8, true", // RGB: the image-channel slice of D's input gradient
        "false, 8;16, 3, 16, 16, 5, 8, true",
        "true, 8;16, 3, 16, 32, 4, 8, true", // not square
        "true, 8;16, 1, 16, 16, 5, 1, true", // batch 1: D saturates
        "true, 4;8, 3, 16, 16, 3, 5, true" // odd batch; D's first convolution with a plain layout
        // (< 8 outputs)
    })
    void sameParameterChangesAsDl4j(
            boolean conditional,
            String layers,
            int channels,
            int height,
            int width,
            int kernel,
            int batch,
            boolean sgd) {
        List<Integer> widths = Arrays.stream(layers.split(";")).map(Integer::parseInt).toList();
        ImageShape shape = new ImageShape(channels, height, width);
        int classes = conditional ? 4 : 0;
        Function<DataType, MultiLayerNetwork[]> factory =
                type -> networks(widths, shape, classes, kernel, sgd, type);
        MultiLayerNetwork[] start = factory.apply(DataType.FLOAT);
        String name =
                String.format(
                        "conditional=%s layers=%s C=%d %dx%d k=%d B=%d sgd=%s",
                        conditional, layers, channels, height, width, kernel, batch, sgd);
        new Comparison(
                        name,
                        shape,
                        conditional,
                        batch,
                        factory,
                        () -> copies(start, factory, DataType.FLOAT),
                        0,
                        StepRecipe.DCGAN)
                .check();
    }

    /**
     * The DCGAN step (BCE, one logit, label maps) with the LeCam regulariser: DL4J cannot take its
     * targets-only shortcut there, and both engines must apply the term, which is on from the
     * second of the three steps.
     */
    @Test
    void sameParameterChangesWithTheLecamTermOnTheDcganStep() {
        ImageShape shape = new ImageShape(1, 16, 16);
        Function<DataType, MultiLayerNetwork[]> factory =
                type -> networks(List.of(8, 16), shape, 4, 5, true, type);
        MultiLayerNetwork[] start = factory.apply(DataType.FLOAT);
        new Comparison(
                        "DCGAN step + LeCam 0.5",
                        shape,
                        true,
                        BATCH,
                        factory,
                        () -> copies(start, factory, DataType.FLOAT),
                        0,
                        new StepRecipe(
                                GanLoss.BCE, false, false, List.of(), 21, Precision.FP32, 0, 0.5))
                .check();
    }

    /**
     * Both steps continue from networks restored from a checkpoint (with Adam's state) after two
     * steps.
     */
    @Test
    void sameParameterChangesAfterARestore(@TempDir Path temp) throws Exception {
        ImageShape shape = new ImageShape(1, 16, 16);
        Function<DataType, MultiLayerNetwork[]> factory =
                type -> networks(List.of(8, 16), shape, 4, 5, false, type);
        MultiLayerNetwork[] original = factory.apply(DataType.FLOAT);
        TrainingStep first =
                new OneDnnTrainingStep(
                        new StepSetup(original[0], original[1], shape, LATENT, 4, true, BATCH));
        int[] labels = {0, 1, 2, 3, 3, 2, 1, 0};
        Nd4j.getRandom().setSeed(7);
        for (int step = 0; step < 2; step++) {
            first.step(
                    Nd4j.rand(DataType.FLOAT, BATCH, 1, 16, 16),
                    labels,
                    Nd4j.rand(DataType.FLOAT, BATCH, LATENT),
                    labels,
                    step,
                    0);
        }
        first.close();
        File g = temp.resolve("g.zip").toFile();
        File d = temp.resolve("d.zip").toFile();
        ModelSerializer.writeModel(original[0], g, true);
        ModelSerializer.writeModel(original[1], d, true);
        new Comparison(
                        "restored after 2 Adam steps",
                        shape,
                        true,
                        BATCH,
                        factory,
                        () ->
                                new MultiLayerNetwork[] {
                                    ModelSerializer.restoreMultiLayerNetwork(g, true),
                                    ModelSerializer.restoreMultiLayerNetwork(d, true)
                                },
                        2,
                        StepRecipe.DCGAN)
                .check();
    }

    /**
     * The modern recipe on both engines: projection discriminator with spectral norm, each loss,
     * DiffAugment colour/translation/cutout, Adam; three steps against the float64 reference.
     */
    @ParameterizedTest(name = "loss={0}")
    @EnumSource(GanLoss.class)
    void sameParameterChangesWithProjectionSpectralNormAndDiffAugment(GanLoss loss) {
        checkModernRecipe(loss, 0, "projection + spectral norm + DiffAugment, loss " + loss);
    }

    /**
     * The face recipe with SN-GAN's stride-1 convolutions in D ({@code discriminator_extra_convs:
     * 1}): the 3×3 stride-1 convolutions and their spectral norm on both engines.
     */
    @Test
    void sameParameterChangesWithStrideOneConvolutionsInTheDiscriminator() {
        checkModernRecipe(
                GanLoss.HINGE,
                1,
                "projection + spectral norm + DiffAugment + stride-1 convolutions in D");
    }

    /**
     * Three steps of the modern recipe (projection D with spectral norm, DiffAugment colour,
     * translation, scale and cutout, MSGAN's mode-seeking term: the labels repeat after half the
     * batch; the LeCam regulariser, on from the second step) on both engines against the float64
     * reference, 16×16 images, widths [8, 16], 4 classes.
     */
    private static void checkModernRecipe(GanLoss loss, int extraConvs, String name) {
        ImageShape shape = new ImageShape(1, 16, 16);
        Function<DataType, MultiLayerNetwork[]> factory =
                type -> projectionNetworks(List.of(8, 16), shape, 4, type, extraConvs);
        MultiLayerNetwork[] start = factory.apply(DataType.FLOAT);
        assertThat(start[1].getnLayers())
                .as("per width a convolution and its LeakyReLU, each extra one too, then dense")
                .isEqualTo(2 * 2 * (1 + extraConvs) + 1);
        StepRecipe recipe =
                new StepRecipe(
                        loss,
                        true,
                        true,
                        List.of(
                                Augmentation.COLOR,
                                Augmentation.TRANSLATION,
                                Augmentation.SCALE,
                                Augmentation.CUTOUT),
                        21,
                        Precision.FP32,
                        1.0,
                        0.5);
        new Comparison(
                        name,
                        shape,
                        true,
                        BATCH,
                        factory,
                        () -> copies(start, factory, DataType.FLOAT),
                        0,
                        recipe)
                .check();
    }

    private static MultiLayerNetwork[] projectionNetworks(
            List<Integer> widths, ImageShape shape, int classes, DataType type, int extraConvs) {
        DcganSpec spec =
                new DcganSpec(LATENT, widths, 5, 0.2, 0.9, 0.02)
                        .withDiscriminatorNorm(DiscriminatorNorm.SPECTRAL)
                        .withDiscriminatorExtraConvs(extraConvs, ExtraConvStages.ALL);
        MultiLayerNetwork discriminator =
                DcganNetworks.discriminator(
                        spec, shape, 0, 1 + classes, new Adam(4e-4, 0.0, 0.9, 1e-8), 4, type);
        // Cutout's exact zeros meet zero biases at LeakyReLU's kink, where the engines may take
        // different sides; small non-zero biases (the same in every data type) move off it.
        for (int i = 0; i < discriminator.getnLayers(); i++) {
            INDArray bias = discriminator.getLayer(i).paramTable().get("b");
            if (bias != null) {
                for (long j = 0; j < bias.length(); j++) {
                    bias.putScalar(j, 0.01 * Math.sin(7.0 * i + j + 1));
                }
            }
        }
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(spec, shape, classes, new Adam(1e-4, 0.0, 0.9, 1e-8), 3, type),
            discriminator
        };
    }

    @Test
    void autoPicksOneDnnForFloatDcgansAndDl4jOtherwise() {
        ImageShape shape = new ImageShape(1, 16, 16);
        MultiLayerNetwork[] floats = networks(List.of(8, 16), shape, 4, 5, true, DataType.FLOAT);
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.AUTO,
                                        new StepSetup(
                                                floats[0], floats[1], shape, LATENT, 4, true,
                                                BATCH))
                                .engine())
                .isEqualTo("onednn");
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.DL4J,
                                        new StepSetup(
                                                floats[0], floats[1], shape, LATENT, 4, true,
                                                BATCH)))
                .isInstanceOf(Dl4jTrainingStep.class);

        DcganSpec spec = new DcganSpec(LATENT, List.of(8, 16), 5, 0.2, 0.9, 0.02);
        MultiLayerNetwork generator =
                DcganNetworks.generator(spec, shape, 4, new Sgd(1.0), 3, DataType.DOUBLE);
        MultiLayerNetwork discriminator =
                DcganNetworks.discriminator(spec, shape, 4, new Sgd(1.0), 4, DataType.DOUBLE);
        assertThat(
                        TrainingEngines.discover()
                                .create(
                                        TrainingEngine.AUTO,
                                        new StepSetup(
                                                generator,
                                                discriminator,
                                                shape,
                                                LATENT,
                                                4,
                                                true,
                                                BATCH)))
                .isInstanceOf(Dl4jTrainingStep.class);
        assertThatThrownBy(
                        () ->
                                TrainingEngines.discover()
                                        .create(
                                                TrainingEngine.ONEDNN,
                                                new StepSetup(
                                                        generator,
                                                        discriminator,
                                                        shape,
                                                        LATENT,
                                                        4,
                                                        true,
                                                        BATCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.engine is onednn")
                .hasMessageContaining("float32");
    }

    /** One network pair and the step that trains it. */
    private record Run(MultiLayerNetwork[] networks, TrainingStep step) {}

    /**
     * A run's compared blocks ("G 0_W", "D 4_mean", …) and reported numbers ("D loss", …) after one
     * step.
     */
    private record Outcome(Map<String, INDArray> blocks, Map<String, Double> numbers) {

        static final List<String> NUMBERS = List.of("D loss", "G loss", "D(real)", "D(fake)");

        static Outcome of(MultiLayerNetwork[] networks, StepResult result) {
            Map<String, INDArray> blocks = new LinkedHashMap<>();
            for (int n = 0; n < 2; n++) {
                for (Map.Entry<String, INDArray> entry : networks[n].paramTable().entrySet()) {
                    if (!feedsBatchNorm(networks[n], entry.getKey())) {
                        blocks.put((n == 0 ? "G " : "D ") + entry.getKey(), entry.getValue().dup());
                    }
                }
            }
            Map<String, Double> numbers = new LinkedHashMap<>();
            numbers.put("D loss", result.discriminatorLoss());
            numbers.put("G loss", result.generatorLoss());
            numbers.put("D(real)", result.realProbability());
            numbers.put("D(fake)", result.fakeProbability());
            return new Outcome(blocks, numbers);
        }

        /**
         * @return the names of everything compared: the numbers, then the blocks
         */
        List<String> names() {
            List<String> names = new ArrayList<>(NUMBERS);
            names.addAll(blocks.keySet());
            return names;
        }

        /**
         * @return the block or number as a float64 array
         */
        INDArray get(String name) {
            return NUMBERS.contains(name)
                    ? Nd4j.scalar(numbers.get(name))
                    : blocks.get(name).castTo(DataType.DOUBLE);
        }
    }

    /**
     * The float64 reference, the two float32 paths and the two ensembles over {@value #STEPS} steps
     * from the same parameters and inputs, checked after each step against the bound of the class
     * comment.
     */
    private static final class Comparison {

        private final String name;
        private final ImageShape shape;
        private final boolean conditional;
        private final int batch;
        private final Function<DataType, MultiLayerNetwork[]> factory;
        private final MultiLayerNetwork[] float32Start;
        private final int firstStep;
        private final StepRecipe recipe;
        private final int[] labels;
        private final List<INDArray> reals = new ArrayList<>();
        private final List<INDArray> zs = new ArrayList<>();

        /** Per step: x⁶⁴. */
        private final List<Outcome> reference = new ArrayList<>();

        private final Outcome referenceStart;

        /** The paths under test ("dl4j", "onednn"), per step. */
        private final Map<String, List<Outcome>> paths = new LinkedHashMap<>();

        /** Per run, per step. */
        private final List<List<Outcome>> dl4jEnsemble = new ArrayList<>();

        private final List<List<Outcome>> oneDnnEnsemble = new ArrayList<>();

        /**
         * @param factory fresh networks of the case's architecture and updater in a data type
         * @param float32 the float32 starting networks, a new equal pair on every call
         * @param firstStep the iteration number of the first step (after a restore, the steps
         *     already taken)
         */
        Comparison(
                String name,
                ImageShape shape,
                boolean conditional,
                int batch,
                Function<DataType, MultiLayerNetwork[]> factory,
                Callable<MultiLayerNetwork[]> float32,
                int firstStep,
                StepRecipe recipe) {
            this.name = name;
            this.recipe = recipe;
            this.shape = shape;
            this.conditional = conditional;
            this.batch = batch;
            this.factory = factory;
            this.firstStep = firstStep;
            this.labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = (i * 3 + 1) % 4;
            }
            if (recipe.modeSeeking() > 0) {
                ModeSeeking.pairLabels(labels);
            }
            MultiLayerNetwork[] dl4jNetworks;
            MultiLayerNetwork[] oneDnnNetworks;
            try {
                dl4jNetworks = float32.call();
                oneDnnNetworks = float32.call();
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the float32 networks", e);
            }
            this.float32Start = copies(dl4jNetworks, factory, DataType.FLOAT);
            Run exact = run(copies(dl4jNetworks, factory, DataType.DOUBLE), false);
            this.referenceStart = Outcome.of(exact.networks(), new StepResult(0, 0, 0, 0));
            Nd4j.getRandom().setSeed(5);
            for (int step = firstStep; step < firstStep + STEPS; step++) {
                INDArray real =
                        Nd4j.rand(
                                        DataType.FLOAT,
                                        batch,
                                        shape.channels(),
                                        shape.height(),
                                        shape.width())
                                .muli(2)
                                .subi(1);
                INDArray z = Nd4j.rand(DataType.FLOAT, batch, LATENT).muli(2).subi(1);
                reals.add(real);
                zs.add(z);
                StepResult result =
                        exact.step()
                                .step(
                                        real.castTo(DataType.DOUBLE),
                                        labels,
                                        z.castTo(DataType.DOUBLE),
                                        labels,
                                        step,
                                        0);
                reference.add(Outcome.of(exact.networks(), result));
            }
            paths.put("dl4j", steps(run(dl4jNetworks, false), null));
            paths.put("onednn", steps(run(oneDnnNetworks, true), null));
            widen(ENSEMBLE);
        }

        private Run run(MultiLayerNetwork[] networks, boolean oneDnn) {
            StepSetup setup =
                    new StepSetup(
                            networks[0], networks[1], shape, LATENT, 4, conditional, batch, recipe);
            return new Run(
                    networks, oneDnn ? new OneDnnTrainingStep(setup) : new Dl4jTrainingStep(setup));
        }

        /**
         * The run's outcomes after each step, on the stored inputs, perturbed when {@code random}
         * is given.
         */
        private List<Outcome> steps(Run run, SplittableRandom random) {
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < STEPS; i++) {
                INDArray real = random == null ? reals.get(i) : perturb(reals.get(i), random);
                INDArray z = random == null ? zs.get(i) : perturb(zs.get(i), random);
                outcomes.add(
                        Outcome.of(
                                run.networks(),
                                run.step().step(real, labels, z, labels, firstStep + i, 0)));
            }
            run.step().close();
            return outcomes;
        }

        /** Adds perturbed runs to both ensembles until each has {@code size}. */
        private void widen(int size) {
            for (int k = dl4jEnsemble.size(); k < size; k++) {
                for (boolean oneDnn : new boolean[] {false, true}) {
                    SplittableRandom random = new SplittableRandom((oneDnn ? 2000 : 1000) + k);
                    MultiLayerNetwork[] perturbed = copies(float32Start, factory, DataType.FLOAT);
                    for (MultiLayerNetwork network : perturbed) {
                        network.setParams(perturb(network.params(), random));
                    }
                    (oneDnn ? oneDnnEnsemble : dl4jEnsemble)
                            .add(steps(run(perturbed, oneDnn), random));
                }
            }
        }

        /**
         * Checks every step; if a path fails, first widens the ensembles (see the class comment on
         * kinks).
         */
        void check() {
            if (worstRatio() > 1) {
                System.out.printf(
                        "EQUIVALENCE %s: a path exceeds the bound from %d runs per ensemble;"
                                + " widening them to %d%n",
                        name, dl4jEnsemble.size(), WIDE_ENSEMBLE);
                widen(WIDE_ENSEMBLE);
            }
            Map<String, Double> worst = new LinkedHashMap<>();
            Map<String, String> worstWhere = new LinkedHashMap<>();
            double widest = 0;
            String widestWhere = "";
            for (int i = 0; i < STEPS; i++) {
                StringBuilder report = new StringBuilder();
                Map<String, Double> ratios = new LinkedHashMap<>();
                for (String what : reference.get(i).names()) {
                    INDArray expected = reference.get(i).get(what);
                    double bound = bound(i, what);
                    boolean block = !Outcome.NUMBERS.contains(what);
                    double norm = expected.norm2Number().doubleValue();
                    double change =
                            block ? distance(expected, referenceStart.get(what)) : Double.NaN;
                    report.append(
                            block
                                    ? String.format(
                                            "%n  %-18s ‖x‖ %.2e change %.2e: bound %.2e",
                                            what, norm, change, bound)
                                    : String.format(
                                            "%n  %-18s %.7g: bound %.2e",
                                            what, expected.getDouble(0), bound));
                    for (Map.Entry<String, List<Outcome>> path : paths.entrySet()) {
                        double ratio =
                                ratio(distance(path.getValue().get(i).get(what), expected), bound);
                        report.append(String.format(", %s %.3f", path.getKey(), ratio));
                        ratios.merge(path.getKey(), ratio, Math::max);
                        if (ratio >= worst.getOrDefault(path.getKey(), -1.0)) {
                            worst.put(path.getKey(), ratio);
                            worstWhere.put(path.getKey(), what + " step " + (i + 1));
                        }
                    }
                    if (block && change > (i + 1) * U * norm) {
                        if (bound / change > widest) {
                            widest = bound / change;
                            widestWhere = what + " step " + (i + 1);
                        }
                        if (i == 0) {
                            assertThat(bound / change)
                                    .as(
                                            "%s: the bound on %s's first update is %.2e of it, too"
                                                    + " wide to tell a wrong update from rounding",
                                            name, what, bound / change)
                                    .isLessThanOrEqualTo(POWER);
                        }
                    }
                }
                if (Boolean.getBoolean(REPORT_PROPERTY)) {
                    System.out.printf(
                            "EQUIVALENCE %s step %d (ISA %s, %d runs per ensemble):%s%n",
                            name, firstStep + i, OneDnnIsa.describe(), dl4jEnsemble.size(), report);
                }
                for (Map.Entry<String, Double> entry : ratios.entrySet()) {
                    assertThat(entry.getValue())
                            .as(
                                    "%s: %s after step %d exceeds the float64-derived bound"
                                        + " (error/bound; oneDNN ISA %s, %d runs per ensemble)%s",
                                    name,
                                    entry.getKey(),
                                    firstStep + i,
                                    OneDnnIsa.describe(),
                                    dl4jEnsemble.size(),
                                    report)
                            .isLessThanOrEqualTo(1);
                }
            }
            System.out.printf(
                    "EQUIVALENCE %s | ISA %s | %d runs per ensemble | worst error/bound: dl4j %.3f"
                            + " (%s), onednn %.3f (%s) | widest bound/change %.1e (%s)%n",
                    name,
                    OneDnnIsa.describe(),
                    dl4jEnsemble.size(),
                    worst.get("dl4j"),
                    worstWhere.get("dl4j"),
                    worst.get("onednn"),
                    worstWhere.get("onednn"),
                    widest,
                    widestWhere);
        }

        /**
         * M·σ + floor for one block or number after step index {@code i} (the class comment's
         * rule).
         */
        private double bound(int i, String what) {
            INDArray expected = reference.get(i).get(what);
            double dl4jSquares = 0;
            for (List<Outcome> run : dl4jEnsemble) {
                double d = distance(run.get(i).get(what), expected);
                dl4jSquares += d * d;
            }
            INDArray mean = Nd4j.zeros(DataType.DOUBLE, expected.shape());
            for (List<Outcome> run : oneDnnEnsemble) {
                mean.addi(run.get(i).get(what));
            }
            mean.divi(oneDnnEnsemble.size());
            double oneDnnSquares = 0;
            for (List<Outcome> run : oneDnnEnsemble) {
                double d = distance(run.get(i).get(what), mean);
                oneDnnSquares += d * d;
            }
            double sigma =
                    Math.sqrt(
                            dl4jSquares / dl4jEnsemble.size()
                                    + oneDnnSquares / (oneDnnEnsemble.size() - 1));
            double norm = expected.norm2Number().doubleValue();
            double floor =
                    Outcome.NUMBERS.contains(what) ? U * Math.max(1, norm) : (i + 1) * U * norm;
            return M * sigma + floor;
        }

        /** The largest error/bound of either path over all steps, blocks and numbers. */
        private double worstRatio() {
            double worst = 0;
            for (int i = 0; i < STEPS; i++) {
                for (String what : reference.get(i).names()) {
                    double bound = bound(i, what);
                    for (List<Outcome> path : paths.values()) {
                        worst =
                                Math.max(
                                        worst,
                                        ratio(
                                                distance(
                                                        path.get(i).get(what),
                                                        reference.get(i).get(what)),
                                                bound));
                    }
                }
            }
            return worst;
        }
    }

    private static double ratio(double error, double bound) {
        return bound > 0 ? error / bound : error == 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
    }

    /**
     * @return a float32 copy of {@code x} with each element moved at random by at most one unit in
     *     the last place (x·(1 + 2u·r), r uniform in [−1, 1], rounded to float32)
     */
    private static INDArray perturb(INDArray x, SplittableRandom random) {
        double[] values = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < values.length; i++) {
            values[i] *= 1 + 2 * U * (2 * random.nextDouble() - 1);
        }
        return Nd4j.create(values, x.shape(), 'c').castTo(DataType.FLOAT);
    }

    /**
     * @return new networks from {@code factory} in {@code type} with the parameters and updater
     *     state of {@code from}
     */
    private static MultiLayerNetwork[] copies(
            MultiLayerNetwork[] from,
            Function<DataType, MultiLayerNetwork[]> factory,
            DataType type) {
        MultiLayerNetwork[] to = factory.apply(type);
        for (int i = 0; i < 2; i++) {
            to[i].setParams(from[i].params().castTo(type));
            INDArray state = from[i].getUpdater().getStateViewArray();
            if (state != null) {
                to[i].getUpdater().getStateViewArray().assign(state.castTo(type));
            }
            to[i].setIterationCount(from[i].getIterationCount());
            to[i].setEpochCount(from[i].getEpochCount());
        }
        return to;
    }

    /**
     * A bias right before a BatchNorm has a true gradient of 0 (BN removes per-channel constants):
     * every path only accumulates rounding noise there, which Adam even amplifies to ±lr steps of
     * random sign, so those are not compared. (The random ±lr shifts move BatchNorm's batch mean
     * and so its running mean a little; the yardstick runs show the same shifts, so the running
     * means stay compared.)
     */
    private static boolean feedsBatchNorm(MultiLayerNetwork network, String key) {
        int layer = Integer.parseInt(key.substring(0, key.indexOf('_')));
        var confs = network.getLayerWiseConfigurations().getConfs();
        return key.endsWith("_b")
                && layer + 1 < confs.size()
                && confs.get(layer + 1).getLayer() instanceof BatchNormalization;
    }

    private static MultiLayerNetwork[] networks(
            List<Integer> widths,
            ImageShape shape,
            int classes,
            int kernel,
            boolean sgd,
            DataType type) {
        DcganSpec spec = new DcganSpec(LATENT, widths, kernel, 0.2, 0.9, 0.02);
        return new MultiLayerNetwork[] {
            DcganNetworks.generator(
                    spec,
                    shape,
                    classes,
                    sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8),
                    3,
                    type),
            DcganNetworks.discriminator(
                    spec,
                    shape,
                    classes,
                    sgd ? new Sgd(1.0) : new Adam(2e-4, 0.5, 0.999, 1e-8),
                    4,
                    type)
        };
    }
}
