package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Spectral norm on a float64 network of a convolution and a dense layer: σ converges to the largest
 * singular value computed independently (power iteration on WᵀW in plain Java), normalised weights
 * have spectral norm 1, restore gives the raw weights back bit for bit, and the state round-trips.
 */
class SpectralNormTest {

    @Test
    void sigmaConvergesToTheLargestSingularValueAndRestoreIsExact() {
        MultiLayerNetwork network = network();
        INDArray raw = network.params().dup();
        SpectralNorm norm = new SpectralNorm(network, 3);
        assertThat(norm.size()).isEqualTo(2);
        for (int i = 0; i < 200; i++) {
            norm.normalize();
            norm.restore(false);
        }
        assertThat(network.params()).isEqualTo(raw);
        double[] sigmas = norm.sigmas();
        for (int layer = 0; layer < 2; layer++) {
            INDArray w = network.getLayer(layer).paramTable().get("W");
            double expected = largestSingularValue(w);
            assertThat(sigmas[layer])
                    .as("layer %d", layer)
                    .isCloseTo(expected, within(1e-9 * expected));
        }
        norm.normalize();
        for (int layer = 0; layer < 2; layer++) {
            INDArray w = network.getLayer(layer).paramTable().get("W");
            assertThat(largestSingularValue(w)).isCloseTo(1.0, within(1e-9));
        }
        norm.restore(false);
        assertThat(network.params()).isEqualTo(raw);
    }

    @Test
    void stateRoundTripsIntoAFreshInstance() {
        MultiLayerNetwork network = network();
        SpectralNorm first = new SpectralNorm(network, 3);
        for (int i = 0; i < 5; i++) {
            first.normalize();
            first.restore(false);
        }
        Map<String, INDArray> state = first.state();
        assertThat(state).containsOnlyKeys("spectral_norm/0_W/u", "spectral_norm/1_W/u");
        SpectralNorm second = new SpectralNorm(network, 99);
        second.restoreState(state);
        first.normalize();
        double[] a = first.sigmas();
        first.restore(false);
        second.normalize();
        double[] b = second.sigmas();
        second.restore(false);
        assertThat(b).containsExactly(a);
    }

    private static MultiLayerNetwork network() {
        var list =
                new NeuralNetConfiguration.Builder()
                        .seed(1)
                        .dataType(DataType.DOUBLE)
                        .list()
                        .layer(
                                new ConvolutionLayer.Builder(3, 3)
                                        .nOut(4)
                                        .activation(Activation.IDENTITY)
                                        .build())
                        .layer(
                                new DenseLayer.Builder()
                                        .nOut(5)
                                        .activation(Activation.IDENTITY)
                                        .build())
                        .setInputType(InputType.convolutional(6, 6, 2));
        MultiLayerNetwork network = new MultiLayerNetwork(list.build());
        network.init();
        return network;
    }

    /** √(largest eigenvalue of WᵀW) by 5,000 power iterations, W as [rows = size(0), rest]. */
    private static double largestSingularValue(INDArray weight) {
        int rows = (int) weight.size(0);
        int cols = (int) (weight.length() / rows);
        INDArray flat = weight.dup('c').reshape(rows, cols);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = flat.getDouble(r, c);
            }
        }
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1.0);
        double lambda = 0;
        for (int it = 0; it < 5000; it++) {
            double[] mv = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    mv[r] += m[r][c] * v[c];
                }
            }
            double[] next = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    next[c] += m[r][c] * mv[r];
                }
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            lambda = norm;
            for (int c = 0; c < cols; c++) {
                v[c] = next[c] / norm;
            }
        }
        return Math.sqrt(lambda);
    }
}
