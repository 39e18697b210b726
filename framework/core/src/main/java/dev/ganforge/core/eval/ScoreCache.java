package dev.ganforge.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.DataFingerprint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Scores that depend only on the real data and fixed settings, never on a generator ({@code
 * eval/cas_real}: a classifier trained on real images), kept so that they are computed once: in
 * memory for the process, and, for a cache on disk, in the domain classifier's cache folder beside
 * {@code classifier.zip}, so later runs, resumed runs and {@code ganforge evaluate} reuse them.
 *
 * <p>On disk each score is one file {@code score-<16 hex digits of the key's SHA-256>.json} holding
 * the key and the value; it is written under a temporary name of its own and renamed into place, so
 * a crash never leaves a torn file and processes that compute the same score at once (the trials of
 * a sweep) each finish with an equal value. A score that is not finite (no held-out images) is kept
 * in memory only. Deleting the files, or the classifier's folder, computes the scores again.
 */
public final class ScoreCache {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path folder;
    private final Map<String, Double> memory = new HashMap<>();

    private ScoreCache(Path folder) {
        this.folder = folder;
    }

    /**
     * @return a cache that keeps scores for the life of the process only
     */
    public static ScoreCache inMemory() {
        return new ScoreCache(null);
    }

    /**
     * @param folder where the score files go (created when the first is written), normally the
     *     domain classifier's cache folder ({@link ClassifierStore#folder(String)})
     * @return a cache kept in that folder
     */
    public static ScoreCache in(Path folder) {
        return new ScoreCache(folder);
    }

    /**
     * @param key every input the score depends on beyond the folder's own key, in one string
     * @param compute computes the score when it is not cached
     * @return the cached score, or the newly computed one (then cached)
     * @throws UncheckedIOException naming the file if a cached score cannot be read (delete it to
     *     compute the score again) or a new one cannot be written
     * @throws RuntimeException whatever {@code compute} throws ({@link
     *     java.util.concurrent.CancellationException} when a run is stopped); nothing is cached
     *     then
     */
    public double computeIfAbsent(String key, DoubleSupplier compute) {
        Double known = memory.get(key);
        if (known != null) {
            return known;
        }
        Path file = folder == null ? null : folder.resolve(fileName(key));
        if (file != null && Files.isRegularFile(file)) {
            double stored = read(file, key);
            if (!Double.isNaN(stored)) {
                memory.put(key, stored);
                return stored;
            }
        }
        double value = compute.getAsDouble();
        memory.put(key, value);
        if (file != null && Double.isFinite(value)) {
            write(file, key, value);
        }
        return value;
    }

    static String fileName(String key) {
        byte[] hash = DataFingerprint.sha256().digest(key.getBytes(StandardCharsets.UTF_8));
        return "score-" + HexFormat.of().formatHex(hash).substring(0, 16) + ".json";
    }

    /**
     * @return the stored value, or NaN if the file holds another key (a hash collision)
     */
    private static double read(Path file, String key) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            JsonNode value = node.path("value");
            if (!node.path("key").isTextual() || !value.isNumber()) {
                throw new IOException(
                        "expected an object with a text \"key\" and a number \"value\"");
            }
            return key.equals(node.path("key").asText()) ? value.asDouble() : Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the cached score "
                            + file
                            + ": "
                            + Folders.reason(e)
                            + "; delete the file to compute the score again",
                    e);
        }
    }

    private static void write(Path file, String key, double value) {
        Path temporary = null;
        try {
            Files.createDirectories(file.getParent());
            temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
            ObjectNode node = JSON.createObjectNode();
            node.put("key", key);
            node.put("value", value);
            Files.writeString(
                    temporary,
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node),
                    StandardCharsets.UTF_8);
            Files.move(
                    temporary,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException(
                    "cannot write the cached score " + file + ": " + Folders.reason(e), e);
        }
    }
}
