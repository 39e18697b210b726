package dev.ganforge.config;

import java.util.Objects;

/**
 * One problem in an experiment spec: where it is, what was found there, and the rule it broke.
 *
 * <p>{@link #toString()} gives one readable line, for example {@code experiments/x.yaml:14:
 * training.batch_size = -3: must be >= 1}.
 *
 * @param file the spec file (or source name) the problem is in
 * @param path the dotted YAML path, e.g. {@code training.batch_size} or {@code model.layers[1]};
 *     empty for the file as a whole or the top-level map
 * @param value the value found, as written; null when the key is missing or the problem concerns
 *     the whole file
 * @param rule the rule the value broke, e.g. {@code must be >= 1}
 * @param line the 1-based line in the file, or 0 when unknown (a default, an override, the whole
 *     file)
 */
public record SpecProblem(String file, String path, String value, String rule, int line) {

    /**
     * @throws NullPointerException if file, path or rule is null
     */
    public SpecProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rule, "rule");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
    }

    /**
     * A problem with the file as a whole: missing, unreadable, empty, not YAML.
     *
     * @param file the spec file
     * @param rule what is wrong
     * @param line the 1-based line, or 0 when unknown
     * @return the problem, with an empty path and no value
     */
    public static SpecProblem ofFile(String file, String rule, int line) {
        return new SpecProblem(file, "", null, rule, line);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!path.isEmpty() || value != null) {
            text.append(path.isEmpty() ? "(top level)" : path);
            if (value != null) {
                text.append(" = ").append(value);
            }
            text.append(": ");
        }
        return text.append(rule).toString();
    }
}
