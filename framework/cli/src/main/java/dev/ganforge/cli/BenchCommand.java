package dev.ganforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.cli.bench.FlopCount;
import dev.ganforge.config.SpecNames;
import dev.ganforge.core.runtime.NativeRuntime;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.GeneratorAverage;
import dev.ganforge.core.train.ModeSeeking;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.core.train.StepRecipe;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.LabeledImages;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge bench SPEC [--steps N] [--warmup W]}: times N training steps of the spec's model
 * on the first batch of the spec's dataset, held in memory (use the {@code random} dataset to avoid
 * reading files), with no image or checkpoint writing, and prints one JSON line with the fields of
 * {@code shared/bench/torch_cgan_reference.py}: {@code sec_per_step} (median over the timed steps,
 * seconds), {@code samples_per_sec}, {@code gflop_per_step} (see {@link FlopCount}), {@code
 * gflops_achieved}, {@code threads}, plus memory in MiB: {@code peak_heap_mib} (Java heap pools),
 * {@code rss_mib} (resident set at the end) and {@code peak_rss_mib} (the process's VmHWM).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Time training steps of a spec's model on in-memory tensors; prints one JSON line.")
final class BenchCommand implements Callable<Integer> {

    private final SpecLoader loader;
    private final TrainingEngines engines;

    /**
     * @param loader the spec loader, with every installed plugin
     * @param engines the installed training engines
     */
    @Inject
    BenchCommand(SpecLoader loader, TrainingEngines engines) {
        this.loader = loader;
        this.engines = engines;
    }

    @Spec CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "experiment YAML file")
    Path specFile;

    @Mixin OverrideOptions set;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "20",
            description = "timed steps (default 20)")
    int steps;

    @Option(
            names = "--warmup",
            paramLabel = "W",
            defaultValue = "5",
            description = "untimed steps first (default 5)")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0) {
            throw new ExperimentException("--steps must be >= 1 and --warmup >= 0");
        }
        ExperimentSpec spec = loader.load(specFile, set.values());
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        int batchSize = spec.training().batchSize();
        LabeledImages data = plugins.loadData();
        if (data.size() < batchSize) {
            throw new ExperimentException(
                    "the dataset has "
                            + data.size()
                            + " images, fewer than one batch of "
                            + batchSize);
        }
        int classes = data.numClasses();
        boolean conditional = plugins.model().conditional();
        int latentDim = plugins.latentDim();
        MultiLayerNetwork[] networks =
                plugins.createNetworks(
                        data.shape(),
                        classes,
                        spec.training().totalSteps(data.size()),
                        spec.seed());
        MultiLayerNetwork generator = networks[0];
        MultiLayerNetwork discriminator = networks[1];
        INDArray real = data.images().get(NDArrayIndex.interval(0, batchSize)).dup();
        int[] labels = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = i % classes;
        }
        INDArray z = Nd4j.create(real.dataType(), batchSize, latentDim);
        StepRecipe recipe = plugins.recipe();
        if (recipe.modeSeeking() > 0) {
            ModeSeeking.pairLabels(labels); // as the trainer draws them
        }
        double gflop =
                gflopPerStep(
                        generator,
                        discriminator,
                        z,
                        real,
                        labels,
                        classes,
                        conditional,
                        conditional && !recipe.projection());
        TrainingStep step =
                engines.create(
                        spec.training().engine(),
                        new StepSetup(
                                generator,
                                discriminator,
                                data.shape(),
                                latentDim,
                                classes,
                                conditional,
                                batchSize,
                                recipe));
        GeneratorAverage average =
                spec.training().emaDecay() > 0
                        ? new GeneratorAverage(
                                generator,
                                null,
                                spec.training().emaDecay(),
                                spec.training().emaStart())
                        : null;
        Random random = Nd4j.getRandomFactory().getNewRandomInstance(spec.seed());
        double[] seconds = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long started = System.nanoTime();
            plugins.sampleLatent(z, random);
            step.step(real, labels, z, labels, i, 0);
            if (average != null) {
                average.update(i + 1L);
            }
            if (i >= warmup) {
                seconds[i - warmup] = (System.nanoTime() - started) / 1e9;
            }
        }
        String engine = step.engine();
        String precisionText = step.precision();
        String precision = precisionText.split(" ")[0];
        String instructionSet = step.instructionSet();
        step.close();
        double median = ResolvedPlugins.median(seconds, steps);
        ObjectNode line = new ObjectMapper().createObjectNode();
        line.put("config", spec.experiment());
        line.put("batch", batchSize);
        line.put("steps", steps);
        line.put("sec_per_step", round(median, 4));
        line.put("samples_per_sec", round(batchSize / median, 1));
        line.put("gflop_per_step", round(gflop, 2));
        line.put("gflops_achieved", round(gflop / median, 1));
        line.put(
                "threads",
                Integer.parseInt(
                        String.valueOf(
                                Nd4j.getExecutioner()
                                        .getEnvironmentInformation()
                                        .getOrDefault("omp.threads", "0"))));
        line.put("engine", engine);
        line.put("precision", precision);
        line.put("precision_detail", precisionText);
        line.put("isa", instructionSet);
        line.put(
                "recipe",
                recipeText(
                        recipe,
                        ConditionalBatchNormalization.isUsedBy(generator),
                        spec.training().emaDecay()));
        line.put("native", NativeRuntime.configure());
        line.put("peak_heap_mib", round(peakHeapBytes() / 1048576.0, 1));
        line.put("rss_mib", round(Pointer.physicalBytes() / 1048576.0, 1));
        line.put("peak_rss_mib", round(peakRssKib() / 1024.0, 1));
        commandSpec.commandLine().getOut().println(line);
        return 0;
    }

    private static double gflopPerStep(
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            INDArray z,
            INDArray real,
            int[] labels,
            int classes,
            boolean conditional,
            boolean labelMaps) {
        int batch = (int) real.size(0);
        INDArray oneHot =
                conditional
                        ? Conditioning.oneHot(labels, Nd4j.create(real.dataType(), batch, classes))
                        : null;
        INDArray generatorInput =
                Conditioning.generatorInput(
                        z,
                        oneHot,
                        Nd4j.create(
                                real.dataType(), batch, z.size(1) + (conditional ? classes : 0)));
        INDArray discriminatorInput =
                Conditioning.discriminatorInput(
                        real,
                        labelMaps ? oneHot : null,
                        Nd4j.create(
                                real.dataType(),
                                batch,
                                real.size(1) + (labelMaps ? classes : 0),
                                real.size(2),
                                real.size(3)));
        return FlopCount.step(
                        FlopCount.forward(generator, generatorInput),
                        FlopCount.forward(discriminator, discriminatorInput))
                / 1e9;
    }

    /**
     * E.g.
     * "hinge,projection,spectral-norm,conditional-bn,augment=color+translation+cutout,ema=0.999".
     */
    private static String recipeText(StepRecipe recipe, boolean conditionalNorm, double emaDecay) {
        StringBuilder text = new StringBuilder(SpecNames.enumText(recipe.loss()));
        if (recipe.projection()) {
            text.append(",projection");
        }
        if (recipe.spectralNorm()) {
            text.append(",spectral-norm");
        }
        if (conditionalNorm) {
            text.append(",conditional-bn");
        }
        if (!recipe.augment().isEmpty()) {
            text.append(",augment=");
            text.append(
                    String.join("+", recipe.augment().stream().map(SpecNames::enumText).toList()));
        }
        if (recipe.modeSeeking() > 0) {
            text.append(",mode-seeking=").append(recipe.modeSeeking());
        }
        if (recipe.lecam() > 0) {
            text.append(",lecam=").append(recipe.lecam());
        }
        if (emaDecay > 0) {
            text.append(",ema=").append(emaDecay);
        }
        return text.toString();
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
