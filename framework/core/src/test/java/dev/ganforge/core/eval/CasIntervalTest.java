package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The Wilson score interval of {@code eval/cas} against reference values computed from Wilson's
 * formula in Python (float64), and against the closed form of the upper end at zero successes, z² /
 * (n + z²) (0/10 at 95 %: 3.8415 / 13.8415 = 0.2775).
 */
class CasIntervalTest {

    private static final double Z_95 = 1.959963984540054;

    @Test
    void matchesPublishedNinetyFivePercentIntervals() {
        assertThat(ClassificationAccuracyScore.wilsonInterval(0.5, 10, Z_95))
                .containsExactly(new double[] {0.2366, 0.7634}, within(5e-5));
        assertThat(ClassificationAccuracyScore.wilsonInterval(0.0, 10, Z_95))
                .containsExactly(new double[] {0.0, 0.2775}, within(5e-5));
        assertThat(ClassificationAccuracyScore.wilsonInterval(1.0, 10, Z_95))
                .containsExactly(new double[] {0.7225, 1.0}, within(5e-5));
    }

    @Test
    void faceProtocolAt90PercentSpansAboutNineteenPoints() {
        // 44 of ORL's 80 held-out faces right (CAS 0.55): python float64 0.458369, 0.638360
        double[] interval =
                ClassificationAccuracyScore.wilsonInterval(
                        44 / 80.0, 80, ClassificationAccuracyScore.Z_90);

        assertThat(interval[0]).isCloseTo(0.45836916359925617, within(1e-12));
        assertThat(interval[1]).isCloseTo(0.6383595400146715, within(1e-12));
        // more test images, a narrower interval around the same share
        double[] larger =
                ClassificationAccuracyScore.wilsonInterval(
                        0.55, 8000, ClassificationAccuracyScore.Z_90);
        assertThat(larger[0]).isGreaterThan(interval[0]).isLessThan(0.55);
        assertThat(larger[1]).isLessThan(interval[1]).isGreaterThan(0.55);
    }

    @Test
    void allRightOrAllWrongEndsExactlyAtOneOrZero() {
        // rounding gave 0.9999999999999999 at n = 80 and 1.4e-17 at n = 15
        assertThat(
                        ClassificationAccuracyScore.wilsonInterval(
                                1.0, 80, ClassificationAccuracyScore.Z_90)[1])
                .isEqualTo(1.0);
        assertThat(
                        ClassificationAccuracyScore.wilsonInterval(
                                0.0, 15, ClassificationAccuracyScore.Z_90)[0])
                .isEqualTo(0.0);
    }

    @Test
    void rejectsSharesOutsideTheUnitIntervalEmptyTestSetsAndBadZ() {
        assertThatThrownBy(() -> ClassificationAccuracyScore.wilsonInterval(1.2, 10, Z_95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.2");
        assertThatThrownBy(() -> ClassificationAccuracyScore.wilsonInterval(0.5, 0, Z_95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationAccuracyScore.wilsonInterval(Double.NaN, 10, Z_95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationAccuracyScore.wilsonInterval(0.5, 10, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationAccuracyScore.wilsonInterval(0.5, 10, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
