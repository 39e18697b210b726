package dev.ganforge.cli.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ganforge.core.io.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.json}: every trial's identity, values and status, rewritten atomically after each
 * change so an interrupted sweep knows exactly what finished, failed or is pending. Thread-safe.
 */
public final class SweepState {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    private final Map<String, TrialState> trials = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();

    private SweepState(Path file) {
        this.file = file;
    }

    /**
     * @param folder the sweep folder
     * @return the recorded state, or an empty one for a new sweep
     * @throws UncheckedIOException if sweep.json exists but cannot be read
     */
    public static SweepState load(Path folder) {
        SweepState state = new SweepState(folder.resolve("sweep.json"));
        if (Files.exists(state.file)) {
            try {
                Stored stored = JSON.readValue(state.file.toFile(), new TypeReference<Stored>() {});
                stored.trials().forEach(trial -> state.trials.put(trial.id(), trial));
                if (stored.properties() != null) {
                    state.properties.putAll(stored.properties());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + state.file + ": " + e.getMessage(), e);
            }
        }
        return state;
    }

    /**
     * @return the trial of that identity, or null
     */
    public synchronized TrialState get(String id) {
        return trials.get(id);
    }

    /**
     * @return every trial, in first-recorded order
     */
    public synchronized List<TrialState> trials() {
        return new ArrayList<>(trials.values());
    }

    /**
     * @param planned a trial as planned
     * @return the recorded state of that trial, recording the planned one first if the sweep has
     *     not seen it yet
     */
    public synchronized TrialState recorded(TrialState planned) {
        TrialState current = trials.get(planned.id());
        if (current == null) {
            put(planned);
            current = planned;
        }
        return current;
    }

    /** Records a trial (new or changed) and saves the file. */
    public synchronized void put(TrialState trial) {
        trials.put(trial.id(), trial);
        save();
    }

    /**
     * @return a recorded sweep-level property (e.g. the MLflow parent run id), or null
     */
    public synchronized String property(String key) {
        return properties.get(key);
    }

    /** Records a sweep-level property and saves the file. */
    public synchronized void property(String key, String value) {
        properties.put(key, value);
        save();
    }

    private void save() {
        Stored stored = new Stored(new ArrayList<>(trials.values()), properties);
        Folders.writeAtomically(file, target -> JSON.writeValue(target.toFile(), stored));
    }

    private record Stored(List<TrialState> trials, Map<String, String> properties) {}
}
