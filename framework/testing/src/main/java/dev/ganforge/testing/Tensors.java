package dev.ganforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** AssertJ-style checks on ND4J arrays shared by the contract suites. */
public final class Tensors {

    private Tensors() {}

    /**
     * Asserts that every value of {@code array} is finite (no NaN, no ±∞).
     *
     * @param what names the array in the failure message
     * @param array any shape
     */
    public static void assertFinite(String what, INDArray array) {
        double[] values = toDoubles(array);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new AssertionError(
                        what + " holds the non-finite value " + values[i] + " at flat index " + i);
            }
        }
    }

    /**
     * @param array any shape
     * @return the largest absolute value, {@code max |a_i|}
     */
    public static double maxAbs(INDArray array) {
        return Transforms.abs(array, true).maxNumber().doubleValue();
    }

    /**
     * @param a any shape
     * @param b the same shape as {@code a}
     * @return {@code max |a_i - b_i|}
     */
    public static double maxAbsDifference(INDArray a, INDArray b) {
        assertThat(b.shape()).as("shapes of the compared arrays").containsExactly(a.shape());
        return maxAbs(a.sub(b));
    }

    /**
     * Asserts that two arrays have the same shape and bit-for-bit the same values (no tolerance).
     *
     * @param what names the arrays in the failure message
     * @param actual any shape
     * @param expected the expected values
     */
    public static void assertIdentical(String what, INDArray actual, INDArray expected) {
        assertThat(actual.shape()).as("shape of %s", what).containsExactly(expected.shape());
        assertThat(actual.dataType()).as("data type of %s", what).isEqualTo(expected.dataType());
        assertThat(toDoubles(actual)).as(what).containsExactly(toDoubles(expected));
    }

    private static double[] toDoubles(INDArray array) {
        return array.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }
}
