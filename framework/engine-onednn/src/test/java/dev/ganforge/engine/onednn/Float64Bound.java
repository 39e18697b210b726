package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tolerances for the engine's float32 comparisons, derived from a float64 reference instead of a
 * number tuned on one machine. A float32 result {@code x32} of a computation whose float64 result
 * is {@code x64} is accepted when
 *
 * <pre>
 *   ‖x32 − x64‖ ≤ CONFIDENCE · ‖y32 − x64‖ + n · u · ‖x64‖
 * </pre>
 *
 * where {@code y32} is DL4J's float32 result of the same computation in the same JVM (its distance
 * from {@code x64} measures how much this computation amplifies float32 rounding with this CPU's
 * kernels, so a CPU whose kernels round differently widens the bound with it), {@code u = 2^-24} is
 * float32's unit roundoff and {@code n} the longest reduction (dot-product length) in the
 * computation: {@code n·u·‖x64‖} is the first-order worst-case bound γ_n of one float32 reduction
 * (N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., SIAM 2002, §3.1), the
 * floor for a computation DL4J happens to get almost exact. {@code CONFIDENCE = 10}, as in {@link
 * OneDnnTrainingStepEquivalenceTest}. The float64 result's own rounding is 2^29 times finer and
 * does not matter. The bound must also stay below 1 % of {@code ‖x64‖}, so that a wrong layout or a
 * missing term (errors of order {@code ‖x64‖}) cannot pass.
 */
final class Float64Bound {

    /** Float32's unit roundoff u = 2^-24. */
    static final double UNIT_ROUNDOFF = 0x1p-24;

    /** How many times DL4J's own float32 error the compared path may have. */
    static final double CONFIDENCE = 10;

    private Float64Bound() {}

    /**
     * @param what names the compared quantity in the failure message
     * @param actual32 the float32 result under test
     * @param reference32 DL4J's float32 result of the same computation
     * @param exact64 the float64 result
     * @param reductionLength n, the longest dot product in the computation (at least 1)
     * @throws AssertionError if {@code actual32} is outside the bound or the bound is not
     *     meaningful
     */
    static void assertWithin(
            String what,
            INDArray actual32,
            INDArray reference32,
            INDArray exact64,
            long reductionLength) {
        double scale = exact64.norm2Number().doubleValue();
        double reference = distance(reference32, exact64);
        double bound = CONFIDENCE * reference + reductionLength * UNIT_ROUNDOFF * scale;
        double error = distance(actual32, exact64);
        String report =
                String.format(
                        "%s: |float32 - float64| = %.3e, bound %.3e (DL4J float32 %.3e, |float64|"
                                + " %.3e, n %d)",
                        what, error, bound, reference, scale, reductionLength);
        assertThat(bound).as("bound below 1%% of the result; " + report).isLessThan(1e-2 * scale);
        assertThat(error).as(report).isLessThanOrEqualTo(bound);
    }

    /**
     * @param network a network whose weight parameters are named {@code W}
     * @return an upper bound of the longest dot product its layers compute: for each weight array,
     *     its size divided by the smaller of its first two dimensions (output channels or features)
     */
    static long reductionLength(MultiLayerNetwork network) {
        long longest = 1;
        for (var entry : network.paramTable().entrySet()) {
            if (entry.getKey().endsWith("_W")) {
                INDArray weights = entry.getValue();
                long outputs = Math.min(weights.size(0), weights.rank() > 1 ? weights.size(1) : 1);
                longest = Math.max(longest, weights.length() / Math.max(1, outputs));
            }
        }
        return longest;
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
    }
}
