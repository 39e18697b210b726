package dev.ganforge.core.run;

import dev.ganforge.core.io.Folders;
import dev.ganforge.core.spec.Precision;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code checkpoints/} folder of a run. Each checkpoint is a folder {@code step-NNNNNNNN/} with
 * {@code generator.zip} and {@code discriminator.zip} (DL4J model files with updater state) and
 * {@code state.properties} (step, seed and the arithmetic the steps so far ran in, {@code
 * precision}: {@code fp32} or {@code bf16}). A checkpoint is written into a temporary folder and
 * renamed into place, then the text file {@code latest} is replaced atomically, so a crash at any
 * moment leaves the previous checkpoint readable. Older periodic checkpoints beyond the kept count
 * are deleted.
 *
 * <p>The best checkpoint (by an evaluation metric) lives in {@code best-step-NNNNNNNN/}, with
 * {@code best.properties} (metric, value, step) beside the networks; {@code best} is a symbolic
 * link to it, replaced atomically by a rename, so {@code checkpoints/best/} always reads as a whole
 * checkpoint. Periodic pruning never touches it.
 */
public final class CheckpointStore {

    private static final String LATEST = "latest";

    /** The suffix of a checkpoint folder or pointer still being written (renamed when complete). */
    private static final String PARTIAL = ".tmp";

    /** The generator's weight average in a checkpoint folder. */
    public static final String AVERAGE_FILE = "generator_average.zip";

    /** The training step's own arrays in a checkpoint folder. */
    public static final String STEP_STATE_FILE = "step_state.bin";

    private static final String BEST = "best";

    /** The {@code state.properties} entry with the arithmetic of the steps so far. */
    private static final String PRECISION = "precision";

    private final Path folder;

    /**
     * @param folder the run's {@code checkpoints/} folder (created when first written)
     */
    public CheckpointStore(Path folder) {
        this.folder = folder;
    }

    /**
     * Writes a checkpoint and makes it the latest.
     *
     * @param step steps done
     * @param seed the experiment seed
     * @param generator the generator (with updater state)
     * @param discriminator the discriminator (with updater state)
     * @param keep how many checkpoints to keep, newest first, at least 1
     * @return the checkpoint folder
     * @throws UncheckedIOException if writing fails (the previous checkpoint stays the latest)
     */
    public Path write(
            long step,
            long seed,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            int keep) {
        return write(step, seed, generator, discriminator, keep, Extras.NONE);
    }

    /**
     * What a checkpoint holds beside the two networks.
     *
     * @param averageGenerator the generator's weight average ({@code generator_average.zip},
     *     without updater state), or null
     * @param stepState the training step's arrays by name ({@code step_state.bin}), empty if none
     * @param precision the arithmetic of the steps that made the checkpoint ({@code "fp32"} or
     *     {@code "bf16"}, the {@code precision} entry of {@code state.properties}), or null to
     *     record none
     * @throws IllegalArgumentException if {@code precision} is neither null, fp32 nor bf16
     */
    public record Extras(
            MultiLayerNetwork averageGenerator, Map<String, INDArray> stepState, String precision) {

        /** Neither an average, step state nor a precision. */
        public static final Extras NONE = new Extras(null, Map.of(), null);

        /** Copies the state map and checks the precision. */
        public Extras {
            stepState = Map.copyOf(stepState);
            if (precision != null && Precision.ofRecord(precision) == null) {
                throw new IllegalArgumentException(
                        "checkpoint precision '" + precision + "', expected fp32 or bf16");
            }
        }
    }

