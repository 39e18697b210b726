package dev.ganforge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

class BinaryCrossEntropyWithLogitsTest {

    private static final IActivation IDENTITY = new ActivationIdentity();
    private final BinaryCrossEntropyWithLogits loss = new BinaryCrossEntropyWithLogits();

    @Test
    void matchesTheNaiveFormulaForModerateLogits() {
        double[] logits = {-4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 5.0};
        double[] targets = {1.0, 0.0, 0.3, 1.0, 0.0, 0.9, 1.0};
        INDArray scores = loss.computeScoreArray(column(targets), column(logits), IDENTITY, null);
        for (int i = 0; i < logits.length; i++) {
            double p = 1.0 / (1.0 + Math.exp(-logits[i]));
            double naive = -(targets[i] * Math.log(p) + (1 - targets[i]) * Math.log(1 - p));
            assertThat(scores.getDouble(i))
                    .as("logit %s, target %s", logits[i], targets[i])
                    .isCloseTo(naive, within(1e-12));
        }
    }

    @Test
    void scalarFormsEqualTheArrayForms() {
        double[] logits = {-1e4, -37.0, -1.5, 0.0, 0.7, 20.0, 1e4};
        double[] targets = {1.0, 0.0, 0.3, 1.0, 0.0, 0.9, 0.0};
        INDArray scores = loss.computeScoreArray(column(targets), column(logits), IDENTITY, null);
        INDArray gradients = loss.computeGradient(column(targets), column(logits), IDENTITY, null);
        for (int i = 0; i < logits.length; i++) {
            assertThat(BinaryCrossEntropyWithLogits.loss(logits[i], targets[i]))
                    .isCloseTo(scores.getDouble(i), within(1e-9));
            assertThat(BinaryCrossEntropyWithLogits.gradient(logits[i], targets[i]))
                    .isCloseTo(gradients.getDouble(i), within(1e-12));
        }
        assertThat(BinaryCrossEntropyWithLogits.sigmoid(0.0)).isEqualTo(0.5);
    }

    @Test
    void staysFiniteAndExactForExtremeLogits() {
        for (double x : new double[] {100, 1e4}) {
            // Wrong target: score ≈ |x|, gradient ±1. Right target: score ≈ 0, gradient ≈ 0.
            assertScoreAndGradient(x, 0.0, x + Math.log1p(Math.exp(-x)), 1.0);
            assertScoreAndGradient(-x, 1.0, x + Math.log1p(Math.exp(-x)), -1.0);
            assertScoreAndGradient(x, 1.0, Math.log1p(Math.exp(-x)), 0.0);
            assertScoreAndGradient(-x, 0.0, Math.log1p(Math.exp(-x)), 0.0);
        }
        assertThat(loss.computeScore(column(0.0), column(1e4), IDENTITY, null, true))
                .isEqualTo(1e4);
    }

    @Test
    void gradientIsSigmoidMinusTarget() {
        double[] logits = {-3.0, -0.5, 0.0, 1.2, 4.0};
        double[] targets = {0.0, 1.0, 0.5, 0.2, 1.0};
        INDArray gradient = loss.computeGradient(column(targets), column(logits), IDENTITY, null);
        assertThat(gradient.shape()).containsExactly(logits.length, 1);
        for (int i = 0; i < logits.length; i++) {
            double expected = 1.0 / (1.0 + Math.exp(-logits[i])) - targets[i];
            assertThat(gradient.getDouble(i, 0)).isCloseTo(expected, within(1e-12));
        }
    }

    /**
     * Why we have our own loss: a confident discriminator must still give the generator a gradient.
     */
    @Test
    void gradientDoesNotVanishForAConfidentlyRejectedFakeUnlikeLossBinaryXent() {
        INDArray target = column(1.0);
        INDArray logit = column(-30.0);
        assertThat(loss.computeGradient(target, logit, IDENTITY, null).getDouble(0))
                .isCloseTo(-1.0, within(1e-12));

        // DL4J's loss on the sigmoid output clips the probability and multiplies by sigmoid'(-30) ≈
        // 1e-13.
        double dl4jGradient =
                new LossBinaryXENT()
                        .computeGradient(target, logit, new ActivationSigmoid(), null)
                        .getDouble(0);
        assertThat(Math.abs(dl4jGradient))
                .as("LossBinaryXENT gradient at logit -30, target 1")
                .isLessThan(1e-6);
    }

