package dev.ganforge.core.spec;

import dev.ganforge.spi.SpecField;
import java.nio.file.Path;

/**
 * The {@code evaluation.classifier:} section: how the domain classifier is trained on the real
 * labelled data (with {@link AugmentationSpec augmentation}), and where it is cached. A leading
 * {@code ~/} in {@code cache} means the user's home.
 *
 * @param cache folder of cached classifiers, one sub-folder per data fingerprint
 * @param maxImages train on at most this many images (a seeded, class-stratified subset)
 * @param holdout share of each class kept out of training to measure accuracy
 * @param epochs passes over the training subset
 * @param minUpdates at least this many parameter updates, adding epochs for small datasets
 * @param batchSize examples per update
 * @param learningRate Adam's learning rate
 * @param augmentation the random transformations of the training images (part of the cache key)
 * @param seed seed of the classifier's held-out split, weights, shuffling and augmentation; null
 *     means the experiment's seed. Fixing it makes runs of different seeds be judged by one
 *     classifier (trained and cached once) on one held-out set; the reference rows of the
 *     real-image metrics and the CAS classifier's initialisation still follow the experiment seed
 */
public record ClassifierSpec(
        @SpecField(
                        doc = "folder of cached classifiers (~/ = home)",
                        defaultValue = "~/.cache/ganforge/classifiers")
                Path cache,
        @SpecField(
                        doc = "train on at most this many images (seeded, stratified)",
                        defaultValue = "20000",
                        min = 2)
                int maxImages,
        @SpecField(
                        doc = "share of each class held out to measure accuracy",
                        defaultValue = "0.1",
                        min = 0.01,
                        max = 0.5)
                double holdout,
        @SpecField(doc = "passes over the training subset", defaultValue = "2", min = 1, max = 1000)
                int epochs,
        @SpecField(
                        doc = "at least this many updates (adds epochs on small data)",
                        defaultValue = "300",
                        min = 1)
                int minUpdates,
        @SpecField(doc = "examples per update", defaultValue = "64", min = 1, max = 4096)
                int batchSize,
        @SpecField(doc = "Adam learning rate", defaultValue = "0.001", min = 0, max = 1)
                double learningRate,
        @SpecField(
                        doc =
                                "random translation, flip, brightness, contrast and noise in"
                                        + " training",
                        defaultValue = "{}")
                AugmentationSpec augmentation,
        @SpecField(
                        doc =
                                "seed of the classifier and its held-out split (default: the"
                                        + " experiment seed); fix it to judge runs of different"
                                        + " seeds by one classifier",
                        optional = true)
                Long seed) {

    /**
     * @param experimentSeed the run's {@code seed}
     * @return the seed the classifier is trained (and its held-out split drawn) with: {@link #seed}
     *     if given, else {@code experimentSeed}
     */
    public long seedFor(long experimentSeed) {
        return seed != null ? seed : experimentSeed;
    }

    /**
     * @return {@link #cache} with a leading {@code ~/} replaced by the user's home folder
     */
    public Path cacheFolder() {
        String text = cache.toString();
        if (text.equals("~") || text.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"))
                    .resolve(text.substring(Math.min(2, text.length())));
        }
        return cache;
    }
}
