package dev.ganforge.testing;

import static dev.ganforge.testing.Tensors.assertFinite;
import static dev.ganforge.testing.Tensors.maxAbs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.spi.GanPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.spi.PluginKind;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The shared JUnit 5 contract every {@link ModelPlugin} must pass: discovery by {@link
 * java.util.ServiceLoader}, a lowercase name, the network shapes and ranges promised by {@link
 * ModelPlugin}'s Javadoc, one CPU training step through the networks' own DL4J API, and a
 * checkpoint round trip through {@link ModelSerializer}. A plugin's test extends this class and
 * supplies a small spec so the whole suite runs in seconds.
 *
 * <p>The training step is written here with DL4J calls rather than the core's {@code TrainingStep},
 * because the core depends on this module for its own tests.
 *
 * @param <S> the plugin's spec record
 */
public abstract class ModelPluginContract<S extends Record> {

    /** Batch size B used by every check; above 1 so BatchNorm has batch statistics. */
    protected static final int BATCH = 4;

    private static final long SEED = 20240611L;

    /** Creates the contract; subclasses supply the plugin and a small spec. */
    protected ModelPluginContract() {}

    /**
     * @return a new instance of the plugin under test, created with {@code new}
     */
    protected abstract ModelPlugin<S> plugin();

    /**
     * @return a tiny spec (few, narrow layers; small kernel) that fits {@link #imageShape()}
     */
    protected abstract S smallSpec();

    /**
     * @return a small image shape (C, H, W), e.g. 3×16×16, that {@link #smallSpec()} accepts
     */
    protected abstract ImageShape imageShape();

    /**
     * @return K, the number of classes given to the model (used only by conditional models)
     */
    protected abstract int numClasses();

    /**
     * @return a context with {@link #imageShape()}, {@link #numClasses()}, two separate Adam
     *     updaters and a fixed seed
     */
    protected ModelContext context() {
        return new ModelContext(
                imageShape(),
                numClasses(),
                new Adam(1e-2, 0.5, 0.999, 1e-8),
                new Adam(1e-2, 0.5, 0.999, 1e-8),
                SEED);
    }

    @Test
    void serviceLoaderFindsThePluginByNameAsAModel() {
        ModelPlugin<S> plugin = plugin();
        List<GanPlugin<?>> found =
                PluginDiscoveryContract.discoveredPlugins().stream()
                        .filter(
                                candidate ->
                                        candidate.name().equals(plugin.name())
                                                && candidate.kind() == PluginKind.MODEL)
                        .toList();
        assertThat(found)
                .as("model plugins named '%s' in META-INF/services", plugin.name())
                .hasSize(1);
        assertThat(found.get(0)).isExactlyInstanceOf(plugin.getClass());
        assertThat(plugin.specClass().isRecord()).as("spec class is a record").isTrue();
    }