    @Test
    void gradientMatchesFiniteDifferencesThroughAnActivation() {
        Nd4j.getRandom().setSeed(11);
        INDArray preOutput = Nd4j.randn(DataType.DOUBLE, 5, 3).muli(2);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 5, 3);
        IActivation tanh = new ActivationTanH();
        INDArray analytic = loss.computeGradient(labels, preOutput, tanh, null);
        double h = 1e-6;
        for (int i = 0; i < preOutput.rows(); i++) {
            for (int j = 0; j < preOutput.columns(); j++) {
                double original = preOutput.getDouble(i, j);
                preOutput.putScalar(i, j, original + h);
                double plus = loss.computeScore(labels, preOutput, tanh, null, false);
                preOutput.putScalar(i, j, original - h);
                double minus = loss.computeScore(labels, preOutput, tanh, null, false);
                preOutput.putScalar(i, j, original);
                assertThat(analytic.getDouble(i, j))
                        .as("dL/dx[%d, %d]", i, j)
                        .isCloseTo((plus - minus) / (2 * h), within(1e-7));
            }
        }
    }

    @Test
    void scoreSumsColumnsPerExampleAndAveragesOverTheBatch() {
        INDArray logits =
                Nd4j.createFromArray(new double[][] {{0.5, -1.0}, {2.0, 0.0}, {-3.0, 1.5}});
        INDArray labels = Nd4j.createFromArray(new double[][] {{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});
        INDArray perExample = loss.computeScoreArray(labels, logits, IDENTITY, null);
        assertThat(perExample.length()).isEqualTo(3);
        double total = 0;
        for (int i = 0; i < 3; i++) {
            double expected =
                    naive(logits.getDouble(i, 0), labels.getDouble(i, 0))
                            + naive(logits.getDouble(i, 1), labels.getDouble(i, 1));
            assertThat(perExample.getDouble(i)).isCloseTo(expected, within(1e-12));
            total += expected;
        }
        assertThat(loss.computeScore(labels, logits, IDENTITY, null, false))
                .isCloseTo(total, within(1e-12));
        assertThat(loss.computeScore(labels, logits, IDENTITY, null, true))
                .isCloseTo(total / 3, within(1e-12));
    }

    @Test
    void aMaskRemovesAnExampleFromScoreAndGradient() {
        INDArray logits = column(0.5, -2.0, 3.0);
        INDArray labels = column(1.0, 1.0, 0.0);
        INDArray mask = column(1.0, 0.0, 1.0);
        INDArray scores = loss.computeScoreArray(labels, logits, IDENTITY, mask);
        INDArray gradient = loss.computeGradient(labels, logits, IDENTITY, mask);
        assertThat(scores.getDouble(1)).isZero();
        assertThat(gradient.getDouble(1, 0)).isZero();
        assertThat(scores.getDouble(0)).isCloseTo(naive(0.5, 1.0), within(1e-12));
        assertThat(gradient.getDouble(2, 0)).isCloseTo(1.0 / (1.0 + Math.exp(-3.0)), within(1e-12));
    }

    private void assertScoreAndGradient(
            double logit, double target, double expectedScore, double expectedGradient) {
        double score =
                loss.computeScoreArray(column(target), column(logit), IDENTITY, null).getDouble(0);
        double gradient =
                loss.computeGradient(column(target), column(logit), IDENTITY, null).getDouble(0);
        assertThat(score)
                .as("score at logit %s, target %s", logit, target)
                .isFinite()
                .isCloseTo(expectedScore, within(1e-12 * Math.max(1, Math.abs(expectedScore))));
        assertThat(gradient)
                .as("gradient at logit %s, target %s", logit, target)
                .isFinite()
                .isCloseTo(expectedGradient, within(1e-12));
    }

    private static double naive(double logit, double target) {
        double p = 1.0 / (1.0 + Math.exp(-logit));
        return -(target * Math.log(p) + (1 - target) * Math.log(1 - p));
    }

    private static INDArray column(double... values) {
        return Nd4j.createFromArray(values).reshape(values.length, 1);
    }
}
