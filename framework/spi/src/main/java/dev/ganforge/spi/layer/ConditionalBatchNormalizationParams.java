package dev.ganforge.spi.layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link ConditionalBatchNormalization}, in this order in the flat parameter (and
 * gradient) view: γ table {@code [K, C]} (row-major), β table {@code [K, C]}, running mean {@code
 * [C]}, running log10 standard deviation (or variance) {@code [C]}, the last two under DL4J's
 * BatchNorm keys so its layer implementation finds them.
 */
final class ConditionalBatchNormalizationParams implements ParamInitializer {

    static final ConditionalBatchNormalizationParams INSTANCE =
            new ConditionalBatchNormalizationParams();

    private ConditionalBatchNormalizationParams() {}

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        ConditionalBatchNormalization config = (ConditionalBatchNormalization) layer;
        long channels = config.getNOut();
        return 2L * config.getNumClasses() * channels + 2 * channels;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(
                ConditionalBatchNormalization.GAMMA_TABLE,
                ConditionalBatchNormalization.BETA_TABLE,
                BatchNormalizationParamInitializer.GLOBAL_MEAN,
                varianceKey((ConditionalBatchNormalization) layer));
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(
            NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        ConditionalBatchNormalization config = (ConditionalBatchNormalization) conf.getLayer();
        Map<String, INDArray> views = views(config, paramsView);
        if (initializeParams) {
            views.get(ConditionalBatchNormalization.GAMMA_TABLE).assign(1);
            views.get(ConditionalBatchNormalization.BETA_TABLE).assign(0);
            views.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(0);
            // log10(1) = 0, or a variance of 1
            views.get(varianceKey(config)).assign(config.isUseLogStd() ? 0 : 1);
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(
            NeuralNetConfiguration conf, INDArray gradientView) {
        return views((ConditionalBatchNormalization) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(
            ConditionalBatchNormalization config, INDArray flat) {
        INDArray vector = flat.rank() == 1 ? flat : flat.reshape(flat.length());
        long channels = config.getNOut();
        long table = config.getNumClasses() * channels;
        Map<String, INDArray> views = new LinkedHashMap<>();
        views.put(
                ConditionalBatchNormalization.GAMMA_TABLE,
                vector.get(NDArrayIndex.interval(0, table))
                        .reshape('c', config.getNumClasses(), channels));
        views.put(
                ConditionalBatchNormalization.BETA_TABLE,
                vector.get(NDArrayIndex.interval(table, 2 * table))
                        .reshape('c', config.getNumClasses(), channels));
        views.put(
                BatchNormalizationParamInitializer.GLOBAL_MEAN,
                vector.get(NDArrayIndex.interval(2 * table, 2 * table + channels)));
        views.put(
                varianceKey(config),
                vector.get(NDArrayIndex.interval(2 * table + channels, 2 * table + 2 * channels)));
        return views;
    }

    private static String varianceKey(ConditionalBatchNormalization config) {
        return config.isUseLogStd()
                ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
    }
}
