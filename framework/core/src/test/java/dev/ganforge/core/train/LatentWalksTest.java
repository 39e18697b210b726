package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Spherical interpolation, label morphs and truncation, against their definitions in float64. */
class LatentWalksTest {

    private static double[] gaussian(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            // Box-Muller
            v[i] =
                    Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                            * Math.cos(2 * Math.PI * random.nextDouble());
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double angle(double[] a, double[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return Math.acos(dot / (norm(a) * norm(b)));
    }

    @Test
    void slerpStartsAndEndsAtItsEndpointsAndMovesAtConstantAngularSpeed() {
        double[] a = gaussian(100, 1);
        double[] b = gaussian(100, 2);
        double scale = norm(a) / norm(b); // on one sphere the angle grows linearly in t
        for (int i = 0; i < b.length; i++) {
            b[i] *= scale;
        }
        assertThat(LatentWalks.slerp(a, b, 0)).containsExactly(a, within(1e-12));
        assertThat(LatentWalks.slerp(a, b, 1)).containsExactly(b, within(1e-12));
        double omega = angle(a, b);
        for (double t : new double[] {0.25, 0.5, 0.75}) {
            double[] p = LatentWalks.slerp(a, b, t);
            assertThat(angle(a, p))
                    .as("angle from a at t=%s", t)
                    .isCloseTo(t * omega, within(1e-9));
            assertThat(angle(p, b)).isCloseTo((1 - t) * omega, within(1e-9));
        }
    }

    @Test
    void slerpKeepsTheNormOfEqualNormVectorsWhereALineWouldShrinkIt() {
        double[] a = gaussian(100, 3);
        double[] b = gaussian(100, 4);
        double scale = norm(a) / norm(b);
        for (int i = 0; i < b.length; i++) {
            b[i] *= scale;
        }
        double[] middle = LatentWalks.slerp(a, b, 0.5);
        assertThat(norm(middle)).isCloseTo(norm(a), within(1e-9));
        double[] line = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            line[i] = 0.5 * (a[i] + b[i]);
        }
        assertThat(norm(line)).isLessThan(0.8 * norm(a)); // nearly orthogonal in 100-D
    }

    @Test
    void parallelVectorsInterpolateOnTheirLine() {
        double[] a = {1, 2, 3};
        double[] b = {2, 4, 6};
        assertThat(LatentWalks.slerp(a, b, 0.5))
                .containsExactly(new double[] {1.5, 3, 4.5}, within(1e-12));
        assertThatThrownBy(() -> LatentWalks.slerp(a, new double[2], 0.5))
                .hasMessageContaining("length 3 and 2");
        assertThatThrownBy(() -> LatentWalks.slerp(a, b, 1.5)).hasMessageContaining("[0, 1]");
    }

    @Test
    void interpolateLaysOutOneWalkPerRow() {
        INDArray starts = Nd4j.createFromArray(new double[][] {gaussian(5, 5), gaussian(5, 6)});
        INDArray ends = Nd4j.createFromArray(new double[][] {gaussian(5, 7), gaussian(5, 8)});
        INDArray walks = LatentWalks.interpolate(starts, ends, 4);
        assertThat(walks.shape()).containsExactly(8, 5);
        assertThat(walks.getRow(4).toDoubleVector())
                .containsExactly(starts.getRow(1).toDoubleVector(), within(1e-12));
        assertThat(walks.getRow(7).toDoubleVector())
                .containsExactly(ends.getRow(1).toDoubleVector(), within(1e-12));
        assertThat(walks.getRow(2).toDoubleVector())
                .containsExactly(
                        LatentWalks.slerp(
                                starts.getRow(0).toDoubleVector(),
                                ends.getRow(0).toDoubleVector(),
                                2 / 3.0),
                        within(1e-12));
    }

    @Test
    void morphLabelsMoveTheWeightFromOneClassToTheOther() {
        INDArray labels = LatentWalks.morphLabels(2, 5, 4, 1, 3);
        assertThat(labels.shape()).containsExactly(10, 4);
        assertThat(labels.getRow(0).toDoubleVector()).containsExactly(0, 1, 0, 0);
        assertThat(labels.getRow(2).toDoubleVector()).containsExactly(0, 0.5, 0, 0.5);
        assertThat(labels.getRow(9).toDoubleVector()).containsExactly(0, 0, 0, 1);
        assertThat(labels.sum(1).toDoubleVector()).containsOnly(1.0);
        assertThat(LatentWalks.morphLabels(1, 3, 4, 2, 2).getRow(1).toDoubleVector())
                .containsExactly(0, 0, 1, 0);
        assertThatThrownBy(() -> LatentWalks.morphLabels(1, 3, 4, 0, 4))
                .hasMessageContaining("[0, 4)");
    }

    @Test
    void truncationScalesEachLatentByEachPsi() {
        INDArray z = Nd4j.createFromArray(new float[][] {{2, -4}, {1, 1}});
        INDArray t = LatentWalks.truncate(z, new double[] {1, 0.5, 0});
        assertThat(t.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(t.getRow(1).toDoubleVector()).containsExactly(1, -2);
        assertThat(t.getRow(2).toDoubleVector()).containsExactly(new double[] {0, 0}, within(0.0));
        assertThat(t.getRow(3).toDoubleVector()).containsExactly(1, 1);
        assertThatThrownBy(() -> LatentWalks.truncate(z, new double[] {1.5}))
                .hasMessageContaining("[0, 1]");
    }
}
