package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LeCam regulariser's averages, terms and checkpointed state (Tseng et al. 2021), against
 * values worked out here in float64.
 */
class LeCamTest {

    @Test
    void noTermBeforeTheFirstUpdate() {
        LeCam lecam = new LeCam(0.3);
        assertThat(lecam.active()).isFalse();
        assertThat(lecam.loss(5, true)).isZero();
        assertThat(lecam.gradient(-5, false)).isZero();
        assertThat(lecam.realAnchor()).isNaN();
    }

    @Test
    void averagesAreBiasCorrected() {
        LeCam lecam = new LeCam(0.3);
        lecam.update(new float[] {1, 3}, new float[] {-2, 0});
        // one update: m = 0.01 · mean, corrected by 1 − 0.99 → the mean itself
        assertThat(lecam.realAnchor()).isCloseTo(2, within(1e-12));
        assertThat(lecam.fakeAnchor()).isCloseTo(-1, within(1e-12));
        lecam.update(new float[] {4, 4}, new float[] {1, 1});
        // (0.99 · 0.01 · 2 + 0.01 · 4) / (1 − 0.99²) and likewise for the fake logits
        double real = (0.99 * 0.01 * 2 + 0.01 * 4) / (1 - 0.99 * 0.99);
        double fake = (0.99 * 0.01 * -1 + 0.01 * 1) / (1 - 0.99 * 0.99);
        assertThat(lecam.realAnchor()).isCloseTo(real, within(1e-12));
        assertThat(lecam.fakeAnchor()).isCloseTo(fake, within(1e-12));
    }

    @Test
    void termsPullRealLogitsDownToTheFakeAverageAndFakeLogitsUpToTheRealOne() {
        LeCam lecam = new LeCam(0.5);
        lecam.update(new float[] {2}, new float[] {-1}); // α_R = 2, α_F = −1
        // a real logit above α_F is penalised, one below it not
        assertThat(lecam.loss(1, true)).isCloseTo(0.5 * 4, within(1e-12));
        assertThat(lecam.gradient(1, true)).isCloseTo(2 * 0.5 * 2, within(1e-12));
        assertThat(lecam.loss(-3, true)).isZero();
        assertThat(lecam.gradient(-3, true)).isZero();
        // a fake logit below α_R is penalised, with a negative gradient (raising it lowers R)
        assertThat(lecam.loss(0.5, false)).isCloseTo(0.5 * 2.25, within(1e-12));
        assertThat(lecam.gradient(0.5, false)).isCloseTo(-2 * 0.5 * 1.5, within(1e-12));
        assertThat(lecam.loss(3, false)).isZero();
    }

    @Test
    void gradientIsTheDerivativeOfTheLoss() {
        LeCam lecam = new LeCam(0.7);
        lecam.update(new float[] {0.4f, 0.9f}, new float[] {-0.3f, 0.1f});
        double h = 1e-6;
        for (boolean real : new boolean[] {true, false}) {
            for (double x : new double[] {-1.3, -0.2, 0.35, 0.8, 2.1}) {
                double numeric = (lecam.loss(x + h, real) - lecam.loss(x - h, real)) / (2 * h);
                assertThat(lecam.gradient(x, real))
                        .as("real=%s x=%s", real, x)
                        .isCloseTo(numeric, within(1e-6));
            }
        }
    }

    @Test
    void stateRoundTripsAndAnAbsentEntryLeavesTheAveragesEmpty() {
        LeCam lecam = new LeCam(0.3);
        lecam.update(new float[] {1.5f, 0.5f}, new float[] {-0.5f, -1.5f});
        lecam.update(new float[] {2}, new float[] {-2});
        Map<String, INDArray> state = lecam.state();

        LeCam resumed = new LeCam(0.3);
        resumed.restoreState(state);
        assertThat(resumed.realAnchor()).isEqualTo(lecam.realAnchor());
        assertThat(resumed.fakeAnchor()).isEqualTo(lecam.fakeAnchor());
        lecam.update(new float[] {3}, new float[] {1});
        resumed.update(new float[] {3}, new float[] {1});
        assertThat(resumed.loss(0.7, true)).isEqualTo(lecam.loss(0.7, true));

        LeCam fresh = new LeCam(0.3);
        fresh.restoreState(Map.of("spectral_norm/0_W/u", Nd4j.ones(3)));
        assertThat(fresh.active()).isFalse();
    }

    @Test
    void badStateAndWeightsAreRefused() {
        LeCam lecam = new LeCam(0.3);
        assertThatThrownBy(
                        () ->
                                lecam.restoreState(
                                        Map.of(
                                                LeCam.STATE_KEY,
                                                Nd4j.createFromArray(1.0, 2.0, 0.5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LeCam.STATE_KEY);
        assertThatThrownBy(
                        () ->
                                lecam.restoreState(
                                        Map.of(
                                                LeCam.STATE_KEY,
                                                Nd4j.createFromArray(Double.NaN, 2.0, 3.0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> new LeCam(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LeCam(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
