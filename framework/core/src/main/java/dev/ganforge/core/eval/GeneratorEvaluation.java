package dev.ganforge.core.eval;

import dev.ganforge.config.PluginSection;
import dev.ganforge.core.spec.EvaluationSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.EvaluationSizes;
import dev.ganforge.spi.EvaluatorPlugin;
import dev.ganforge.spi.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates a generator against a fixed real reference set through the domain classifier. The real
 * set (at most {@code samples_per_class} seeded picks per class) and its features are computed once
 * and kept, so every evaluation of a run reuses the same real statistics. Each call runs the spec's
 * evaluator plugins and adds:
 *
 * <ul>
 *   <li>{@code eval/classifier_real_accuracy}: the classifier's held-out accuracy, the ceiling of
 *       {@code eval/label_accuracy}, {@code eval/classifier_real_accuracy/<class>}, the same per
 *       class (the ceiling of {@code eval/label_accuracy/<class>}; conditional models only), and
 *       {@code eval/classifier_real_accuracy_augmented}, the same on augmented held-out images;
 *   <li>{@code eval/cas}, for a conditional model with {@code cas.enabled}: the Classification
 *       Accuracy Score ({@link ClassificationAccuracyScore}) on the classifier's held-out real
 *       images (the mean of {@code cas.repeats} classifiers, with {@code eval/cas_sd} their
 *       standard deviation when more than one), with {@code eval/cas_ci_low} and {@code
 *       eval/cas_ci_high}, the 90 % Wilson interval of that score over the held-out images ({@link
 *       ClassificationAccuracyScore#wilsonInterval}): the test images' part of its uncertainty
 *       only, the classifiers' part being {@code eval/cas_sd} / √repeats (unreported with one
 *       classifier); and {@code eval/cas_real}: the same protocol (classifier, epochs,
 *       augmentation, seed) trained on as many real training images per class as there are
 *       generated ones, which is the score a perfect generator would approach at these settings and
 *       so the ceiling to read {@code eval/cas} against; it does not depend on the generator, so it
 *       is computed once and kept in the {@link ScoreCache} (beside the cached domain classifier,
 *       for later runs);
 *   <li>{@code eval/samples} and {@code eval/real_samples}: the generated and real sample counts;
 *   <li>{@code health/min_diversity_ratio} and {@code health/collapsed_classes}: per class, the
 *       mean pairwise feature distance of the generated samples divided by that of the real samples
 *       (for an unconditional model, over all samples); a class whose ratio is below {@code
 *       collapse_ratio} counts as collapsed.
 * </ul>
 */
public final class GeneratorEvaluation {

    /**
     * Produces images for given latent vectors and labels: the generator, or a stand-in in tests.
     */
    @FunctionalInterface
    public interface ImageSource {
        /**
         * @param z latent vectors {@code [M, latentDim]}
         * @param labels the class asked for per sample, length M
         * @return images {@code [M, C, H, W]} in [-1, 1]
         */
        INDArray images(INDArray z, int[] labels);
    }

    /**
     * What one evaluation found.
     *
     * @param metrics metric name to value, in report order
     * @param generatedImages the generated images {@code [M, C, H, W]}
     * @param collapsedClasses names of the classes found collapsed (empty if none)
     */
    public record Result(
            Map<String, Double> metrics, INDArray generatedImages, List<String> collapsedClasses) {}

    private final EvaluationSpec spec;
    private final DomainClassifier classifier;
    private final boolean conditional;
    private final List<String> classNames;
    private final INDArray realImages;
    private final int[] realLabels;
    private final INDArray realFeatures;
    private final double[] realDiversity;
    private final INDArray heldOutImages;
    private final int[] heldOutLabels;
    private final int[] trainRows;
    private final LabeledImages data;
    private final long seed;
    private final Map<String, Double> heldOutAccuracyPerClass;
    private final ScoreCache scores;

    /**
     * Picks the real reference set and computes its features.
     *
     * @param spec the evaluation settings
     * @param data the real labelled images
     * @param classifier the domain classifier of that data
     * @param conditional whether the generator takes labels
     * @param seed the experiment seed (selects the real reference images)
     * @param scores where {@code eval/cas_real} is kept once computed: {@link ScoreCache#in} the
     *     classifier's cache folder, or {@link ScoreCache#inMemory()}
     */
    public GeneratorEvaluation(
            EvaluationSpec spec,
            LabeledImages data,
            DomainClassifier classifier,
            boolean conditional,
            long seed,
            ScoreCache scores) {
        this.spec = spec;
        this.scores = scores;
        this.classifier = classifier;
        this.conditional = conditional;
        this.classNames = data.classNames();
        int[] rows = referenceRows(data.labels(), data.numClasses(), spec.samplesPerClass(), seed);
        this.realImages = ClassifierTraining.rows(data.images(), rows);
        this.realLabels = ClassifierTraining.pick(data.labels(), rows);
        this.realFeatures = classifier.outputs(realImages).features();
        this.realDiversity = diversity(realFeatures.toDoubleMatrix(), realLabels);
        // the domain classifier's own held-out split: the real images no classifier trains on
        ClassifierTraining.Split split =
                ClassifierTraining.split(
                        data.labels(),
                        data.numClasses(),
                        spec.classifier(),
                        spec.classifier().seedFor(seed));
        int[] heldOut = split.heldOut();
        this.trainRows = split.train();
        this.data = data;
        this.heldOutImages = ClassifierTraining.rows(data.images(), heldOut);
        this.heldOutLabels = ClassifierTraining.pick(data.labels(), heldOut);
        this.heldOutAccuracyPerClass = conditional ? accuracyPerClass() : Map.of();
        this.seed = seed;
    }

    /**
     * @return the real reference images {@code [N, C, H, W]}
     */
    public INDArray realImages() {
        return realImages;
    }

    /**
     * @return the class of each real reference image
     */
    public int[] realLabels() {
        return realLabels.clone();
    }

    /**
     * @param classes K
     * @param perClass samples per class
     * @return labels of the fixed generated set: {@code perClass} of class 0, then of class 1, …
     */
    public static int[] fixedLabels(int classes, int perClass) {
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / perClass;
        }
        return labels;
    }

    /**
     * @param source the generator (or a stand-in)
     * @param z the fixed latent vectors {@code [M, latentDim]}
     * @param labels the fixed labels, length M, from {@link #fixedLabels}
     * @param progress told as the work goes on, in this order: task {@code eval/generate} after
     *     each batch of {@value #GENERATION_BATCH} generated images (units: images), {@code
     *     eval/metrics} after the classifier's features and after each evaluator plugin (units:
     *     those steps), then after each update of the CAS classifiers' training: {@code eval/cas}
     *     and, when it is not cached yet, {@code eval/cas_real}
     * @return the metrics and the generated images
     * @throws IllegalArgumentException if an evaluator rejects the input
     * @throws java.util.concurrent.CancellationException from {@code progress}
     * @throws java.io.UncheckedIOException if the cached {@code eval/cas_real} cannot be read or
     *     written ({@link ScoreCache})
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Result evaluate(ImageSource source, INDArray z, int[] labels, WorkProgress progress) {
        INDArray generated = generate(source, z, labels, progress);
        int metricSteps = spec.evaluators().size() + 1;
        progress.update("eval/metrics", 0, metricSteps);
        DomainClassifier.Outputs outputs = classifier.outputs(generated);
        progress.update("eval/metrics", 1, metricSteps);
        EvaluationInput input =
                new EvaluationInput(
                        DomainClassifier.BACKBONE,
                        classNames,
                        conditional,
                        realLabels,
                        realFeatures,
                        labels,
                        outputs.features(),
                        outputs.probabilities());
        Map<String, Double> metrics = new LinkedHashMap<>();
        int metricStep = 1;
        for (PluginSection section : spec.evaluators()) {
            EvaluatorPlugin evaluator = section.plugin(EvaluatorPlugin.class);
            metrics.putAll(evaluator.evaluate(section.spec(), input));
            progress.update("eval/metrics", ++metricStep, metricSteps);
        }
        if (conditional && spec.cas().enabled()) {
            double[] scores = repeatedScore(generated, labels, progress, "eval/cas");
            double cas = mean(scores);
            metrics.put("eval/cas", cas);
            if (scores.length > 1) {
                metrics.put("eval/cas_sd", sampleStandardDeviation(scores));
            }
            if (heldOutLabels.length > 0) {
                double[] interval =
                        ClassificationAccuracyScore.wilsonInterval(
                                cas, heldOutLabels.length, ClassificationAccuracyScore.Z_90);
                metrics.put("eval/cas_ci_low", interval[0]);
                metrics.put("eval/cas_ci_high", interval[1]);
            }
            metrics.put("eval/cas_real", casReal(labels, progress));
        }
        metrics.put("eval/classifier_real_accuracy", classifier.heldOutAccuracy());
        metrics.putAll(heldOutAccuracyPerClass);
        metrics.put(
                "eval/classifier_real_accuracy_augmented", classifier.heldOutAugmentedAccuracy());
        metrics.put("eval/samples", (double) labels.length);
        metrics.put("eval/real_samples", (double) realLabels.length);
        double[] generatedDiversity = diversity(outputs.features().toDoubleMatrix(), labels);
        List<String> collapsed = new ArrayList<>();
        double minimum = Double.NaN;
        for (int k = 0; k < generatedDiversity.length; k++) {
            double ratio = generatedDiversity[k] / realDiversity[k];
            if (!Double.isFinite(ratio)) {
                continue;
            }
            if (conditional) {
                metrics.put(
                        "health/diversity_ratio/"
                                + EvaluationInput.classMetricPart(classNames.get(k)),
                        ratio);
            }
            minimum = Double.isNaN(minimum) ? ratio : Math.min(minimum, ratio);
            if (ratio < spec.collapseRatio()) {
                collapsed.add(conditional ? classNames.get(k) : "all samples");
            }
        }
        metrics.put("health/min_diversity_ratio", minimum);
        metrics.put("health/collapsed_classes", (double) collapsed.size());
        return new Result(metrics, generated, collapsed);
    }

    /** Images generated per call of the {@link ImageSource}, between two progress reports. */
    static final int GENERATION_BATCH = 256;

    /**
     * @return the images for all of {@code z} and {@code labels}, {@code [M, C, H, W]}, generated
     *     {@link #GENERATION_BATCH} at a time with task {@code eval/generate} told after each
     */
    private static INDArray generate(
            ImageSource source, INDArray z, int[] labels, WorkProgress progress) {
        int n = labels.length;
        INDArray out = null;
        for (int start = 0; start < n; start += GENERATION_BATCH) {
            int end = Math.min(n, start + GENERATION_BATCH);
            INDArray images =
                    source.images(
                            z.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                            Arrays.copyOfRange(labels, start, end));
            if (out == null) {
                long[] shape = images.shape().clone();
                shape[0] = n;
                out = Nd4j.create(images.dataType(), shape);
            }
            out.get(NDArrayIndex.interval(start, end)).assign(images);
            progress.update("eval/generate", end, n);
        }
        return out;
    }

    /**
     * @return {@code eval/classifier_real_accuracy/<class>}: per class, the share of its held-out
     *     real images the domain classifier assigns to it, the ceiling of that class's {@code
     *     eval/label_accuracy/<class>}; classes without held-out images are left out
     */
    private Map<String, Double> accuracyPerClass() {
        int classes = classNames.size();
        int[] right = new int[classes];
        int[] total = new int[classes];
        INDArray predicted = classifier.outputs(heldOutImages).probabilities().argMax(1);
        for (int i = 0; i < heldOutLabels.length; i++) {
            total[heldOutLabels[i]]++;
            if (predicted.getInt(i) == heldOutLabels[i]) {
                right[heldOutLabels[i]]++;
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (int k = 0; k < classes; k++) {
            if (total[k] > 0) {
                accuracy.put(
                        "eval/classifier_real_accuracy/"
                                + EvaluationInput.classMetricPart(classNames.get(k)),
                        (double) right[k] / total[k]);
            }
        }
        return accuracy;
    }

    /**
     * The CAS protocol trained on real images: per class as many of the domain classifier's
     * training images (never its held-out ones, on which both scores are tested) as the generated
     * set has, in the split's seeded order, or all of that class's training images where it has
     * fewer (a small {@code max_images}); computed once per count of samples per class and CAS
     * settings, then read from the {@link ScoreCache}.
     *
     * @param labels the generated set's labels, which give the count per class
     * @param progress told after each update of its training
     * @return the held-out accuracy of that classifier, in [0, 1]
     */
    private double casReal(int[] labels, WorkProgress progress) {
        int[] wanted = new int[classNames.size()];
        for (int label : labels) {
            wanted[label]++;
        }
        // the cache folder's own key covers the data, the classifier settings (split, augmentation)
        // and the classifier's seed; this key adds what else the CAS protocol depends on
        String key =
                "eval/cas_real|"
                        + ClassificationAccuracyScore.PROTOCOL
                        + "|epochs="
                        + spec.cas().epochs()
                        + "|batch="
                        + spec.cas().batchSize()
                        + "|lr="
                        + spec.cas().learningRate()
                        + "|"
                        + spec.classifier().augmentation().key()
                        + "|seed="
                        + seed
                        + "|per_class="
                        + Arrays.toString(wanted)
                        // one classifier keeps the key of before, so its cached ceilings stay valid
                        + (spec.cas().repeats() == 1 ? "" : "|repeats=" + spec.cas().repeats());
        return scores.computeIfAbsent(key, () -> casRealFor(wanted, progress));
    }

    private double casRealFor(int[] perClass, WorkProgress progress) {
        int[] wanted = perClass.clone();
        int[] dataLabels = data.labels();
        List<Integer> rows = new ArrayList<>();
        for (int row : trainRows) {
            if (wanted[dataLabels[row]] > 0) {
                wanted[dataLabels[row]]--;
                rows.add(row);
            }
        }
        int[] picked = rows.stream().mapToInt(Integer::intValue).toArray();
        return mean(
                repeatedScore(
                        ClassifierTraining.rows(data.images(), picked),
                        ClassifierTraining.pick(dataLabels, picked),
                        progress,
                        "eval/cas_real"));
    }

    /**
     * @return the CAS of {@code images} from {@code cas.repeats} classifiers: the first seeded as a
     *     single one always was, repeat r from that seed plus r times a fixed odd step; progress
     *     counts the updates of all of them under {@code task}
     */
    double[] repeatedScore(INDArray images, int[] imageLabels, WorkProgress progress, String task) {
        int repeats = spec.cas().repeats();
        double[] scores = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            int repeat = r;
            WorkProgress offset =
                    repeats == 1
                            ? progress
                            : (name, done, total) ->
                                    progress.update(name, repeat * total + done, repeats * total);
            long repeatSeed = (seed ^ 0x4341535FL) + r * 0x9E3779B97F4A7C15L;
            scores[r] =
                    ClassificationAccuracyScore.score(
                            images,
                            imageLabels,
                            classNames,
                            heldOutImages,
                            heldOutLabels,
                            spec.cas(),
                            spec.classifier().augmentation(),
                            repeatSeed,
                            offset,
                            task);
        }
        return scores;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    /**
     * @return the sample standard deviation (n − 1 in the denominator), values.length ≥ 2
     */
    static double sampleStandardDeviation(double[] values) {
        double mean = mean(values);
        double sum = 0;
        for (double value : values) {
            sum += (value - mean) * (value - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    /**
     * @return mean pairwise Euclidean distance per class (one entry over all rows if
     *     unconditional); NaN below 2
     */
    private double[] diversity(double[][] features, int[] labels) {
        int groups = conditional ? classNames.size() : 1;
        double[] sum = new double[groups];
        long[] pairs = new long[groups];
        for (int i = 0; i < features.length; i++) {
            for (int j = i + 1; j < features.length; j++) {
                int group = conditional ? labels[i] : 0;
                if (conditional && labels[j] != group) {
                    continue;
                }
                sum[group] += euclidean(features[i], features[j]);
                pairs[group]++;
            }
        }
        double[] mean = new double[groups];
        for (int g = 0; g < groups; g++) {
            mean[g] = pairs[g] == 0 ? Double.NaN : sum[g] / pairs[g];
        }
        return mean;
    }

    /**
     * The sizes of every evaluation set of a run on this data: as many real reference samples as
     * {@link #GeneratorEvaluation} picks (at most {@code samples_per_class} per class) and K ·
     * {@code samples_per_class} generated ones.
     *
     * @param spec the evaluation settings
     * @param data the real labelled images, at least one
     * @param conditional whether the generator takes labels
     * @return the sizes
     */
    public static EvaluationSizes sizes(
            EvaluationSpec spec, LabeledImages data, boolean conditional) {
        // the same calls that pick the sets, so the sizes cannot drift from them (the count of
        // reference rows does not depend on the seed)
        int real =
                referenceRows(data.labels(), data.numClasses(), spec.samplesPerClass(), 0).length;
        int generated = fixedLabels(data.numClasses(), spec.samplesPerClass()).length;
        return new EvaluationSizes(real, generated, data.numClasses(), conditional);
    }

    /**
     * Asks every evaluator whether its settings suit sets of these sizes ({@link
     * EvaluatorPlugin#checkSizes}).
     *
     * @param spec the evaluation settings
     * @param sizes from {@link #sizes}
     * @return every problem, each starting with the evaluator's key ({@code
     *     evaluation.evaluators[i]}) and type; empty when all accept
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static List<String> sizeProblems(EvaluationSpec spec, EvaluationSizes sizes) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < spec.evaluators().size(); i++) {
            PluginSection section = spec.evaluators().get(i);
            EvaluatorPlugin evaluator = section.plugin(EvaluatorPlugin.class);
            List<String> own = evaluator.checkSizes(section.spec(), sizes);
            for (String problem : own) {
                problems.add(
                        "evaluation.evaluators[" + i + "] (" + section.type() + "): " + problem);
            }
        }
        return problems;
    }

    /**
     * @return up to {@code perClass} seeded picks of each class's indices, class by class
     */
    static int[] referenceRows(int[] labels, int classes, int perClass, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x7265616CL);
        List<Integer> rows = new ArrayList<>();
        for (List<Integer> members : byClass) {
            for (int i = members.size() - 1; i > 0; i--) {
                Collections.swap(members, i, random.nextInt(i + 1));
            }
            rows.addAll(members.subList(0, Math.min(perClass, members.size())));
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @return the Euclidean distance of two feature vectors of equal length
     */
    private static double euclidean(double[] a, double[] b) {
        double squared = 0;
        for (int k = 0; k < a.length; k++) {
            squared += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(squared);
    }
}
