package dev.ganforge.core.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.DataFingerprint;
import dev.ganforge.core.spec.ClassifierSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The classifier cache: one folder per fingerprint under {@code evaluation.classifier.cache},
 * holding {@code classifier.zip} (the DL4J network) and {@code classifier.json} (held-out accuracy,
 * classes, image counts). A classifier is trained once per data and settings and reused by every
 * run. The folder also keeps the scores computed on that classifier's split of the real data
 * ({@link ScoreCache}: {@code eval/cas_real}).
 *
 * <p>The fingerprint is a SHA-256 of the <em>decoded</em> data (the float32 image bytes, shape,
 * labels and class names), so it covers whatever a dataset plugin does (file contents, resizing,
 * channel conversion) for every dataset type alike, plus the classifier settings (augmentation
 * included, so a changed augmentation trains a new classifier) and seed. Folders are written under
 * a temporary name of their own and renamed into place, so a crash never leaves a half-written one,
 * and processes that train the same classifier at once (the trials of a sweep) each finish: the
 * first to rename wins and the others use their own, equal, copy.
 */
public final class ClassifierStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARCHITECTURE =
            "ganforge-cnn-v1"; // bump when DomainClassifier.build changes
    private final Path folder;

    /**
     * @param folder the cache folder (created when first written)
     */
    public ClassifierStore(Path folder) {
        this.folder = folder;
    }

    /**
     * Loads the cached classifier for the data, or trains and caches one. The caller computes the
     * fingerprint (hashing a large data set takes a second) because it needs it again, for {@link
     * #folder(String)}.
     *
     * @param fingerprint {@link #fingerprint} of {@code data}, {@code spec} and {@code seed}
     * @param data the real labelled images
     * @param spec classifier settings
     * @param seed the classifier's seed ({@link ClassifierSpec#seedFor})
     * @param retrain train again even if a cached classifier exists
     * @param console where progress lines go
     * @param progress reports the training, when there is any
     * @return the classifier and its held-out accuracy
     * @throws UncheckedIOException if the cache cannot be read or written
     * @throws java.util.concurrent.CancellationException from {@code progress}; nothing is cached
     *     then
     */
    public DomainClassifier loadOrTrain(
            String fingerprint,
            LabeledImages data,
            ClassifierSpec spec,
            long seed,
            boolean retrain,
            PrintStream console,
            WorkProgress progress) {
        Path target = folder(fingerprint);
        try {
            if (!retrain && Files.isRegularFile(target.resolve("classifier.json"))) {
                ObjectNode info =
                        (ObjectNode) JSON.readTree(target.resolve("classifier.json").toFile());
                MultiLayerNetwork network =
                        ModelSerializer.restoreMultiLayerNetwork(
                                target.resolve("classifier.zip").toFile(), false);
                double accuracy = info.path("held_out_accuracy").asDouble();
                double augmented = info.path("held_out_augmented_accuracy").asDouble(Double.NaN);
                console.printf(
                        Locale.ROOT,
                        "domain classifier: cached in %s, held-out accuracy %.4f, %.4f augmented%n",
                        target,
                        accuracy,
                        augmented);
                return new DomainClassifier(network, accuracy, augmented, data.classNames());
            }
            console.println(
                    retrain
                            ? "domain classifier: training a new one, as asked (retrain)"
                            : "domain classifier: none cached in "
                                    + folder
                                    + " for this data and these settings; training one, cached"
                                    + " for later runs");
            DomainClassifier classifier =
                    ClassifierTraining.train(data, spec, seed, console, progress);
            // one temporary folder per writer: the trials of a sweep that start together train the
            // same classifier at the same time
            Files.createDirectories(folder);
            removeAbandonedTemporaries(console);
            Path temporary = Files.createTempDirectory(folder, target.getFileName() + ".tmp-");
            try {
                return store(classifier, temporary, target, spec, data, seed, retrain, console);
            } finally {
                // gone after a move; left behind only by a failed write
                Folders.deleteTree(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot use the classifier cache " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param fingerprint a classifier's {@link #fingerprint}
     * @return the folder that holds that classifier once it is stored, and the scores cached with
     *     it ({@link ScoreCache}); a retrained classifier replaces the folder and so drops them
     */
    public Path folder(String fingerprint) {
        return folder.resolve(fingerprint);
    }

    /**
     * How old a writer's temporary folder must be before another writer deletes it as abandoned
     * (its process was killed mid-write): no classifier takes a day to write.
     */
    static final Duration ABANDONED_AFTER = Duration.ofHours(24);

    /**
     * Deletes temporary folders ({@code <fingerprint>.tmp-*}) older than {@link #ABANDONED_AFTER},
     * which writers killed between training and storing leave behind. A folder that cannot be
     * deleted is left and named on the console.
     */
    private void removeAbandonedTemporaries(PrintStream console) throws IOException {
        Instant cutoff = Instant.now().minus(ABANDONED_AFTER);
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().contains(".tmp-")
                        && Files.isDirectory(entry)
                        && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                    try {
                        Folders.deleteTree(entry);
                    } catch (IOException e) {
                        console.println(
                                "domain classifier: cannot delete the abandoned "
                                        + entry
                                        + ": "
                                        + e);
                    }
                }
            }
        }
    }

    /** Writes the classifier into {@code temporary} and moves that to {@code target}. */
    private DomainClassifier store(
            DomainClassifier classifier,
            Path temporary,
            Path target,
            ClassifierSpec spec,
            LabeledImages data,
            long seed,
            boolean retrain,
            PrintStream console)
            throws IOException {
        ModelSerializer.writeModel(
                classifier.network(), temporary.resolve("classifier.zip").toFile(), false);
        ObjectNode info = JSON.createObjectNode();
        info.put("held_out_accuracy", classifier.heldOutAccuracy());
        info.put("held_out_augmented_accuracy", classifier.heldOutAugmentedAccuracy());
        info.put("augmentation", spec.augmentation().key());
        info.put("backbone", DomainClassifier.BACKBONE);
        info.put("images", data.size());
        info.put("shape", data.shape().toString());
        info.putPOJO("classes", data.classNames());
        info.put("seed", seed);
        Files.writeString(
                temporary.resolve("classifier.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info),
                StandardCharsets.UTF_8);
        if (!retrain && Files.isRegularFile(target.resolve("classifier.json"))) {
            // another process stored the same classifier (same data, settings and seed) first
            console.println("domain classifier: stored meanwhile by another process in " + target);
            return classifier;
        }
        Folders.deleteTree(target);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException raced) {
            // Linux reports a rename onto a non-empty folder as ENOTEMPTY, which Java raises as a
            // plain FileSystemException, not as one of its two subclasses for this case
            if (!Files.isRegularFile(target.resolve("classifier.json"))) {
                throw raced;
            }
            console.println("domain classifier: stored meanwhile by another process in " + target);
            return classifier;
        }
        console.println("domain classifier: stored in " + target);
        return classifier;
    }

    /**
     * @param data decoded images, labels and class names
     * @param spec classifier settings (all but the cache folder enter the key, the augmentation
     *     too)
     * @param seed the training seed
     * @return 16 hex digits of the data's SHA-256, '-', 8 hex digits of the settings' SHA-256
     */
    public static String fingerprint(LabeledImages data, ClassifierSpec spec, long seed) {
        String settings =
                ARCHITECTURE
                        + "|"
                        + spec.maxImages()
                        + "|"
                        + spec.holdout()
                        + "|"
                        + spec.epochs()
                        + "|"
                        + spec.minUpdates()
                        + "|"
                        + spec.batchSize()
                        + "|"
                        + spec.learningRate()
                        + "|"
                        + spec.augmentation().key()
                        + "|"
                        + seed;
        String dataHash = DataFingerprint.of(data);
        String settingsHash =
                HexFormat.of()
                        .formatHex(sha256().digest(settings.getBytes(StandardCharsets.UTF_8)));
        return dataHash + "-" + settingsHash.substring(0, 8);
    }

    private static MessageDigest sha256() {
        return DataFingerprint.sha256();
    }
}
