package dev.ganforge.spi;

/**
 * A sampler's distribution written as an affine map of a standard one, z = shift + scale · u, so
 * that tools outside ganforge that draw u themselves (torch-fidelity's {@code
 * --input1-model-z-type}, https://torch-fidelity.readthedocs.io/en/latest/api.html) feed an
 * exported generator what it was trained on.
 *
 * @param type the standard distribution of u as torch-fidelity names it: {@code normal} (N(0, 1))
 *     or {@code uniform_0_1} (U[0, 1))
 * @param shift added after scaling
 * @param scale multiplies u; positive
 */
public record StandardLatent(String type, double shift, double scale) {

    /** u ~ N(0, 1). */
    public static final String NORMAL = "normal";

    /** u ~ U[0, 1). */
    public static final String UNIFORM_0_1 = "uniform_0_1";

    /**
     * @throws IllegalArgumentException for another type or a scale that is not positive
     */
    public StandardLatent {
        if (!NORMAL.equals(type) && !UNIFORM_0_1.equals(type)) {
            throw new IllegalArgumentException(
                    "type must be " + NORMAL + " or " + UNIFORM_0_1 + ", got " + type);
        }
        if (!(scale > 0) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException(
                    "scale must be positive and shift finite, got " + scale + " and " + shift);
        }
    }
}
