package dev.ganforge.core.train;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;

/**
 * The output size and the padding on each side of a DL4J 2-D convolution or transposed convolution
 * (NCHW, no dilation), as DL4J 1.0.0-M2.1 computes them, for code that runs the layer elsewhere
 * (the oneDNN engine, the ONNX export). Same mode: the output is ⌈in / s⌉ (in · s when transposed)
 * and the top/left side gets the smaller half of the padding; Truncate mode: the layer's own
 * padding p.
 *
 * @param outSize output height and width, pixels
 * @param padBegin padding at the top and the left, pixels
 * @param padEnd padding at the bottom and the right, pixels
 */
public record ConvolutionGeometry(long[] outSize, long[] padBegin, long[] padEnd) {

    /**
     * @param config the layer
     * @param height input height, pixels
     * @param width input width, pixels
     * @return its geometry
     * @throws IllegalArgumentException for a mode other than Same and Truncate
     */
    public static ConvolutionGeometry of(ConvolutionLayer config, long height, long width) {
        boolean transposed = config instanceof Deconvolution2D;
        int[] k = config.getKernelSize();
        int[] s = config.getStride();
        long[] in = {height, width};
        long[] outSize = new long[2];
        long[] padBegin = new long[2];
        long[] padEnd = new long[2];
        for (int d = 0; d < 2; d++) {
            long size = in[d];
            if (config.getConvolutionMode() == ConvolutionMode.Same) {
                outSize[d] = transposed ? size * s[d] : (size + s[d] - 1) / s[d];
                long big = transposed ? outSize[d] : size;
                long small = transposed ? size : outSize[d];
                long total = Math.max(0, (small - 1) * s[d] + k[d] - big);
                padBegin[d] = total / 2;
                padEnd[d] = total - padBegin[d];
            } else if (config.getConvolutionMode() == ConvolutionMode.Truncate) {
                int p = config.getPadding()[d];
                outSize[d] =
                        transposed
                                ? s[d] * (size - 1) + k[d] - 2L * p
                                : (size + 2L * p - k[d]) / s[d] + 1;
                padBegin[d] = p;
                padEnd[d] =
                        transposed
                                ? (size - 1) * s[d] + k[d] - outSize[d] - p
                                : (outSize[d] - 1) * s[d] + k[d] - size - p;
            } else {
                throw new IllegalArgumentException(
                        "convolution mode " + config.getConvolutionMode() + " is not supported");
            }
        }
        return new ConvolutionGeometry(outSize, padBegin, padEnd);
    }
}
