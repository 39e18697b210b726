package dev.ganforge.core.eval;

import dev.ganforge.core.run.EvaluationLog;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.EvaluationSpec;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.Generation;
import dev.ganforge.core.train.ImageGrid;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.core.train.SpectralNorm;
import dev.ganforge.core.train.StepRecipe;
import dev.ganforge.core.train.TrainingMonitor;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluation of one run: a {@link GeneratorEvaluation} on fixed latent vectors (drawn once from the
 * spec's sampler with a seed derived from the experiment seed), D's mean probabilities on the real
 * reference set and on the generated set ({@code health/d_real}, {@code health/d_fake}, inference
 * mode), rows in {@code eval.csv}, and, during training, the health signals and the best
 * checkpoint.
 */
public final class TrainingEvaluation implements TrainingMonitor {

    private static final int BATCH = 256;

    private final ExperimentSpec experiment;
    private final EvaluationSpec spec;
    private final ResolvedPlugins plugins;
    private final RunDirectory run;
    private final PrintStream console;
    private final GeneratorEvaluation evaluation;
    private final EvaluationLog log;
    private final INDArray z;
    private final int[] labels;
    private final int classes;
    private final List<String> classNames;
    private final boolean conditional;
    private final StepRecipe recipe;
    private int saturatedInARow;
    private double best;

    /**
     * Loads or trains the domain classifier and prepares the fixed evaluation set.
     *
     * @param experiment the resolved experiment; its {@code evaluation} must not be null
     * @param plugins its plugins
     * @param data the real labelled images
     * @param run the run folder
     * @param keepThroughStep eval.csv rows after this step are dropped (the resumed step, or {@link
     *     Long#MAX_VALUE} to keep all)
     * @param console where progress and metric lines go
     * @param progress reports the domain classifier's training, when it is not cached
     * @return the evaluation, ready to measure
     * @throws ExperimentException if an evaluator's settings do not fit the evaluation sets ({@link
     *     #check}), before the classifier is loaded or trained
     * @throws java.util.concurrent.CancellationException from {@code progress}; no classifier is
     *     cached then
     */
    public static TrainingEvaluation prepare(
            ExperimentSpec experiment,
            ResolvedPlugins plugins,
            LabeledImages data,
            RunDirectory run,
            long keepThroughStep,
            PrintStream console,
            WorkProgress progress) {
        return new TrainingEvaluation(
                experiment, plugins, data, run, keepThroughStep, console, progress);
    }

    /**
     * Judges the evaluation's settings against the data before anything is trained: each
     * evaluator's settings against the sizes of the evaluation sets ({@link
     * GeneratorEvaluation#sizeProblems}).
     *
     * @param experiment the resolved experiment; its {@code evaluation} must not be null
     * @param plugins its plugins
     * @param data the real labelled images
     * @return the problems, each naming its key; empty when the evaluation can run
     */
    public static List<String> check(
            ExperimentSpec experiment, ResolvedPlugins plugins, LabeledImages data) {
        EvaluationSpec spec = experiment.evaluation();
        return GeneratorEvaluation.sizeProblems(
                spec, GeneratorEvaluation.sizes(spec, data, plugins.model().conditional()));
    }

    private TrainingEvaluation(
            ExperimentSpec experiment,
            ResolvedPlugins plugins,
            LabeledImages data,
            RunDirectory run,
            long keepThroughStep,
            PrintStream console,
            WorkProgress progress) {
        this.experiment = experiment;
        this.spec = experiment.evaluation();
        this.plugins = plugins;
        this.run = run;
        this.console = console;
        this.classes = data.numClasses();
        this.classNames = data.classNames();
        this.conditional = plugins.model().conditional();
        this.recipe = plugins.recipe();
        List<String> problems = check(experiment, plugins, data);
        if (!problems.isEmpty()) {
            throw new ExperimentException(String.join("\n", problems));
        }
        ClassifierStore store = new ClassifierStore(spec.classifier().cacheFolder());
        long classifierSeed = spec.classifier().seedFor(experiment.seed());
        String fingerprint = ClassifierStore.fingerprint(data, spec.classifier(), classifierSeed);
        DomainClassifier classifier =
                store.loadOrTrain(
                        fingerprint,
                        data,
                        spec.classifier(),
                        classifierSeed,
                        false,
                        console,
                        progress);
        this.evaluation =
                new GeneratorEvaluation(
                        spec,
                        data,
                        classifier,
                        conditional,
                        experiment.seed(),
                        ScoreCache.in(store.folder(fingerprint), console));
        this.labels = GeneratorEvaluation.fixedLabels(classes, spec.samplesPerClass());
        this.z = Nd4j.create(data.images().dataType(), labels.length, plugins.latentDim());
        Random random =
                Nd4j.getRandomFactory().getNewRandomInstance(experiment.seed() ^ 0x6576616C5AL);
        plugins.sampleLatent(z, random);
        this.log = new EvaluationLog(run.evaluationFile(), keepThroughStep);
        this.best =
                spec.bestMetric() == null
                        ? Double.NaN
                        : run.checkpoints()
                                .bestValue(spec.bestMetric(), goalName())
                                .orElse(Double.NaN);
    }

    private String goalName() {
        return spec.goal().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @return whether training should evaluate after {@code step} of {@code total} steps
     */
    @Override
    public boolean due(long step, long total) {
        return step % spec.every() == 0 || step == total;
    }

    /**
     * @param step steps done
     * @return whether eval.csv holds this step's evaluation
     */
    @Override
    public boolean completed(long step) {
        return log.has(step);
    }

    /**
     * Evaluates the networks, appends the metrics to eval.csv, prints a one-line summary ({@link
     * EvaluationHeadline}) and writes the sheet of low-recall classes ({@link LowRecallSheet}), if
     * any (a sheet that cannot be drawn or written is reported on the console, not thrown).
     *
     * @param step steps done
     * @param generator the generator
     * @param discriminator the discriminator, or null to skip D's probabilities
     * @param progress reports the evaluation's work ({@link GeneratorEvaluation#evaluate})
     * @return the metrics and images
     * @throws java.util.concurrent.CancellationException from {@code progress}; nothing is logged
     *     then
     */
    public GeneratorEvaluation.Result measure(
            long step,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            WorkProgress progress) {
        return record(step, compute(generator, discriminator, progress));
    }

    /** Evaluates the networks; logs nothing. */
    private GeneratorEvaluation.Result compute(
            MultiLayerNetwork generator, MultiLayerNetwork discriminator, WorkProgress progress) {
        GeneratorEvaluation.Result result =
                evaluation.evaluate(
                        (latent, asked) ->
                                Generation.generate(generator, latent, asked, classes, conditional),
                        z,
                        labels,
                        progress);
        Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        if (discriminator != null) {
            metrics.put(
                    "health/d_real",
                    meanProbability(
                            discriminator, evaluation.realImages(), evaluation.realLabels()));
            metrics.put(
                    "health/d_fake",
                    meanProbability(discriminator, result.generatedImages(), labels));
        }
        return new GeneratorEvaluation.Result(
                metrics, result.generatedImages(), result.collapsedClasses());
    }

    /** Logs one evaluation to eval.csv, prints its headline and draws its low-recall sheet. */
    private GeneratorEvaluation.Result record(long step, GeneratorEvaluation.Result result) {
        log.append(step, result.metrics());
        console.println(EvaluationHeadline.format(step, result.metrics()));
        writeLowRecallSheet(step, result.metrics(), result.generatedImages());
        return result;
    }

    /**
     * Writes {@code samples/step-NNNNNNNN-low-recall.png} ({@link LowRecallSheet}) when the
     * evaluation counts classes of low recall, and removes an older sheet of the same step (an
     * earlier {@code ganforge evaluate} of it) when it counts none. A failure is reported on the
     * console, never fatal: the metrics are already in eval.csv, and the best checkpoint and the
     * health signals of this step must still follow.
     */
    private void writeLowRecallSheet(long step, Map<String, Double> metrics, INDArray generated) {
        Path file = run.sampleFile(step, LowRecallSheet.SAMPLE_NAME);
        try {
            Double counted = metrics.get("eval/low_recall_classes");
            if (counted == null || counted == 0) {
                Files.deleteIfExists(file);
                return;
            }
            List<LowRecallSheet.Row> rows =
                    LowRecallSheet.rows(
                            metrics,
                            classNames,
                            evaluation.realImages(),
                            evaluation.realLabels(),
                            generated,
                            labels);
            if (!rows.isEmpty()) {
                ImageGrid.writePng(LowRecallSheet.compose(rows), file);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            // a JDK without any font reports that as an Error from deep inside Java2D
            console.println("no low-recall sheet for step " + step + " (" + e + ")");
        }
    }

    /**
     * Measures, then updates the best checkpoint and the health signals.
     *
     * @param step steps done
     * @param generator the generator
     * @param discriminator the discriminator
     * @param progress reports the evaluation's work ({@link GeneratorEvaluation#evaluate})
     * @return why the run must stop (only with {@code stop_on_unhealthy}), or null to go on
     * @throws ExperimentException if {@code best_metric} names a metric this evaluation does not
     *     report (the message lists those it does and how to resume); nothing is logged then, so a
     *     resumed run evaluates the step again
     * @throws java.util.concurrent.CancellationException from {@code progress}; nothing is logged
     *     and the best checkpoint is unchanged then
     */
    @Override
    public String afterStep(
            long step,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            WorkProgress progress) {
        GeneratorEvaluation.Result result = compute(generator, discriminator, progress);
        Map<String, Double> metrics = result.metrics();
        if (spec.bestMetric() != null && !metrics.containsKey(spec.bestMetric())) {
            // found only now (the names an evaluation reports depend on its plugins and data),
            // and before eval.csv has the step: a resume with the key mended evaluates it again
            throw new ExperimentException(
                    "evaluation.best_metric '"
                            + spec.bestMetric()
                            + "' is not reported by this evaluation; it reports "
                            + String.join(", ", metrics.keySet())
                            + ". The run keeps its checkpoints: 'ganforge resume "
                            + run.root()
                            + " --set evaluation.best_metric=<one of those>' goes on");
        }
        record(step, result);
        if (spec.bestMetric() != null) {
            double value = metrics.get(spec.bestMetric());
            if (spec.goal().improves(value, best)) {
                best = value;
                run.checkpoints()
                        .writeBest(
                                step,
                                experiment.seed(),
                                generator,
                                discriminator,
                                spec.bestMetric(),
                                goalName(),
                                value);
            }
        }
        boolean saturated =
                metrics.get("health/d_real") > 1 - spec.saturationMargin()
                        && metrics.get("health/d_fake") < spec.saturationMargin();
        saturatedInARow = saturated ? saturatedInARow + 1 : 0;
        String problem = null;
        if (saturatedInARow >= spec.saturationEvaluations()) {
            problem =
                    String.format(
                            Locale.ROOT,
                            "discriminator saturated on %d evaluations in a row (D(x) = %.4f,"
                                    + " D(G(z)) = %.4f)",
                            saturatedInARow,
                            metrics.get("health/d_real"),
                            metrics.get("health/d_fake"));
        } else if (!result.collapsedClasses().isEmpty()) {
            problem =
                    String.format(
                            Locale.ROOT,
                            "mode collapse at step %d: generated feature diversity below %.2f of"
                                    + " the real one for %s",
                            step,
                            spec.collapseRatio(),
                            result.collapsedClasses());
        }
        if (problem == null) {
            return null;
        }
        console.println("unhealthy: " + problem);
        return spec.stopOnUnhealthy() ? problem : null;
    }

    /**
     * D's mean belief sigmoid(logit) on the images, with the logits the training step uses: the
     * projection head's sum of two columns, and weights divided by their spectral norm (20 power
     * iterations on a copy of D, so training's own vectors are not touched).
     */
    private double meanProbability(MultiLayerNetwork trained, INDArray images, int[] imageLabels) {
        MultiLayerNetwork discriminator = trained;
        if (recipe.spectralNorm()) {
            discriminator = trained.clone();
            SpectralNorm norm = new SpectralNorm(discriminator, 0);
            for (int i = 0; i < 20; i++) {
                norm.normalize();
                norm.restore(false);
            }
            norm.normalize();
        }
        boolean labelMaps = conditional && !recipe.projection();
        long n = images.size(0);
        double sum = 0;
        for (long start = 0; start < n; start += BATCH) {
            long end = Math.min(n, start + BATCH);
            INDArray batch = images.get(NDArrayIndex.interval(start, end));
            int rows = (int) (end - start);
            INDArray oneHot =
                    labelMaps
                            ? Conditioning.oneHot(
                                    Arrays.copyOfRange(imageLabels, (int) start, (int) end),
                                    Nd4j.create(batch.dataType(), rows, classes))
                            : null;
            INDArray input =
                    Conditioning.discriminatorInput(
                            batch,
                            oneHot,
                            Nd4j.create(
                                    batch.dataType(),
                                    rows,
                                    batch.size(1) + (labelMaps ? classes : 0),
                                    batch.size(2),
                                    batch.size(3)));
            INDArray output = discriminator.output(input, false);
            for (int i = 0; i < rows; i++) {
                double logit = output.getDouble(i, 0);
                if (recipe.projection()) {
                    logit += output.getDouble(i, 1 + imageLabels[(int) start + i]);
                }
                sum += 1.0 / (1.0 + Math.exp(-logit));
            }
        }
        return sum / n;
    }
}
