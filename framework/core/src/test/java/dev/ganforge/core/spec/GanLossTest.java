package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each loss's derivatives against central differences, and the values from their papers. */
class GanLossTest {

    private static final double[] LOGITS = {-3.7, -1.2, -0.4, 0.3, 0.95, 1.6, 4.1};

    @ParameterizedTest
    @EnumSource(GanLoss.class)
    void gradientsAreTheDerivativesOfTheLosses(GanLoss loss) {
        double h = 1e-6;
        for (double x : LOGITS) {
            for (boolean real : new boolean[] {true, false}) {
                double numeric =
                        (loss.discriminatorLoss(x + h, real) - loss.discriminatorLoss(x - h, real))
                                / (2 * h);
                assertThat(loss.discriminatorGradient(x, real))
                        .as("%s D gradient at %s, real=%s", loss, x, real)
                        .isCloseTo(numeric, within(1e-6));
            }
            double numeric = (loss.generatorLoss(x + h) - loss.generatorLoss(x - h)) / (2 * h);
            assertThat(loss.generatorGradient(x))
                    .as("%s G gradient at %s", loss, x)
                    .isCloseTo(numeric, within(1e-6));
        }
    }

    @Test
    void hingeIsZeroBeyondTheMarginAndLinearInside() {
        assertThat(GanLoss.HINGE.discriminatorLoss(1.5, true)).isZero();
        assertThat(GanLoss.HINGE.discriminatorLoss(-1.5, false)).isZero();
        assertThat(GanLoss.HINGE.discriminatorLoss(0.25, true)).isEqualTo(0.75);
        assertThat(GanLoss.HINGE.discriminatorLoss(0.25, false)).isEqualTo(1.25);
        assertThat(GanLoss.HINGE.generatorLoss(0.25)).isEqualTo(-0.25);
    }

    @Test
    void leastSquaresAndBceMatchTheirClosedForms() {
        assertThat(GanLoss.LEAST_SQUARES.discriminatorLoss(0.5, true)).isEqualTo(0.125);
        assertThat(GanLoss.LEAST_SQUARES.discriminatorLoss(0.5, false)).isEqualTo(0.125);
        assertThat(GanLoss.LEAST_SQUARES.generatorLoss(3.0)).isEqualTo(2.0);
        // BCE at logit 0 is log 2 for either target; G's loss is softplus(−x).
        assertThat(GanLoss.BCE.discriminatorLoss(0, true)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(GanLoss.BCE.generatorLoss(-2.0))
                .isCloseTo(Math.log1p(Math.exp(2.0)), within(1e-12));
    }
}
