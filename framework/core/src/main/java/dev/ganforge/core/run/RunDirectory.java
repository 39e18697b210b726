package dev.ganforge.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.core.io.ExclusiveFileLock;
import dev.ganforge.core.io.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The folder a run writes, always, whatever tracker is used:
 *
 * <pre>
 *   spec.yaml          the resolved spec (every default filled in)
 *   classes.txt        class names, one per line, line i = label i
 *   metrics.csv        see {@link MetricsLog}
 *   eval.csv           evaluation metrics, see {@link dev.ganforge.core.run.EvaluationLog}
 *   system.csv         CPU, memory and disk use sampled while training, see {@link SystemMetricsLog}
 *   status.json        {"status": RUNNING|FINISHED|FAILED|KILLED, "reason": …, "step": …, "total_steps": …}
 *   run-info.json      dataset size and classes, plugin versions, user, git commit; see {@link RunInfo}
 *   samples/           step-NNNNNNNN-real.png, -fake1.png, -fake2.png; -low-recall.png after an
 *                      evaluation that counts classes of low recall
 *   checkpoints/       see {@link CheckpointStore}
 *   mlflow.json        what has been mirrored to MLflow (only when tracking is on); see
 *                      {@code dev.ganforge.tracking.mlflow.SyncState}; mlflow.lock is held while syncing
 *   mlflow-parent-run  the MLflow run id of the sweep a trial belongs to (sweep trials only)
 *   run.lock           locked while a process trains the run (an OS lock, gone with the process)
 * </pre>
 *
 * The file names of the training side are the constants and methods below; readers of a run folder
 * (tracking, sweeps, the CLI) take them from here. {@code mlflow.json} and {@code mlflow.lock}
 * belong to the MLflow mirror and are named there.
 */
public final class RunDirectory {

    /** The resolved spec. */
    public static final String SPEC_FILE = "spec.yaml";

    /** Class names, line i = label i. */
    public static final String CLASSES_FILE = "classes.txt";

    /** Training metrics, one row per logged step. */
    public static final String METRICS_FILE = "metrics.csv";

    /** Evaluation metrics. */
    public static final String EVALUATION_FILE = "eval.csv";

    /** CPU, memory and disk use sampled while training. */
    public static final String SYSTEM_METRICS_FILE = "system.csv";

    /** The run's status. */
    public static final String STATUS_FILE = "status.json";

    /** Sample grids. */
    public static final String SAMPLES_FOLDER = "samples";

    /** Checkpoints. */
    public static final String CHECKPOINTS_FOLDER = "checkpoints";

    /**
     * A sample grid file in {@link #SAMPLES_FOLDER}: group 1 is the step, group 2 the grid's name
     * ({@code real}, {@code fake1}, {@code fake2}, {@code low-recall}).
     */
    public static final Pattern SAMPLE_FILE =
            Pattern.compile("step-(\\d+)-([A-Za-z0-9_.-]+)\\.png");

    /**
     * Locked by the process that trains the run, so a second one on the same folder refuses at
     * once.
     */
    public static final String LOCK_FILE = "run.lock";

    /** The MLflow run id of the parent sweep run, in a sweep trial's folder. */
    public static final String TRACKING_PARENT_FILE = "mlflow-parent-run";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;

    /**
     * @param root the run folder; created by {@link #create}
     */
    public RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * @return the run folder
     */
    public Path root() {
        return root;
    }

    /**
     * @return {@code spec.yaml}
     */
    public Path specFile() {
        return root.resolve(SPEC_FILE);
    }

    /**
     * @return {@code classes.txt}
     */
    public Path classesFile() {
        return root.resolve(CLASSES_FILE);
    }

    /**
     * @return {@code metrics.csv}
     */
    public Path metricsFile() {
        return root.resolve(METRICS_FILE);
    }

    /**
     * @return {@code eval.csv}
     */
    public Path evaluationFile() {
        return root.resolve(EVALUATION_FILE);
    }

    /**
     * @return {@code system.csv}
     */
    public Path systemMetricsFile() {
        return root.resolve(SYSTEM_METRICS_FILE);
    }

    /**
     * @return the {@code samples/} folder
     */
    public Path samples() {
        return root.resolve(SAMPLES_FOLDER);
    }