    @Test
    void nameIsStableAndLowercase() {
        String name = plugin().name();
        assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT)).matches("[a-z][a-z0-9_-]*");
        assertThat(plugin().name()).as("name of a second instance").isEqualTo(name);
    }

    @Test
    void smallSpecFitsTheImageShape() {
        assertThat(plugin().check(smallSpec(), imageShape())).isEmpty();
    }

    @Test
    void generatorOutputIsNchwImagesInMinusOneToOne() {
        MultiLayerNetwork generator = newGenerator();
        assertThat(generator.getOutputLayer())
                .as(
                        "the generator has no output layer, so D's input gradient can be"
                                + " back-propagated into it")
                .isNotInstanceOf(IOutputLayer.class);
        // Scaled-up weights drive the last layer into saturation: only a bounded (tanh) output
        // stays in range.
        generator.params().muli(50);
        INDArray input = generatorInput(12);
        for (boolean training : new boolean[] {false, true}) {
            INDArray images = generator.output(input, training);
            assertThat(images.shape())
                    .as("generator output shape, training=%s", training)
                    .containsExactly(imageShape().batchShape(BATCH));
            assertFinite("generator output", images);
            assertThat(images.minNumber().doubleValue())
                    .as("min, training=%s", training)
                    .isGreaterThanOrEqualTo(-1.0);
            assertThat(images.maxNumber().doubleValue())
                    .as("max, training=%s", training)
                    .isLessThanOrEqualTo(1.0);
            assertThat(maxAbs(images))
                    .as("saturated output reaches the ends of the range")
                    .isGreaterThan(0.9);
        }
    }

    @Test
    void generatorOutputFitsTheDiscriminatorWhichGivesOneFiniteLogitPerExample() {
        INDArray images = newGenerator().output(generatorInput(1), false);
        MultiLayerNetwork discriminator = newDiscriminator();
        INDArray input = discriminatorInput(images);
        assertThat(input.size(1))
                .as("discriminator input channels")
                .isEqualTo(imageShape().channels() + (labelMaps() ? numClasses() : 0));
        for (boolean training : new boolean[] {false, true}) {
            INDArray logits = discriminator.output(input, training);
            assertThat(logits.shape())
                    .as("discriminator output shape (1 + K for a projection discriminator)")
                    .containsExactly(BATCH, discriminatorOutputs());
            assertFinite("discriminator logits", logits);
        }
        assertThat(
                        discriminator
                                .getLayerWiseConfigurations()
                                .getConf(discriminator.getnLayers() - 1)
                                .getLayer())
                .isInstanceOfSatisfying(
                        BaseOutputLayer.class,
                        output ->
                                assertThat(output.getLossFn())
                                        .isInstanceOf(BinaryCrossEntropyWithLogits.class));
    }

    @Test
    void discriminatorGradientsAreFiniteAndNonZero() {
        MultiLayerNetwork discriminator = newDiscriminator();
        INDArray input = discriminatorInput(newGenerator().output(generatorInput(2), false));
        Pair<Gradient, INDArray> pass =
                discriminator.calculateGradients(
                        input,
                        Nd4j.zeros(input.dataType(), BATCH, discriminatorOutputs()),
                        null,
                        null);
        assertThat(pass.getSecond().shape())
                .as("input gradient shape")
                .containsExactly(input.shape());
        assertFinite("discriminator input gradient", pass.getSecond());
        assertThat(maxAbs(pass.getSecond())).as("max |dL/d input|").isGreaterThan(0.0);
        INDArray parameterGradient = discriminator.getGradientsViewArray();
        assertFinite("discriminator parameter gradient", parameterGradient);
        assertThat(maxAbs(parameterGradient)).as("max |dL/d params|").isGreaterThan(0.0);
    }

    @Test
    void oneTrainingStepChangesBothNetworks() {
        MultiLayerNetwork generator = newGenerator();
        MultiLayerNetwork discriminator = newDiscriminator();
        INDArray generatorBefore = generator.params().dup();
        INDArray discriminatorBefore = discriminator.params().dup();
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

        generator.setInput(generatorInput(3));
        List<INDArray> activations = generator.feedForward(true, false);
        INDArray fake = discriminatorInput(activations.get(activations.size() - 1));
        INDArray zeros = Nd4j.zeros(fake.dataType(), BATCH, discriminatorOutputs());
        INDArray ones = Nd4j.ones(fake.dataType(), BATCH, discriminatorOutputs());

        // Discriminator: fake images with target 0.
        Pair<Gradient, INDArray> discriminatorPass =
                discriminator.calculateGradients(fake, zeros, null, null);
        applyUpdate(discriminator, discriminatorPass.getFirst(), workspaces);

        // Generator: non-saturating loss, target 1, gradient of the image channels back through G.
        Pair<Gradient, INDArray> generatorPass =
                discriminator.calculateGradients(fake, ones, null, null);
        INDArray imageGradient =
                Conditioning.imageGradient(generatorPass.getSecond(), imageShape().channels())
                        .dup();
        Pair<Gradient, INDArray> backward = generator.backpropGradient(imageGradient, workspaces);
        assertFinite("generator parameter gradient", generator.getGradientsViewArray());
        assertThat(maxAbs(generator.getGradientsViewArray()))
                .as("max |dL/d generator params|")
                .isGreaterThan(0.0);
        applyUpdate(generator, backward.getFirst(), workspaces);

        assertFinite("generator parameters", generator.params());
        assertFinite("discriminator parameters", discriminator.params());
        assertThat(Tensors.maxAbsDifference(generator.params(), generatorBefore))
                .as("generator change")
                .isGreaterThan(0.0);
        assertThat(Tensors.maxAbsDifference(discriminator.params(), discriminatorBefore))
                .as("discriminator change")
                .isGreaterThan(0.0);
    }

    @Test
    void checkpointsRoundTripWithIdenticalParametersAndOutputs(@TempDir Path directory)
            throws IOException {
        MultiLayerNetwork generator = newGenerator();
        MultiLayerNetwork discriminator = newDiscriminator();
        // Train once so the updater state and BatchNorm statistics are not their initial values.
        discriminator.fit(
                discriminatorInput(generator.output(generatorInput(4), false)),
                Nd4j.zeros(BATCH, discriminatorOutputs()));

        INDArray generatorIn = generatorInput(5);
        INDArray discriminatorIn = discriminatorInput(generator.output(generatorIn, false));
        MultiLayerNetwork generatorCopy =
                roundTrip(generator, directory.resolve("generator.zip").toFile());
        MultiLayerNetwork discriminatorCopy =
                roundTrip(discriminator, directory.resolve("discriminator.zip").toFile());

        Tensors.assertIdentical(
                "generator output after the round trip",
                generatorCopy.output(generatorIn, false),
                generator.output(generatorIn, false));
        Tensors.assertIdentical(
                "discriminator output after the round trip",
                discriminatorCopy.output(discriminatorIn, false),
                discriminator.output(discriminatorIn, false));
        assertThat(
                        discriminatorCopy
                                .getLayerWiseConfigurations()
                                .getConf(discriminatorCopy.getnLayers() - 1)
                                .getLayer())
                .isInstanceOfSatisfying(
                        BaseOutputLayer.class,
                        output ->
                                assertThat(output.getLossFn())
                                        .isInstanceOf(BinaryCrossEntropyWithLogits.class));
    }

    /**
     * @return a new generator from {@link #smallSpec()} and {@link #context()}
     */
    protected MultiLayerNetwork newGenerator() {
        return plugin().createGenerator(smallSpec(), context());
    }

    /**
     * @return a new discriminator from {@link #smallSpec()} and {@link #context()}
     */
    protected MultiLayerNetwork newDiscriminator() {
        return plugin().createDiscriminator(smallSpec(), context());
    }

    /**
     * @param seed seed of z ~ N(0, 1)
     * @return {@code [B, latentDim (+K)]}: z, followed by the one-hot of label {@code i mod K} for
     *     a conditional model
     */
    protected INDArray generatorInput(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray z = Nd4j.randn(BATCH, plugin().latentDim(smallSpec()));
        INDArray oneHot = oneHotOrNull();
        long width = z.size(1) + (oneHot == null ? 0 : oneHot.size(1));
        return Conditioning.generatorInput(z, oneHot, Nd4j.create(z.dataType(), BATCH, width));
    }

    /**
     * @param images {@code [B, C, H, W]}
     * @return {@code [B, C (+K), H, W]}: the images with the label maps for a conditional model
     *     without a projection discriminator
     */
    protected INDArray discriminatorInput(INDArray images) {
        INDArray oneHot = labelMaps() ? oneHotOrNull() : null;
        long channels = images.size(1) + (oneHot == null ? 0 : oneHot.size(1));
        INDArray out =
                Nd4j.create(images.dataType(), BATCH, channels, images.size(2), images.size(3));
        return Conditioning.discriminatorInput(images, oneHot, out);
    }

    /**
     * @return whether the discriminator's input carries label maps: conditional, not projection
     */
    protected boolean labelMaps() {
        return plugin().conditional() && !plugin().projection(smallSpec());
    }

    /**
     * @return the discriminator's output width: 1, or 1 + K for a projection discriminator
     */
    protected int discriminatorOutputs() {
        return plugin().projection(smallSpec()) ? 1 + numClasses() : 1;
    }

    private INDArray oneHotOrNull() {
        if (!plugin().conditional()) {
            return null;
        }
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = i % numClasses();
        }
        return Conditioning.oneHot(labels, Nd4j.create(BATCH, numClasses()));
    }

    private static void applyUpdate(
            MultiLayerNetwork network, Gradient gradient, LayerWorkspaceMgr workspaces) {
        network.getUpdater().update(network, gradient, 0, 0, BATCH, workspaces);
        INDArray params = network.params();
        params.subi(network.getGradientsViewArray().reshape(params.shape()));
    }

    private static MultiLayerNetwork roundTrip(MultiLayerNetwork network, File file)
            throws IOException {
        ModelSerializer.writeModel(network, file, true);
        MultiLayerNetwork copy = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(copy.getLayerWiseConfigurations())
                .isEqualTo(network.getLayerWiseConfigurations());
        Tensors.assertIdentical("parameters after the round trip", copy.params(), network.params());
        Tensors.assertIdentical(
                "updater state after the round trip",
                copy.getUpdater().getStateViewArray(),
                network.getUpdater().getStateViewArray());
        return copy;
    }
}
