package dev.ganforge.spi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one component of a plugin's spec record: its documentation, its default and its allowed
 * range. The core's spec binder reads it; plugins never do.
 *
 * <p>A component without a default is required unless {@link #optional()} is set (then it binds to
 * {@code null} when absent).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
    ElementType.RECORD_COMPONENT,
    ElementType.FIELD,
    ElementType.PARAMETER,
    ElementType.METHOD
})
public @interface SpecField {

    /** Marks "no default": the key is required (or optional, see {@link #optional()}). */
    String NO_DEFAULT = "\u0000none";

    /**
     * @return what the key means, with its unit; shown by {@code ganforge plugins}
     */
    String doc();

    /**
     * @return the default as a YAML scalar or flow sequence (for example {@code "0.0002"}, {@code
     *     "[64, 128, 256]"}, {@code "fail"})
     */
    String defaultValue() default NO_DEFAULT;

    /**
     * @return the smallest allowed numeric value (inclusive); also the smallest list element
     */
    double min() default Double.NEGATIVE_INFINITY;

    /**
     * @return the largest allowed numeric value (inclusive); also the largest list element
     */
    double max() default Double.POSITIVE_INFINITY;

    /**
     * @return whether the key may be absent without a default (it then binds to {@code null})
     */
    boolean optional() default false;
}
