package dev.ganforge.core.eval;

import dev.ganforge.core.spec.AugmentationSpec;
import dev.ganforge.core.spec.ClassifierSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.LabeledImages;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link DomainClassifier} on real labelled data with a held-out split, deterministically
 * from a seed: a class-stratified subset of at most {@code max_images}, of which each class keeps
 * {@code holdout} (at least one image when it has two or more) out of training. Training batches
 * are augmented ({@link Augmentation}) so that the classifier cannot be satisfied by texture or
 * brightness alone.
 */
public final class ClassifierTraining {

    private ClassifierTraining() {}

    /**
     * The split of a dataset's indices.
     *
     * @param train indices used for training
     * @param heldOut indices kept out to measure accuracy
     */
    public record Split(int[] train, int[] heldOut) {}

    /**
     * @param labels the class of each image
     * @param classes K
     * @param spec subset size and held-out share
     * @param seed the shuffling seed
     * @return a stratified split: from each class a seeded shuffle of its indices, capped in
     *     proportion to max_images, with the first ceil(holdout · n_k) held out (at least one if
     *     n_k ≥ 2)
     */
    public static Split split(int[] labels, int classes, ClassifierSpec spec, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        double keep = Math.min(1.0, (double) spec.maxImages() / labels.length);
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> heldOut = new ArrayList<>();
        for (List<Integer> members : byClass) {
            shuffle(members, random);
            int used =
                    Math.max(Math.min(2, members.size()), (int) Math.round(members.size() * keep));
            int held = members.size() < 2 ? 0 : Math.max(1, (int) Math.ceil(used * spec.holdout()));
            heldOut.addAll(members.subList(0, held));
            train.addAll(members.subList(held, used));
        }
        shuffle(train, random);
        return new Split(
                train.stream().mapToInt(Integer::intValue).toArray(),
                heldOut.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Trains a new classifier with the spec's augmentation and measures its held-out accuracy, on
     * the held-out images as they are and on {@value #AUGMENTED_COPIES} seeded augmented copies of
     * each.
     *
     * @param data the real labelled images {@code [N, C, H, W]} in [-1, 1]
     * @param spec training settings
     * @param seed seed of the split, the shuffling, the augmentation and the weights
     * @param console where progress lines go
     * @param progress reports the updates, as task {@value #TASK}
     * @return the trained classifier
     * @throws IllegalArgumentException if the data has fewer than two images
     * @throws java.util.concurrent.CancellationException from {@code progress}
     */
    public static DomainClassifier train(
            LabeledImages data,
            ClassifierSpec spec,
            long seed,
            PrintStream console,
            WorkProgress progress) {
        if (data.size() < 2) {
            throw new IllegalArgumentException(
                    "a classifier needs at least 2 images, found " + data.size());
        }
        int classes = data.numClasses();
        Split split = split(data.labels(), classes, spec, seed);
        MultiLayerNetwork network =
                DomainClassifier.build(data.shape(), classes, spec.learningRate(), seed);
        int batch = Math.min(spec.batchSize(), split.train().length);
        int perEpoch = Math.max(1, split.train().length / batch);
        int epochs = Math.max(spec.epochs(), (spec.minUpdates() + perEpoch - 1) / perEpoch);
        console.printf(
                Locale.ROOT,
                "domain classifier: training on %d images (%d epochs, %d updates of %d)%n",
                split.train().length,
                epochs,
                epochs * perEpoch,
                batch);
        long started = System.nanoTime();
        fit(
                network,
                data.images(),
                data.labels(),
                split.train(),
                classes,
                batch,
                epochs,
                spec.augmentation(),
                seed ^ 0x5DEECE66DL,
                progress,
                TASK);
        DomainClassifier untested =
                new DomainClassifier(network, Double.NaN, Double.NaN, data.classNames());
        INDArray heldOutImages = rows(data.images(), split.heldOut());
        int[] heldOutLabels = pick(data.labels(), split.heldOut());
        double accuracy = accuracy(untested, heldOutImages, heldOutLabels);
        double augmented =
                augmentedAccuracy(
                        untested, heldOutImages, heldOutLabels, spec.augmentation(), seed);
        console.printf(
                Locale.ROOT,
                "domain classifier: %d epochs (%d updates of %d) on %d images in %.1f s;"
                        + " held-out accuracy %.4f on %d images, %.4f augmented%n",
                epochs,
                epochs * perEpoch,
                batch,
                split.train().length,
                (System.nanoTime() - started) / 1e9,
                accuracy,
                split.heldOut().length,
                augmented);
        return new DomainClassifier(network, accuracy, augmented, data.classNames());
    }

    /** The task name {@link #train} reports its progress under. */
    public static final String TASK = "domain classifier";

    /** How many augmented copies of each held-out image the augmented accuracy averages over. */
    public static final int AUGMENTED_COPIES = 4;

    /**
     * @param classifier a classifier
     * @param images held-out images {@code [N, C, H, W]} in [-1, 1]
     * @param labels their classes
     * @param augmentation the transformations
     * @param seed seeds the transformations
     * @return the accuracy on {@value #AUGMENTED_COPIES} augmented copies of each image (NaN if N =
     *     0; the plain accuracy if {@code augmentation} changes nothing)
     */
    public static double augmentedAccuracy(
            DomainClassifier classifier,
            INDArray images,
            int[] labels,
            AugmentationSpec augmentation,
            long seed) {
        if (!augmentation.changesImages()) {
            return accuracy(classifier, images, labels);
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x6175676DL);
        double sum = 0;
        for (int copy = 0; copy < AUGMENTED_COPIES; copy++) {
            sum += accuracy(classifier, Augmentation.apply(images, augmentation, random), labels);
        }
        return sum / AUGMENTED_COPIES;
    }

    /**
     * Trains a network with mini-batch updates: each epoch a seeded shuffle of {@code rows}, cut
     * into {@code rows.length / batch} batches (the remainder is left for the next epoch's
     * shuffle), each batch augmented. A change that changes what it learns must bump {@link
     * ClassificationAccuracyScore#PROTOCOL} (cached {@code eval/cas_real} scores).
     *
     * @param network the network to train, input {@code [B, C, H, W]}, softmax output {@code [B,
     *     K]}
     * @param images {@code [N, C, H, W]} in [-1, 1]
     * @param labels the class of each image, in [0, K)
     * @param rows the indices to train on
     * @param classes K
     * @param batch examples per update, 1 ≤ batch ≤ rows.length
     * @param epochs passes over {@code rows}
     * @param augmentation the transformations applied to each batch
     * @param seed seeds the shuffles and the augmentation
     * @param progress told after each update: {@code (task, updates done, epochs · max(1,
     *     rows.length / batch))}
     * @param task the name it is told
     * @throws java.util.concurrent.CancellationException from {@code progress}; the network is then
     *     partly trained
     */
    public static void fit(
            MultiLayerNetwork network,
            INDArray images,
            int[] labels,
            int[] rows,
            int classes,
            int batch,
            int epochs,
            AugmentationSpec augmentation,
            long seed,
            WorkProgress progress,
            String task) {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom augmentationRandom = random.split();
        boolean augment = augmentation.changesImages();
        int perEpoch = Math.max(1, rows.length / batch);
        int[] order = rows.clone();
        long total = (long) epochs * perEpoch;
        long done = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, random);
            for (int b = 0; b < perEpoch; b++) {
                int[] picked = Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
                INDArray input = rows(images, picked);
                if (augment) {
                    input = Augmentation.apply(input, augmentation, augmentationRandom);
                }
                network.fit(new DataSet(input, oneHot(labels, picked, classes)));
                progress.update(task, ++done, total);
            }
        }
    }

    /**
     * @param classifier a classifier
     * @param images {@code [N, C, H, W]}
     * @param labels the true class of each image
     * @return the share classified right (arg-max), NaN if N = 0
     */
    public static double accuracy(DomainClassifier classifier, INDArray images, int[] labels) {
        if (labels.length == 0) {
            return Double.NaN;
        }
        INDArray predicted = classifier.outputs(images).probabilities().argMax(1);
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            hits += predicted.getInt(i) == labels[i] ? 1 : 0;
        }
        return (double) hits / labels.length;
    }

    /**
     * @return copies of the given rows of {@code [N, C, H, W]} images, in that order
     */
    public static INDArray rows(INDArray images, int[] rows) {
        long[] shape = images.shape().clone();
        shape[0] = rows.length;
        if (rows.length == 0) {
            return Nd4j.create(images.dataType(), shape);
        }
        INDArray flat = images.reshape(images.size(0), images.length() / images.size(0));
        return Nd4j.pullRows(flat, 1, rows).reshape(shape);
    }

    /**
     * @return {@code values[rows[i]]} for each i
     */
    public static int[] pick(int[] values, int[] rows) {
        int[] picked = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            picked[i] = values[rows[i]];
        }
        return picked;
    }

    private static INDArray oneHot(int[] labels, int[] rows, int classes) {
        INDArray out = Nd4j.create(DataType.FLOAT, rows.length, classes);
        for (int i = 0; i < rows.length; i++) {
            out.putScalar(i, labels[rows[i]], 1.0);
        }
        return out;
    }

    private static void shuffle(List<Integer> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    private static void shuffle(int[] array, SplittableRandom random) {
        for (int i = array.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = array[i];
            array[i] = array[j];
            array[j] = t;
        }
    }
}
