package dev.ganforge.core.spec;

import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.plugin.Plugins;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.spi.OptimizerPlugin;
import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.SpecField;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.learning.config.IUpdater;

/** Hand-written plugins with small spec records, so spec tests need no real model or data. */
final class ToyPlugins {

    private ToyPlugins() {}

    /**
     * @return a registry of the toy plugins
     */
    static PluginRegistry registry() {
        return Plugins.fromList(
                List.of(
                        new ToyDataset(),
                        new ToyFolderDataset(),
                        new ToyModel(),
                        new ToyAdam(),
                        new ToySgd(),
                        new ToyUniform()));
    }

    enum Resize {
        CENTER_CROP,
        STRETCH
    }

    record ToyDatasetSpec(
            @SpecField(doc = "which split", defaultValue = "train") String split,
            @SpecField(doc = "how images are resized", defaultValue = "center-crop")
                    Resize resize) {}

    record ToyFolderSpec(
            @SpecField(doc = "image folder") Path root,
            @SpecField(doc = "keep grayscale", defaultValue = "false") boolean grayscale) {}

    record ToyModelSpec(
            @SpecField(doc = "size of z", defaultValue = "100", min = 1, max = 4096) int latentDim,
            @SpecField(doc = "channels per layer", defaultValue = "[64, 128]", min = 1, max = 1024)
                    List<Integer> layers,
            @SpecField(doc = "kernel size", defaultValue = "5", min = 1, max = 9) int kernelSize,
            @SpecField(doc = "dropout", defaultValue = "0.3", min = 0, max = 1) double dropout,
            @SpecField(doc = "label smoothing", optional = true, min = 0, max = 1)
                    Double labelSmoothing) {

        ToyModelSpec {
            layers = List.copyOf(layers);
        }
    }

    record ToyAdamSpec(
            @SpecField(doc = "learning rate", defaultValue = "0.0002", min = 0) double learningRate,
            @SpecField(doc = "beta1", defaultValue = "0.9", min = 0, max = 1) double beta1) {}

    record ToySgdSpec(@SpecField(doc = "learning rate", min = 0) double learningRate) {}

    record ToyUniformSpec(
            @SpecField(doc = "half width", defaultValue = "1.0", min = 0) double scale) {}

    static final class ToyDataset implements DatasetPlugin<ToyDatasetSpec> {
        public String name() {
            return "fashion-mnist";
        }

        public Class<ToyDatasetSpec> specClass() {
            return ToyDatasetSpec.class;
        }

        public LabeledImages load(ToyDatasetSpec spec) {
            throw new UnsupportedOperationException();
        }

        public ImageShape imageShape(ToyDatasetSpec spec) {
            return new ImageShape(1, 28, 28);
        }
    }

    static final class ToyFolderDataset implements DatasetPlugin<ToyFolderSpec> {
        public String name() {
            return "image-folder";
        }

        public Class<ToyFolderSpec> specClass() {
            return ToyFolderSpec.class;
        }

        public LabeledImages load(ToyFolderSpec spec) {
            throw new UnsupportedOperationException();
        }

        public ImageShape imageShape(ToyFolderSpec spec) {
            return new ImageShape(3, 64, 64);
        }
    }

    static final class ToyModel implements ModelPlugin<ToyModelSpec> {
        public String name() {
            return "cgan";
        }

        public Class<ToyModelSpec> specClass() {
            return ToyModelSpec.class;
        }

        public boolean conditional() {
            return true;
        }

        public int latentDim(ToyModelSpec spec) {
            return spec.latentDim();
        }

        public MultiLayerNetwork createGenerator(ToyModelSpec spec, ModelContext context) {
            throw new UnsupportedOperationException();
        }

        public MultiLayerNetwork createDiscriminator(ToyModelSpec spec, ModelContext context) {
            throw new UnsupportedOperationException();
        }
    }

    static final class ToyAdam implements OptimizerPlugin<ToyAdamSpec> {
        public String name() {
            return "adam";
        }

        public Class<ToyAdamSpec> specClass() {
            return ToyAdamSpec.class;
        }

        public IUpdater create(ToyAdamSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    static final class ToySgd implements OptimizerPlugin<ToySgdSpec> {
        public String name() {
            return "sgd";
        }

        public Class<ToySgdSpec> specClass() {
            return ToySgdSpec.class;
        }

        public IUpdater create(ToySgdSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    static final class ToyUniform implements SamplerPlugin<ToyUniformSpec> {
        public String name() {
            return "uniform";
        }

        public Class<ToyUniformSpec> specClass() {
            return ToyUniformSpec.class;
        }

        public void sample(ToyUniformSpec spec, INDArray z, Random random) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * @return the plugins as the registry's element type, for tests that build their own lists
     */
    static List<GanPlugin<?>> all() {
        return List.of(new ToyDataset(), new ToyModel(), new ToyAdam(), new ToyUniform());
    }
}