    /**
     * Like {@link #write(long, long, MultiLayerNetwork, MultiLayerNetwork, int)}, with the weight
     * average and the step's state.
     *
     * @param step steps done
     * @param seed the experiment seed
     * @param generator the generator with its updater
     * @param discriminator the discriminator with its updater
     * @param keep periodic checkpoints to keep, newest first
     * @param extras the average and the step state
     * @return the checkpoint folder
     * @throws UncheckedIOException if it cannot be written (earlier checkpoints stay)
     */
    public Path write(
            long step,
            long seed,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            int keep,
            Extras extras) {
        String name = String.format("step-%08d", step);
        Path target = folder.resolve(name);
        Path temporary = folder.resolve(name + PARTIAL);
        try {
            Files.createDirectories(folder);
            Folders.deleteTree(temporary);
            writeContents(temporary, step, seed, generator, discriminator, extras);
            Folders.deleteTree(target);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            Path pointer = folder.resolve(LATEST + PARTIAL);
            Files.writeString(pointer, name + "\n", StandardCharsets.UTF_8);
            Files.move(
                    pointer,
                    folder.resolve(LATEST),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            prune(keep);
            return target;
        } catch (IOException e) {
            UncheckedIOException failure =
                    new UncheckedIOException(
                            "cannot write checkpoint " + target + ": " + Folders.reason(e), e);
            Folders.deleteQuietly(temporary, failure); // frees the space a full disk needs back
            Folders.deleteQuietly(folder.resolve(LATEST + PARTIAL), failure);
            throw failure;
        }
    }

    /**
     * Writes the best checkpoint so far and points {@code best} at it; the previous best is
     * deleted.
     *
     * @param step steps done
     * @param seed the experiment seed
     * @param generator the generator (with updater state)
     * @param discriminator the discriminator (with updater state)
     * @param metric the metric that made it best
     * @param goal which way that metric improves, {@code minimize} or {@code maximize}
     * @param value its value
     * @return the checkpoint folder
     * @throws UncheckedIOException if writing fails (the previous best stays in place)
     */
    public Path writeBest(
            long step,
            long seed,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            String metric,
            String goal,
            double value) {
        String name = String.format("best-step-%08d", step);
        Path target = folder.resolve(name);
        Path temporary = folder.resolve(name + PARTIAL);
        try {
            Optional<Path> previous =
                    best().isPresent() ? Optional.of(best().get().toRealPath()) : Optional.empty();
            Files.createDirectories(folder);
            Folders.deleteTree(temporary);
            writeContents(temporary, step, seed, generator, discriminator, Extras.NONE);
            Properties why = new Properties();
            why.setProperty("metric", metric);
            why.setProperty("goal", goal);
            why.setProperty("value", Double.toString(value));
            why.setProperty("step", Long.toString(step));
            try (var out =
                    Files.newBufferedWriter(
                            temporary.resolve("best.properties"), StandardCharsets.UTF_8)) {
                why.store(out, "best checkpoint");
            }
            if (previous.isPresent() && previous.get().getFileName().toString().equals(name)) {
                previous = Optional.empty(); // same step evaluated again: replace it in place
                Folders.deleteTree(target);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            Path link = folder.resolve(BEST + PARTIAL);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(name));
            Files.move(
                    link,
                    folder.resolve(BEST),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            if (previous.isPresent()) {
                Folders.deleteTree(previous.get());
            }
            return target;
        } catch (IOException e) {
            UncheckedIOException failure =
                    new UncheckedIOException(
                            "cannot write best checkpoint " + target + ": " + Folders.reason(e), e);
            Folders.deleteQuietly(temporary, failure);
            Folders.deleteQuietly(folder.resolve(BEST + PARTIAL), failure);
            throw failure;
        }
    }

    /**
     * @return the best checkpoint folder ({@code checkpoints/best}), if one was written
     */
    public Optional<Path> best() {
        Path best = folder.resolve(BEST);
        return Files.isDirectory(best) ? Optional.of(best) : Optional.empty();
    }

    /**
     * @param metric the metric the run ranks checkpoints by now ({@code evaluation.best_metric})
     * @param goal which way it improves now ({@code evaluation.goal}: {@code minimize} or {@code
     *     maximize})
     * @return the value recorded with the best checkpoint, if there is one and it was chosen by
     *     {@code metric} with {@code goal} (a best checkpoint written before the goal was recorded
     *     counts for either); empty otherwise: a resume that changed the metric or the goal starts
     *     ranking anew, rather than comparing one metric's values with another's or keeping the
     *     worst value as the one to beat
     * @throws UncheckedIOException if its best.properties cannot be read
     */
    public Optional<Double> bestValue(String metric, String goal) {
        Optional<Path> best = best();
        if (best.isEmpty()) {
            return Optional.empty();
        }
        Properties why = new Properties();
        try (var in =
                Files.newBufferedReader(
                        best.get().resolve("best.properties"), StandardCharsets.UTF_8)) {
            why.load(in);
            String recordedGoal = why.getProperty("goal");
            if (!metric.equals(why.getProperty("metric"))
                    || (recordedGoal != null && !recordedGoal.equalsIgnoreCase(goal))) {
                return Optional.empty();
            }
            return Optional.of(Double.parseDouble(why.getProperty("value")));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + best.get().resolve("best.properties") + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * @param which {@code best}, {@code last} (or {@code latest}), the bare name of a folder in
     *     this {@code checkpoints/} folder (e.g. {@code step-00000030}, as listed there; never read
     *     against the working directory), or a checkpoint folder's path (with a separator, e.g.
     *     {@code ./step-00000030} or an absolute path)
     * @return the checkpoint folder it names
     * @throws IllegalArgumentException if the run has no checkpoint of that kind, or {@code which}
     *     is neither an existing folder nor the name of one here; the message says what is accepted
     */
    public Path resolve(String which) {
        return switch (which) {
            case "best" ->
                    best().orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    folder
                                                            + " has no best checkpoint; it is"
                                                            + " written when evaluation.best_metric"
                                                            + " is set"));
            case "last", "latest" ->
                    latest().orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    folder + " has no checkpoint"));
            default -> {
                Path given = Path.of(which);
                boolean special = which.isEmpty() || which.equals(".") || which.equals("..");
                // a bare name means an entry of this folder, never one of the working directory;
                // a path (with a separator) means that folder
                Path candidate =
                        !given.isAbsolute() && given.getNameCount() == 1
                                ? folder.resolve(which)
                                : given;
                if (!special && !which.endsWith(PARTIAL) && Files.isDirectory(candidate)) {
                    yield candidate;
                }
                throw new IllegalArgumentException(
                        "no checkpoint folder '"
                                + which
                                + "': give best, last, the name of a folder in "
                                + folder
                                + " (e.g. step-00000100) or the path of a checkpoint folder");
            }
        };
    }

    /**
     * @return the latest complete checkpoint folder, if any
     * @throws UncheckedIOException if the pointer {@code checkpoints/latest} cannot be read, or
     *     names anything but a {@code step-NNNNNNNN} folder beside it (a path out of the folder,
     *     say)
     */
    public Optional<Path> latest() {
        Path pointer = folder.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        try {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            if (!name.matches("step-[0-9]{8,}")) {
                // written by hand or tampered with: never follow it out of this folder
                throw new UncheckedIOException(
                        new IOException(
                                pointer
                                        + " names '"
                                        + name
                                        + "', expected a checkpoint of this folder"
                                        + " (step-NNNNNNNN)"));
            }
            Path target = folder.resolve(name);
            return Files.isDirectory(target) ? Optional.of(target) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pointer + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores a checkpoint folder.
     *
     * @param checkpoint a folder written by {@link #write}
     * @param loadDiscriminator false to skip the discriminator (generation needs only the
     *     generator)
     * @return the networks and state; the discriminator is null when not loaded
     * @throws UncheckedIOException if a file is missing or unreadable; the message names it
     */
    public static Checkpoint read(Path checkpoint, boolean loadDiscriminator) {
        Path current = checkpoint.resolve("state.properties");
        try {
            Properties state = new Properties();
            try (var in = Files.newBufferedReader(current, StandardCharsets.UTF_8)) {
                state.load(in);
            }
            current = checkpoint.resolve("generator.zip");
            MultiLayerNetwork generator =
                    ModelSerializer.restoreMultiLayerNetwork(current.toFile(), true);
            MultiLayerNetwork discriminator = null;
            if (loadDiscriminator) {
                current = checkpoint.resolve("discriminator.zip");
                discriminator = ModelSerializer.restoreMultiLayerNetwork(current.toFile(), true);
            }
            MultiLayerNetwork average = null;
            current = checkpoint.resolve(AVERAGE_FILE);
            if (Files.isRegularFile(current)) {
                average = ModelSerializer.restoreMultiLayerNetwork(current.toFile(), false);
            }
            Map<String, INDArray> stepState = new LinkedHashMap<>();
            current = checkpoint.resolve(STEP_STATE_FILE);
            if (Files.isRegularFile(current)) {
                try (var in =
                        new DataInputStream(
                                new BufferedInputStream(Files.newInputStream(current)))) {
                    int count = in.readInt();
                    for (int i = 0; i < count; i++) {
                        stepState.put(in.readUTF(), Nd4j.read(in));
                    }
                }
            }
            return new Checkpoint(
                    Long.parseLong(state.getProperty("step")),
                    Long.parseLong(state.getProperty("seed")),
                    generator,
                    discriminator,
                    average,
                    stepState,
                    state.getProperty(PRECISION));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(
                    "cannot read checkpoint file " + current + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private void prune(int keep) throws IOException {
        List<Path> checkpoints = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "step-*")) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry) && !entry.getFileName().toString().endsWith(PARTIAL)) {
                    checkpoints.add(entry);
                }
            }
        }
        checkpoints.sort(Comparator.comparing(Path::getFileName).reversed());
        for (int i = Math.max(1, keep); i < checkpoints.size(); i++) {
            Folders.deleteTree(checkpoints.get(i));
        }
    }

    /** Writes both networks (with updater state) and state.properties into a new folder. */
    private static void writeContents(
            Path folder,
            long step,
            long seed,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            Extras extras)
            throws IOException {
        Files.createDirectories(folder);
        ModelSerializer.writeModel(generator, folder.resolve("generator.zip").toFile(), true);
        if (extras.averageGenerator() != null) {
            ModelSerializer.writeModel(
                    extras.averageGenerator(), folder.resolve(AVERAGE_FILE).toFile(), false);
        }
        if (!extras.stepState().isEmpty()) {
            try (var out =
                    new DataOutputStream(
                            new BufferedOutputStream(
                                    Files.newOutputStream(folder.resolve(STEP_STATE_FILE))))) {
                out.writeInt(extras.stepState().size());
                for (var entry : new TreeMap<>(extras.stepState()).entrySet()) {
                    out.writeUTF(entry.getKey());
                    Nd4j.write(entry.getValue(), out);
                }
            }
        }
        ModelSerializer.writeModel(
                discriminator, folder.resolve("discriminator.zip").toFile(), true);
        Properties state = new Properties();
        state.setProperty("step", Long.toString(step));
        state.setProperty("seed", Long.toString(seed));
        if (extras.precision() != null) {
            state.setProperty(PRECISION, extras.precision());
        }
        try (var out =
                Files.newBufferedWriter(
                        folder.resolve("state.properties"), StandardCharsets.UTF_8)) {
            state.store(out, "ganforge checkpoint");
        }
    }
}
