package dev.ganforge.config;

/**
 * One key of a spec record, as listed by {@code ganforge plugins}.
 *
 * @param key the YAML key (snake_case); nested record keys are dotted, e.g. {@code
 *     training.batch_size}
 * @param type the expected value, in words: {@code integer}, {@code number}, {@code list of
 *     integer}, {@code one of: center-crop, stretch}, {@code model plugin section}, …
 * @param doc what the key means, from {@link dev.ganforge.spi.SpecField#doc()}; empty if
 *     undocumented
 * @param defaultValue the default as YAML text, or null when there is none
 * @param min the smallest allowed value (inclusive), or null when unbounded
 * @param max the largest allowed value (inclusive), or null when unbounded
 * @param required whether the key must be given (no default and not optional)
 */
public record SpecKey(
        String key,
        String type,
        String doc,
        String defaultValue,
        Double min,
        Double max,
        boolean required) {}
