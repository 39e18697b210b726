package dev.ganforge.spi.layer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Conditional batch normalisation (de Vries et al. 2017, "Modulating early visual processing by
 * language", https://arxiv.org/abs/1707.00683; Dumoulin et al. 2017, "A Learned Representation For
 * Artistic Style", https://arxiv.org/abs/1610.07629; the generator of Miyato &amp; Koyama 2018,
 * https://arxiv.org/abs/1802.05637): BatchNorm whose scale and shift depend on the class,
 *
 * <pre>
 *   out[b, c, h, w] = γ[y_b, c] · x̂[b, c, h, w] + β[y_b, c]
 * </pre>
 *
 * with x̂ the input normalised per channel over B, H and W as by {@link BatchNormalization} (batch
 * statistics in training, the running mean and variance in inference, the same running update), and
 * γ, β two learned K×C tables (parameters {@link #GAMMA_TABLE}, {@link #BETA_TABLE}, initialised to
 * 1 and 0). With the one-hot label row {@code y_b} of sample b the scale is the product {@code y_b
 * · γ}, so a mixture of one-hot vectors mixes the classes' scales and shifts.
 *
 * <p>Input and output NCHW {@code [B, C, H, W]} (or {@code [B, C]}). The label comes from the
 * network input {@code [z | one-hot]}, whose last K columns the network's first layer, a {@link
 * ConditioningDenseLayer}, hands on; a network with this layer must start with one. Parameter
 * order: γ table (K·C, row-major), β table, running mean (C), running log10 standard deviation (or
 * variance) (C).
 */
public class ConditionalBatchNormalization extends BatchNormalization {

    /** Parameter key of the K×C scale table γ. */
    public static final String GAMMA_TABLE = "classGamma";

    /** Parameter key of the K×C shift table β. */
    public static final String BETA_TABLE = "classBeta";

    private int numClasses;

    /**
     * Whether a network normalises with class-conditional scales and shifts.
     *
     * @param network any network
     * @return true when one of its layers is a {@link ConditionalBatchNormalization}
     * @throws NullPointerException if {@code network} is null
     */
    public static boolean isUsedBy(MultiLayerNetwork network) {
        return network.getLayerWiseConfigurations().getConfs().stream()
                .anyMatch(conf -> conf.getLayer() instanceof ConditionalBatchNormalization);
    }

    /** For JSON deserialisation of saved networks. */
    public ConditionalBatchNormalization() {}

    /**
     * @param channels C, the input's channels (or features)
     * @param numClasses K ≥ 1
     * @param decay running-average decay of the statistics, in [0, 1]
     * @param eps ε added to the variance
     * @throws IllegalArgumentException if C or K is below 1
     */
    public ConditionalBatchNormalization(int channels, int numClasses, double decay, double eps) {
        if (channels < 1 || numClasses < 1) {
            throw new IllegalArgumentException(
                    "conditional BatchNorm needs C ≥ 1 and K ≥ 1, got "
                            + channels
                            + ", "
                            + numClasses);
        }
        this.numClasses = numClasses;
        setNIn(channels);
        setNOut(channels);
        setDecay(decay);
        setEps(eps);
        setMinibatch(true);
        setUseLogStd(true);
        setCnn2DFormat(CNN2DFormat.NCHW);
        // DL4J's layer normalises; the class tables replace its per-channel gamma and beta.
        setLockGammaBeta(true);
        setGamma(1.0);
        setBeta(0.0);
    }

    /**
     * @return K, the rows of the γ and β tables
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * @param numClasses K, for JSON deserialisation
     */
    public void setNumClasses(int numClasses) {
        this.numClasses = numClasses;
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        ConditionalBatchNormalizationLayer layer =
                new ConditionalBatchNormalizationLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable =
                initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return ConditionalBatchNormalizationParams.INSTANCE;
    }

    /** The tables are trained like BatchNorm's gamma and beta, with the layer's updater. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return super.getUpdaterByParam(plainKey(paramName));
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return super.getRegularizationByParam(plainKey(paramName));
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public ConditionalBatchNormalization clone() {
        return (ConditionalBatchNormalization) super.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConditionalBatchNormalization that
                && super.equals(other)
                && numClasses == that.numClasses;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof ConditionalBatchNormalization;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + numClasses;
    }

    private static String plainKey(String paramName) {
        return switch (paramName) {
            case GAMMA_TABLE -> BatchNormalizationParamInitializer.GAMMA;
            case BETA_TABLE -> BatchNormalizationParamInitializer.BETA;
            default -> paramName;
        };
    }
}
