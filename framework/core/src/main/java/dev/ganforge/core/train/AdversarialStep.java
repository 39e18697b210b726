package dev.ganforge.core.train;

import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.train.DiscriminatorHead.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GAN training step written once for every engine (Goodfellow et al. 2014,
 * https://arxiv.org/abs/1406.2661): an engine supplies the forward and backward passes of its two
 * compiled networks, this class the order of the passes and everything around them:
 *
 * <ol>
 *   <li>G forward (BatchNorm on batch statistics): fake = G([z | one-hot]).
 *   <li>Real and fake images through {@link DiffAugment} (draws of step s from a mix of (seed, s)).
 *   <li>D with spectrally normalised weights ({@link SpectralNorm}, if on): its gradient on the
 *       real batch plus its gradient on the fake batch, each in its own pass so BatchNorm
 *       statistics are per batch, loss terms from {@link DiscriminatorHead} (with the {@link LeCam}
 *       regulariser, if on, whose logit averages then take this step's logits); the raw weights
 *       back, the gradient turned into dL/dW; one update with D's own updater.
 *   <li>The updated D (normalised again) on the same augmented fake batch with G's loss; the
 *       gradient with respect to D's image channels goes back through the augmentation, plus the
 *       gradient of the mode-seeking term ({@link ModeSeeking}, if on) with respect to the fake
 *       images, then through G; one update with G's own updater. D's parameters do not change in
 *       this pass. The G loss reported is the adversarial term alone.
 * </ol>
 *
 * Each network minimises a batch mean. Engines that pass {@code batchMeanGradients} feed each
 * example's loss gradient in divided by B ({@link DiscriminatorHead}), so the parameter gradients
 * arrive averaged and DL4J's updaters are told not to divide by the minibatch (a pass over every
 * gradient of both networks, about 2 % of a bench_fashion step on the oneDNN engine); the others
 * sum per-example gradients and the updaters divide. The step number passed to the updaters is the
 * true iteration count (Adam's bias correction is right after a resume).
 */
public abstract class AdversarialStep implements TrainingStep {

    /** Salt that separates the augmentation draws of step s from the run's other draws. */
    private static final long AUGMENT_SALT = 0x5DEECE66DL;

    /** The generator being trained. */
    protected final MultiLayerNetwork generator;

    /** The discriminator being trained. */
    protected final MultiLayerNetwork discriminator;

    /** B: examples per step. */
    protected final int batchSize;

    /** Turns D's output into logits, losses and output gradients. */
    protected final DiscriminatorHead head;

    private final StepRecipe recipe;
    private final StepInputs inputs;
    private final SpectralNorm spectralNorm;
    private final DiffAugment realAugment;
    private final DiffAugment fakeAugment;
    private final ModeSeeking modeSeeking;
    private final LeCam lecam;
    private final boolean batchMeanGradients;
    private final INDArray realGradient;
    private final float[] realLogits;
    private final float[] fakeLogits;
    private final float[] generatorLogits;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    /**
     * @param setup the networks, batch shape and recipe
     * @param batchMeanGradients whether the loss gradients enter divided by B (then the networks'
     *     updaters are set not to divide; else they are set to divide), see the class comment
     */
    protected AdversarialStep(StepSetup setup, boolean batchMeanGradients) {
        this.generator = setup.generator();
        this.discriminator = setup.discriminator();
        this.batchSize = setup.batchSize();
        // Set either way: a network may come from a step of the other kind (or a checkpoint).
        generator.conf().setMiniBatch(!batchMeanGradients);
        discriminator.conf().setMiniBatch(!batchMeanGradients);
        this.recipe = setup.recipe();
        this.lecam = recipe.lecam() > 0 ? new LeCam(recipe.lecam()) : null;
        this.head = new DiscriminatorHead(recipe, batchMeanGradients, lecam);
        this.inputs = new StepInputs(setup);
        this.spectralNorm =
                recipe.spectralNorm() ? new SpectralNorm(discriminator, recipe.seed()) : null;
        long[] imageShape = {
            batchSize, setup.shape().channels(), setup.shape().height(), setup.shape().width()
        };
        this.realAugment = new DiffAugment(recipe.augment(), imageShape);
        this.fakeAugment = new DiffAugment(recipe.augment(), imageShape);
        this.modeSeeking = recipe.modeSeeking() > 0 ? new ModeSeeking(recipe.modeSeeking()) : null;
        this.batchMeanGradients = batchMeanGradients;
        if (discriminator.getGradientsViewArray() == null) {
            discriminator.initGradientsView();
        }
        this.realGradient =
                Nd4j.create(discriminator.params().dataType(), discriminator.numParams());
        this.realLogits = new float[batchSize];
        this.fakeLogits = new float[batchSize];
        this.generatorLogits = new float[batchSize];
    }

    /**
     * @return G's input shape {@code [B, latentDim (+K)]}
     */
    protected final long[] generatorInputShape() {
        return inputs.generatorShape();
    }

    /**
     * @return D's input shape {@code [B, C (+K), H, W]}
     */
    protected final long[] discriminatorInputShape() {
        return inputs.discriminatorShape();
    }

    /**
     * G forward in training mode, keeping what {@link #generatorBackward} needs.
     *
     * @param input {@code [B, latentDim (+K)]}
     * @return fake images {@code [B, C, H, W]}, valid until the next generator pass
     */
    protected abstract INDArray generatorForward(INDArray input);

    /**
     * D forward in training mode on {@code input}, the loss term {@code target} through {@link
     * #head}, and D backward.
     *
     * @param input {@code [B, C (+K), H, W]}
     * @param labels class per example (the projection head reads them)
     * @param target which loss term
     * @param logits filled with the B logits
     * @param parameters whether to write D's parameter gradients into its gradient view
     * @param toInput whether to compute the gradient with respect to the image channels
     * @return the pass's mean loss
     */
    protected abstract double discriminatorPass(
            INDArray input,
            int[] labels,
            Target target,
            float[] logits,
            boolean parameters,
            boolean toInput);

    /**
     * @return dLoss/dImage {@code [B, C, H, W]} of the last {@code discriminatorPass(…, toInput =
     *     true)}
     */
    protected abstract INDArray discriminatorImageGradient();

    /**
     * Back-propagates {@code imageGradient} through the last generator forward pass into G's
     * gradient view.
     *
     * @param imageGradient dLoss/dFake {@code [B, C, H, W]}
     * @return the gradient object G's updater takes
     */
    protected abstract Gradient generatorBackward(INDArray imageGradient);

    /**
     * @return the gradient object D's updater takes (over D's gradient view)
     */
    protected abstract Gradient discriminatorGradient();

    /**
     * Called whenever parameters were changed outside the passes (an update, a restore, spectral
     * normalisation), before the next pass; engines that keep weights in their own layouts re-read
     * them here.
     *
     * @param generatorChanged whether G's parameters changed
     * @param discriminatorChanged whether D's parameters changed
     */
    protected void parametersChanged(boolean generatorChanged, boolean discriminatorChanged) {}

    @Override
    public final StepResult step(
            INDArray realImages,
            int[] realLabels,
            INDArray z,
            int[] fakeLabels,
            int iteration,
            int epoch) {
        TrainingStep.requireBatch(realImages, z, batchSize);
        if (modeSeeking != null) {
            ModeSeeking.requirePaired(fakeLabels);
        }
        // Parameters may have been changed between steps (a restore).
        parametersChanged(true, true);

        INDArray fake = generatorForward(inputs.generator(z, fakeLabels));

        SplittableRandom random = augmentationRandom(recipe.seed(), iteration);
        INDArray realInput = inputs.real(realAugment.forward(realImages, random), realLabels);
        INDArray fakeInput = inputs.fake(fakeAugment.forward(fake, random), fakeLabels);

        if (spectralNorm != null) {
            normalize();
        }
        double realLoss =
                discriminatorPass(realInput, realLabels, Target.REAL, realLogits, true, false);
        INDArray dGradient = discriminator.getGradientsViewArray();
        realGradient.assign(dGradient.reshape(realGradient.shape()));
        double fakeLoss =
                discriminatorPass(fakeInput, fakeLabels, Target.FAKE, fakeLogits, true, false);
        dGradient.addi(realGradient.reshape(dGradient.shape()));
        if (lecam != null) {
            lecam.update(realLogits, fakeLogits);
        }
        if (spectralNorm != null) {
            spectralNorm.restore(true);
        }
        TrainingStep.applyUpdate(
                discriminator, discriminatorGradient(), iteration, epoch, batchSize, workspaces);

        normalize();
        double generatorLoss =
                discriminatorPass(
                        fakeInput, fakeLabels, Target.GENERATOR, generatorLogits, false, true);
        if (spectralNorm != null) {
            spectralNorm.restore(false);
        }
        INDArray imageGradient = fakeAugment.backward(discriminatorImageGradient());
        if (modeSeeking != null) {
            imageGradient =
                    imageGradient.add(
                            modeSeeking.gradient(
                                    fake, z, fakeLabels, batchMeanGradients ? 1 : batchSize));
        }
        Gradient gGradient = generatorBackward(imageGradient);
        TrainingStep.applyUpdate(generator, gGradient, iteration, epoch, batchSize, workspaces);

        return new StepResult(
                realLoss + fakeLoss,
                generatorLoss,
                DiscriminatorHead.meanProbability(realLogits),
                DiscriminatorHead.meanProbability(fakeLogits),
                modeSeeking != null ? modeSeeking.lastRatio() : Double.NaN);
    }

    /**
     * The source of step {@code iteration}'s augmentation parameters: the real batch's draws come
     * first, then the fake batch's.
     *
     * @param seed the run's seed
     * @param iteration the 0-based step
     * @return a generator that depends only on (seed, iteration)
     */
    public static SplittableRandom augmentationRandom(long seed, long iteration) {
        return new SplittableRandom(Trainer.mix(seed ^ AUGMENT_SALT, iteration));
    }

    private void normalize() {
        if (spectralNorm != null) {
            spectralNorm.normalize();
        }
        parametersChanged(false, true);
    }

    /**
     * @return the spectral-norm u vectors and the LeCam averages, those that are on (empty when
     *     neither is)
     */
    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> state = new LinkedHashMap<>();
        if (spectralNorm != null) {
            state.putAll(spectralNorm.state());
        }
        if (lecam != null) {
            state.putAll(lecam.state());
        }
        return state;
    }

    @Override
    public void restoreState(Map<String, INDArray> state) {
        if (spectralNorm != null) {
            spectralNorm.restoreState(state);
        }
        if (lecam != null) {
            lecam.restoreState(state);
        }
    }
}
