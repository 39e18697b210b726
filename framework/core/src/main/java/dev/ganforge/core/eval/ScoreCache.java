package dev.ganforge.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.DataFingerprint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * the key and the value; it is written under a temporary name of its own ({@link
 * Folders#writeAtomicallyShared}) and renamed into place, so a crash never leaves a torn file; of
 * processes that compute the same score at once (the trials of a sweep) the last rename wins. A
 * score that is not finite (no held-out images) is kept in memory only. Deleting the files, or the
 * classifier's folder, computes the scores again.
 *
 * <p>The disk is a saving, never a reason to fail a run: a damaged file is reported and computed
 * again (then replaced), a file that cannot be written is reported and the score kept in memory,
 * and nothing is written while the folder does not exist (its classifier is being replaced, or was
 * deleted), so the cache never recreates a classifier's folder without its classifier.
 */
public final class ScoreCache {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path folder;
    private final PrintStream console;
    private final Map<String, Double> memory = new HashMap<>();

    private ScoreCache(Path folder, PrintStream console) {
        this.folder = folder;
        this.console = console;
    }

    /**
     * @return a cache that keeps scores for the life of the process only
     */
    public static ScoreCache inMemory() {
        return new ScoreCache(null, null);
    }

    /**
     * @param folder where the score files go, normally the domain classifier's cache folder ({@link
     *     ClassifierStore#folder(String)}); never created by the cache
     * @param console where a file that cannot be read or written is reported
     * @return a cache kept in that folder
     */
    public static ScoreCache in(Path folder, PrintStream console) {
        return new ScoreCache(folder, console);
    }

    /**
     * @param key every input the score depends on beyond the folder's own key, in one string
     * @param compute computes the score when it is not cached
     * @return the cached score, or the newly computed one (then cached)
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
        if (file != null && Double.isFinite(value) && Files.isDirectory(folder)) {
            write(file, key, value);
        }
        return value;
    }

    static String fileName(String key) {
        byte[] hash = DataFingerprint.sha256().digest(key.getBytes(StandardCharsets.UTF_8));
        return "score-" + HexFormat.of().formatHex(hash).substring(0, 16) + ".json";
    }

    /**
     * @return the stored value, or NaN if the file holds another key (a hash collision) or cannot
     *     be read (reported)
     */
    private double read(Path file, String key) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            JsonNode value = node.path("value");
            if (!node.path("key").isTextual() || !value.isNumber()) {
                throw new IOException(
                        "expected an object with a text \"key\" and a number \"value\"");
            }
            return key.equals(node.path("key").asText()) ? value.asDouble() : Double.NaN;
        } catch (IOException e) {
            console.println(
                    "evaluation: cannot read the cached score "
                            + file
                            + " ("
                            + Folders.reason(e)
                            + "); computing it again");
            return Double.NaN;
        }
    }

    private void write(Path file, String key, double value) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", key);
        node.put("value", value);
        try {
            Folders.writeAtomicallyShared(
                    file,
                    target ->
                            Files.writeString(
                                    target,
                                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node),
                                    StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            console.println(
                    "evaluation: " + e.getMessage() + "; the score is kept for this process only");
        }
    }
}
