package dev.ganforge.core.train;

import dev.ganforge.spi.Conditioning;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a generator in inference mode (BatchNorm with running statistics) for given z and labels.
 */
public final class Generation {

    private Generation() {}

    /**
     * @param generator input {@code [N, latentDim (+K)]}
     * @param z latent vectors {@code [N, latentDim]}
     * @param labels class per example, length N, in [0, K) (ignored when not conditional)
     * @param numClasses K
     * @param conditional whether the generator takes the one-hot label
     * @return images {@code [N, C, H, W]} in [-1, 1]
     */
    public static INDArray generate(
            MultiLayerNetwork generator,
            INDArray z,
            int[] labels,
            int numClasses,
            boolean conditional) {
        int n = (int) z.size(0);
        INDArray oneHot =
                conditional
                        ? Conditioning.oneHot(labels, Nd4j.create(z.dataType(), n, numClasses))
                        : null;
        INDArray input = Nd4j.create(z.dataType(), n, z.size(1) + (conditional ? numClasses : 0));
        return generator.output(Conditioning.generatorInput(z, oneHot, input), false);
    }

    /**
     * @param generator input {@code [N, latentDim + K]}, or {@code [N, latentDim]} when {@code
     *     labelVectors} is null
     * @param z latent vectors {@code [N, latentDim]}
     * @param labelVectors label inputs {@code [N, K]}, one-hot or mixtures of one-hot vectors
     *     ({@link LatentWalks#morphLabels}), or null for an unconditional generator
     * @return images {@code [N, C, H, W]} in [-1, 1]
     */
    public static INDArray generate(
            MultiLayerNetwork generator, INDArray z, INDArray labelVectors) {
        INDArray labels = labelVectors == null ? null : labelVectors.castTo(z.dataType());
        INDArray input =
                Nd4j.create(
                        z.dataType(), z.size(0), z.size(1) + (labels == null ? 0 : labels.size(1)));
        return generator.output(Conditioning.generatorInput(z, labels, input), false);
    }

    /**
     * Labels for a grid of {@code rows × K} cells filled row by row: cell i gets label i mod K, so
     * each column is one class.
     *
     * @param rows grid rows
     * @param numClasses K, also the number of columns
     * @return labels, length rows·K
     */
    public static int[] columnLabels(int rows, int numClasses) {
        int[] labels = new int[rows * numClasses];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % numClasses;
        }
        return labels;
    }
}
