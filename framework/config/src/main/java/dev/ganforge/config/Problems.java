package dev.ganforge.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.config.YamlDocument.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of one spec file, so every problem is reported at once. Knows the file's
 * positions, so each problem gets its line and the value as written.
 */
public final class Problems {

    private static final int MAX_VALUE_LENGTH = 80;

    private final String file;
    private final Map<String, Position> positions;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Map<String, String> overrides = new HashMap<>();

    /**
     * @param file the file name used in every problem
     * @param positions line and original text per dotted path; copied
     */
    public Problems(String file, Map<String, Position> positions) {
        this.file = file;
        this.positions = new HashMap<>(positions);
    }

    /** Records a problem with a value that is present. */
    public void add(String path, JsonNode found, String rule) {
        problems.add(new SpecProblem(source(path), path, written(path, found), rule, line(path)));
    }

    /** Records a problem where no value applies (a missing key, a malformed override). */
    public void addWithoutValue(String path, String rule) {
        problems.add(new SpecProblem(source(path), path, null, rule, line(path)));
    }

    /**
     * Notes that the value at a path now comes from a {@code --set} override, so problems at or
     * below it name the override instead of the file.
     *
     * @param path dotted path the override set
     * @param override the override as given, {@code path=value}
     */
    public void overridden(String path, String override) {
        forget(path);
        overrides.put(path, override);
    }

    /** Records a problem with an explicit value text and no line (an override). */
    public void addText(String path, String value, String rule) {
        problems.add(new SpecProblem(file, path, value, rule, 0));
    }

    /**
     * Forgets the positions at and below a path, whose value no longer comes from the file (an
     * override replaced it, or a default filled an explicit null).
     */
    public void forget(String path) {
        positions
                .keySet()
                .removeIf(
                        key ->
                                key.equals(path)
                                        || key.startsWith(path + ".")
                                        || key.startsWith(path + "["));
        positions.put(path, new Position(0, null));
    }

    /**
     * @return the scalar at the path as written in the file, or null when it did not come from the
     *     file
     */
    public String originalText(String path) {
        Position position = positions.get(path);
        return position == null ? null : position.text();
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<SpecProblem> list() {
        return List.copyOf(problems);
    }

    private String written(String path, JsonNode found) {
        String original = originalText(path);
        if (original != null) {
            return original;
        }
        if (found == null || found.isMissingNode()) {
            return null;
        }
        String text = found.isValueNode() ? found.asText() : found.toString();
        return text.length() > MAX_VALUE_LENGTH ? text.substring(0, MAX_VALUE_LENGTH) + "…" : text;
    }

    /**
     * The line of the path, else of its nearest ancestor; 0 past a value that did not come from the
     * file.
     */
    private int line(String path) {
        String current = path;
        while (true) {
            Position position = positions.get(current);
            if (position != null) {
                return position.line();
            }
            if (current.isEmpty()) {
                return 0;
            }
            current = parent(current);
        }
    }

    /**
     * @return the file, or {@code --set path=value} when the value at or above the path came from
     *     one
     */
    private String source(String path) {
        String current = path;
        while (true) {
            String override = overrides.get(current);
            if (override != null) {
                return "--set " + override;
            }
            if (current.isEmpty()) {
                return file;
            }
            current = parent(current);
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
