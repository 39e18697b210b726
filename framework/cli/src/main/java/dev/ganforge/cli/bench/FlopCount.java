package dev.ganforge.cli.bench;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Floating-point operations of one forward pass, counted from layer shapes exactly as {@code
 * shared/bench/torch_cgan_reference.py} counts them (2 × multiply-adds of convolutions, transposed
 * convolutions and dense layers; BatchNorm and activations are not counted): conv {@code
 * 2·|out|·Cin·k·k}, deconv {@code 2·|in|·Cout·k·k}, dense {@code 2·|out|·nIn}.
 */
public final class FlopCount {

    private FlopCount() {}

    /**
     * @param network the network
     * @param input one example batch of the network's input shape (any batch size)
     * @return FLOPs of one forward pass per example in {@code input}, times its batch size
     */
    public static double forward(MultiLayerNetwork network, INDArray input) {
        List<INDArray> activations = network.feedForward(input, false);
        double flops = 0;
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer layer = network.getLayer(i);
            INDArray in = activations.get(i);
            INDArray out = activations.get(i + 1);
            var config = layer.conf().getLayer();
            if (config instanceof Deconvolution2D deconv) {
                flops +=
                        2.0
                                * in.length()
                                * deconv.getNOut()
                                * deconv.getKernelSize()[0]
                                * deconv.getKernelSize()[1];
            } else if (config instanceof ConvolutionLayer conv) {
                flops +=
                        2.0
                                * out.length()
                                * conv.getNIn()
                                * conv.getKernelSize()[0]
                                * conv.getKernelSize()[1];
            } else if (config instanceof FeedForwardLayer dense
                    && !(config instanceof BatchNormalization)) {
                flops += 2.0 * out.length() * dense.getNIn();
            }
        }
        return flops;
    }

    /**
     * FLOPs of one GAN training step as the reference counts them: forward+backward ≈ 3 × forward;
     * D step = G forward + 2 × D forward/backward; G step = G backward (2 × forward) + D
     * forward/backward: {@code 4·fg + 9·fd}.
     *
     * @param generatorForward FLOPs of one generator forward pass over a batch
     * @param discriminatorForward FLOPs of one discriminator forward pass over a batch
     * @return FLOPs per training step
     */
    public static double step(double generatorForward, double discriminatorForward) {
        return 4 * generatorForward + 9 * discriminatorForward;
    }
}
