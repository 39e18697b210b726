package dev.ganforge.core.eval;

import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The domain classifier that evaluation sees images through: a small CNN, (3×3 convolution, ReLU,
 * 2×2 max-pool) blocks with 32, 64 (and 64 more for images of 32 pixels or more) channels, a
 * {@value #FEATURES}-unit ReLU dense layer whose activations are the <em>features</em>, and a
 * softmax output trained with multi-class cross-entropy. The training images are augmented (see
 * {@link ClassifierTraining}).
 *
 * @param network the trained network: input {@code [B, C, H, W]} in [-1, 1], output {@code [B, K]}
 * @param heldOutAccuracy share of the held-out real images it classifies right, in [0, 1] (NaN
 *     before it is measured)
 * @param heldOutAugmentedAccuracy the same on augmented copies of the held-out images, in [0, 1]
 *     (NaN before it is measured): far below {@code heldOutAccuracy} means the classifier leans on
 *     position, brightness or texture
 * @param classNames class names in label order
 */
public record DomainClassifier(
        MultiLayerNetwork network,
        double heldOutAccuracy,
        double heldOutAugmentedAccuracy,
        List<String> classNames) {

    /** The backbone's name as it appears in metric names: {@code eval/fd_ganforge_cnn}. */
    public static final String BACKBONE = "ganforge_cnn";

    /** Width F of the feature layer. */
    public static final int FEATURES = 128;

    private static final int BATCH = 256;

    /**
     * The network of the domain classifier and of the CAS classifiers. A change that changes its
     * outputs must bump {@code ClassifierStore}'s architecture version and {@link
     * ClassificationAccuracyScore#PROTOCOL}, or cached classifiers and scores go stale.
     *
     * @param shape the image shape
     * @param classes K
     * @param learningRate Adam's learning rate
     * @param seed weight-initialisation seed
     * @return an initialised, untrained network
     */
    public static MultiLayerNetwork build(
            ImageShape shape, int classes, double learningRate, long seed) {
        var list =
                new NeuralNetConfiguration.Builder()
                        .seed(seed)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(learningRate))
                        .weightInit(WeightInit.RELU)
                        .convolutionMode(ConvolutionMode.Same)
                        .list();
        int side = Math.min(shape.height(), shape.width());
        int[] channels = side >= 32 ? new int[] {32, 64, 64} : new int[] {32, 64};
        int input = shape.channels();
        for (int out : channels) {
            list.layer(
                    new ConvolutionLayer.Builder(3, 3)
                            .nIn(input)
                            .nOut(out)
                            .activation(Activation.RELU)
                            .build());
            if (side >= 4) { // keep at least 2x2 maps for tiny images
                list.layer(
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build());
                side /= 2;
            }
            input = out;
        }
        list.layer(new DenseLayer.Builder().nOut(FEATURES).activation(Activation.RELU).build());
        list.layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(classes)
                        .activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER)
                        .build());
        MultiLayerConfiguration configuration =
                list.setInputType(
                                InputType.convolutional(
                                        shape.height(), shape.width(), shape.channels()))
                        .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    /**
     * Features and class probabilities of images, in inference mode, in batches.
     *
     * @param images {@code [N, C, H, W]} in [-1, 1]
     * @return features {@code [N, F]} and probabilities {@code [N, K]}, float32
     */
    public Outputs outputs(INDArray images) {
        long n = images.size(0);
        int layers = network.getnLayers();
        INDArray features = Nd4j.create(DataType.FLOAT, n, FEATURES);
        INDArray probabilities = Nd4j.create(DataType.FLOAT, n, classNames.size());
        for (long start = 0; start < n; start += BATCH) {
            long end = Math.min(n, start + BATCH);
            List<INDArray> activations =
                    network.feedForward(images.get(NDArrayIndex.interval(start, end)), false);
            features.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                    .assign(activations.get(layers - 1));
            probabilities
                    .get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                    .assign(activations.get(layers));
        }
        return new Outputs(features, probabilities);
    }

    /**
     * @param features penultimate-layer activations {@code [N, F]}, F = {@value #FEATURES}
     * @param probabilities softmax outputs {@code [N, K]}
     */
    public record Outputs(INDArray features, INDArray probabilities) {}
}