    /**
     * @param step the step the grid shows
     * @param name the grid's name, e.g. {@code real} or {@code fake1}
     * @return {@code samples/step-NNNNNNNN-NAME.png} (8 digits, so names sort by step); matches
     *     {@link #SAMPLE_FILE}
     */
    public Path sampleFile(long step, String name) {
        return samples().resolve(String.format(Locale.ROOT, "step-%08d-%s.png", step, name));
    }

    /**
     * Locks the run folder for one training process, creating the folder if needed.
     *
     * @return the held lock; close it when training ends (the OS releases it if the process dies)
     * @throws IllegalStateException if another process (or thread) trains this folder; the message
     *     names the folder
     * @throws UncheckedIOException if the folder or the lock file cannot be created
     */
    public ExclusiveFileLock lockForTraining() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create run folder " + root + ": " + e.getMessage(), e);
        }
        return ExclusiveFileLock.tryAcquire(root.resolve(LOCK_FILE))
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "run folder "
                                                + root
                                                + " is being trained by another ganforge process ("
                                                + LOCK_FILE
                                                + " is locked); wait for it to end or give another"
                                                + " --output"));
    }

    /**
     * @return the run's checkpoint store
     */
    public CheckpointStore checkpoints() {
        return new CheckpointStore(root.resolve(CHECKPOINTS_FOLDER));
    }

    /**
     * Creates the folder and writes the resolved spec and the class list.
     *
     * @param resolvedSpecYaml the spec with every default filled in
     * @param classNames class names in label order
     * @throws UncheckedIOException if the folder cannot be written
     */
    public void create(String resolvedSpecYaml, List<String> classNames) {
        try {
            Files.createDirectories(samples());
            Folders.writeAtomically(specFile(), resolvedSpecYaml);
            Folders.writeAtomically(classesFile(), String.join("\n", classNames) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create run folder " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the class names saved with the run, in label order
     * @throws UncheckedIOException if {@code classes.txt} is missing or unreadable
     */
    public List<String> readClassNames() {
        try {
            return Files.readAllLines(classesFile(), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the class list " + classesFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records the run's status atomically. An ending status (anything but RUNNING) that cannot be
     * written atomically, because the disk is full and the temporary copy finds no room, is written
     * over the old file in place instead: the old file's blocks are freed by the truncation and
     * suffice for the few hundred bytes, so a run that failed on a full disk still says FAILED and
     * why. Only a crash during that last write could leave the file torn.
     *
     * @param status the new status
     * @param reason why it ended (for FAILED and KILLED), or null
     * @param step steps done
     * @param totalSteps steps planned
     * @throws UncheckedIOException naming status.json if it cannot be written either way
     */
    public void writeStatus(RunStatus status, String reason, long step, long totalSteps) {
        ObjectNode node = JSON.createObjectNode();
        node.put("status", status.name());
        if (reason != null) {
            node.put("reason", reason);
        }
        node.put("step", step);
        node.put("total_steps", totalSteps);
        node.put("updated_ms", System.currentTimeMillis());
        Path file = root.resolve(STATUS_FILE);
        try {
            Folders.writeAtomically(
                    file,
                    target ->
                            JSON.writerWithDefaultPrettyPrinter()
                                    .writeValue(target.toFile(), node));
        } catch (UncheckedIOException e) {
            if (status == RunStatus.RUNNING || !Files.isRegularFile(file)) {
                throw e;
            }
            try {
                Files.write(
                        file,
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node),
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
            } catch (IOException inPlace) {
                e.addSuppressed(inPlace);
                throw e;
            }
        }
    }

    /**
     * The whole of {@code status.json}.
     *
     * @param status the status
     * @param reason why it ended, or null
     * @param step steps done
     * @param totalSteps steps planned
     * @param updatedMs when it was written, Unix epoch milliseconds
     */
    public record StatusRecord(
            RunStatus status, String reason, long step, long totalSteps, long updatedMs) {}

    /**
     * @return the recorded status with its details, or empty if none was written
     * @throws UncheckedIOException if status.json exists but cannot be read
     */
    public Optional<StatusRecord> readStatusRecord() {
        Path file = root.resolve(STATUS_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            var node = JSON.readTree(file.toFile());
            return Optional.of(
                    new StatusRecord(
                            RunStatus.valueOf(node.path("status").asText("RUNNING")),
                            node.hasNonNull("reason") ? node.get("reason").asText() : null,
                            node.path("step").asLong(),
                            node.path("total_steps").asLong(),
                            node.path("updated_ms").asLong()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
