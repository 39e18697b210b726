package dev.ganforge.spi;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Supplies a GAN's generator and discriminator factories.
 *
 * <p>Contract for the networks (checked by the shared plugin contract tests):
 *
 * <ul>
 *   <li>Generator input: {@code [B, latentDim + (conditional ? K : 0)]}, the latent vector z
 *       followed by the one-hot label (see {@link Conditioning#generatorInput}). Output: images
 *       {@code [B, C, H, W]} in [-1, 1] (tanh). No output layer, so gradients from the
 *       discriminator can be passed in with {@code backpropGradient}.
 *   <li>Discriminator input: {@code [B, C + (conditional ? K : 0), H, W]}, the image with the label
 *       broadcast to K maps of H×W on the channel axis (see {@link
 *       Conditioning#discriminatorInput}). Output: one logit per example, {@code [B, 1]}, from an
 *       output layer whose loss is {@link BinaryCrossEntropyWithLogits}.
 *   <li>With a projection discriminator ({@link #projection} true, conditional models only): input
 *       {@code [B, C, H, W]} without label maps, output {@code [B, 1 + K]} from the same kind of
 *       output layer: column 0 is ψ(φ(x)), column 1 + y the projection of φ(x) on the embedding of
 *       class y, and the logit of (x, y) is their sum (Miyato &amp; Koyama 2018,
 *       https://arxiv.org/abs/1802.05637).
 * </ul>
 *
 * @param <S> the model's spec record
 */
public interface ModelPlugin<S extends Record> extends GanPlugin<S> {

    @Override
    default PluginKind kind() {
        return PluginKind.MODEL;
    }

    /**
     * @return whether the networks take the class label as input
     */
    boolean conditional();

    /**
     * @param spec the bound model spec
     * @return whether the discriminator is a projection discriminator (output {@code [B, 1 + K]},
     *     no label maps in its input); false by default
     */
    default boolean projection(S spec) {
        return false;
    }

    /**
     * @param spec the bound model spec
     * @return whether the training step divides every weight matrix of the discriminator by its
     *     spectral norm (Miyato et al. 2018, https://arxiv.org/abs/1802.05957); false by default
     */
    default boolean spectralNorm(S spec) {
        return false;
    }

    /**
     * @param spec the bound model spec
     * @return the size of the latent vector z
     */
    int latentDim(S spec);

    /**
     * Checks the spec against the data before anything is built, so every problem is reported at
     * once.
     *
     * @param spec the bound model spec
     * @param imageShape the dataset's image shape
     * @return problems as readable sentences, each naming the spec key; empty if the model fits
     */
    default List<String> check(S spec, ImageShape imageShape) {
        return List.of();
    }

    /**
     * Builds and initialises a new generator.
     *
     * @param spec the bound model spec
     * @param context image shape, class count, updater and seed
     * @return an initialised network, input and output as described above
     * @throws IllegalArgumentException if the spec does not fit the image shape
     */
    MultiLayerNetwork createGenerator(S spec, ModelContext context);

    /**
     * Builds and initialises a new discriminator.
     *
     * @param spec the bound model spec
     * @param context image shape, class count, updater and seed
     * @return an initialised network, input and output as described above
     * @throws IllegalArgumentException if the spec does not fit the image shape
     */
    MultiLayerNetwork createDiscriminator(S spec, ModelContext context);
}
