package dev.ganforge.core.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spectral normalisation of a network's weight matrices (Miyato et al. 2018, "Spectral
 * Normalization for Generative Adversarial Networks", https://arxiv.org/abs/1802.05957, algorithm
 * 1): each pass uses W̄ = W / σ(W), with σ(W) the largest singular value estimated by one step of
 * power iteration per pass from a persistent vector u.
 *
 * <p>The network keeps the raw weights W in its parameters, so its updater, checkpoints and
 * gradients refer to W, and any training engine can run the passes: {@link #normalize()} runs the
 * power iteration and writes W̄ into the parameters; {@link #restore(boolean)} writes W back and,
 * after a backward pass, turns the gradient G = dL/dW̄ left in the gradient view into dL/dW = (G −
 * ⟨G, W̄⟩·u vᵀ) / σ, the exact derivative for the current u, v (σ = uᵀWv with u, v held fixed, as
 * in the paper's and PyTorch's implementations).
 *
 * <p>Every layer with a weight parameter {@code W} is normalised: a convolution's {@code [out, in,
 * kH, kW]} as the matrix {@code [out, in·kH·kW]}, a dense layer's {@code [nIn, nOut]} as it is (σ
 * of the transpose is the same). Biases and BatchNorm parameters are not. The u vectors are the
 * state a resumed run needs ({@link #state()}).
 */
public final class SpectralNorm {

    /** Guards the normalisation of a zero matrix. */
    private static final double EPSILON = 1e-12;

    private final List<Entry> entries = new ArrayList<>();
    private boolean normalized;

    private static final class Entry {
        final String key;
        final INDArray weight;
        final INDArray gradient;
        final INDArray raw; // [rows, cols], 'c'
        final INDArray u; // [rows, 1]
        INDArray v; // [cols, 1]
        double sigma;

        Entry(String key, INDArray weight, INDArray gradient, INDArray u) {
            this.key = key;
            this.weight = weight;
            this.gradient = gradient;
            long rows = weight.size(0);
            long cols = weight.length() / rows;
            this.raw = Nd4j.create(weight.dataType(), new long[] {rows, cols}, 'c');
            this.u = u;
        }
    }

    /**
     * @param network an initialised network; its weight and gradient views are used in place
     * @param seed seeds the initial u vectors (N(0, 1), normalised)
     */
    public SpectralNorm(MultiLayerNetwork network, long seed) {
        if (network.getGradientsViewArray() == null) {
            network.initGradientsView();
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer layer = network.getLayer(i);
            INDArray weight = layer.paramTable().get("W");
            if (weight == null) {
                continue;
            }
            NeuralNetConfiguration conf = network.getLayerWiseConfigurations().getConf(i);
            INDArray gradient =
                    conf.getLayer()
                            .initializer()
                            .getGradientsFromFlattened(conf, layer.getGradientsViewArray())
                            .get("W");
            long rows = weight.size(0);
            double[] start = new double[(int) rows];
            double norm = 0;
            for (int r = 0; r < rows; r++) {
                start[r] = gaussian(random);
                norm += start[r] * start[r];
            }
            INDArray u = Nd4j.createFromArray(start).reshape(rows, 1).castTo(weight.dataType());
            u.divi(Math.sqrt(norm) + EPSILON);
            entries.add(new Entry(i + "_W", weight, gradient, u));
        }
    }

    /**
     * @return how many weight matrices are normalised
     */
    public int size() {
        return entries.size();
    }

    /**
     * One power-iteration step per matrix from the stored u, then W̄ = W / σ into the network's
     * parameters (the raw W is kept). Call {@link #restore} before the parameters are updated.
     *
     * @throws IllegalStateException if the weights are already normalised
     */
    public void normalize() {
        if (normalized) {
            throw new IllegalStateException("weights are already normalised");
        }
        for (Entry e : entries) {
            e.raw.assign(e.weight.reshape(e.raw.shape()));
            INDArray v = e.raw.transpose().mmul(e.u);
            v.divi(v.norm2Number().doubleValue() + EPSILON);
            INDArray wv = e.raw.mmul(v);
            double norm = wv.norm2Number().doubleValue();
            e.u.assign(wv.divi(norm + EPSILON));
            e.v = v;
            e.sigma = norm; // uᵀWv with u = Wv/|Wv|
            e.weight.assign(e.raw.div(e.sigma + EPSILON).reshape(e.weight.shape()));
        }
        normalized = true;
    }

    /**
     * Writes the raw weights back.
     *
     * @param transformGradient whether the gradient view holds dL/dW̄ of the passes since {@link
     *     #normalize()}, to be turned into dL/dW
     * @throws IllegalStateException if {@link #normalize()} was not called
     */
    public void restore(boolean transformGradient) {
        if (!normalized) {
            throw new IllegalStateException("weights are not normalised");
        }
        for (Entry e : entries) {
            double scale = 1.0 / (e.sigma + EPSILON);
            if (transformGradient) {
                INDArray g = e.gradient.reshape(e.raw.shape()).dup('c');
                double inner = g.mul(e.raw).sumNumber().doubleValue() * scale; // ⟨G, W̄⟩
                g.subi(e.u.mmul(e.v.transpose()).muli(inner)).muli(scale);
                e.gradient.assign(g.reshape(e.gradient.shape()));
            }
            e.weight.assign(e.raw.reshape(e.weight.shape()));
        }
        normalized = false;
    }

    /**
     * @return σ of each matrix at the last {@link #normalize()}, in layer order
     */
    public double[] sigmas() {
        return entries.stream().mapToDouble(e -> e.sigma).toArray();
    }

    /**
     * @return the u vectors by name ({@code spectral_norm/<layer>_W/u}), for checkpoints; copies
     */
    public Map<String, INDArray> state() {
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (Entry e : entries) {
            state.put("spectral_norm/" + e.key + "/u", e.u.dup());
        }
        return state;
    }

    /**
     * Restores the u vectors saved by {@link #state()}; vectors missing from {@code state} keep
     * their initial values (a run that turned spectral norm on at resume).
     *
     * @param state the saved vectors
     * @throws IllegalArgumentException if a saved vector has the wrong length
     */
    public void restoreState(Map<String, INDArray> state) {
        for (Entry e : entries) {
            INDArray saved = state.get("spectral_norm/" + e.key + "/u");
            if (saved == null) {
                continue;
            }
            if (saved.length() != e.u.length()) {
                throw new IllegalArgumentException(
                        "spectral_norm/"
                                + e.key
                                + "/u has "
                                + saved.length()
                                + " values, the layer needs "
                                + e.u.length());
            }
            e.u.assign(saved.reshape(e.u.shape()).castTo(e.u.dataType()));
        }
    }

    /** Box–Muller from a SplittableRandom: a standard normal draw. */
    private static double gaussian(SplittableRandom random) {
        double a = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
