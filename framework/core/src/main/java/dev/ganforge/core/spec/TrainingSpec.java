package dev.ganforge.core.spec;

import dev.ganforge.config.SpecNames;
import dev.ganforge.spi.SpecField;
import java.util.List;
import java.util.Set;

/**
 * The {@code training:} section: batch size, length and intervals. Exactly one of {@code steps} and
 * {@code epochs} sets the length; a step is one discriminator update (real + fake batch) followed
 * by one generator update.
 *
 * @param batchSize examples per batch B
 * @param steps training steps in total, or null when {@code epochs} is given
 * @param epochs passes over the dataset, or null when {@code steps} is given
 * @param logEvery write a metrics row every this many steps
 * @param sampleEvery write sample grids every this many steps (and at the end)
 * @param checkpointEvery write a checkpoint every this many steps (and at the end)
 * @param keepCheckpoints how many periodic checkpoints to keep on disk, newest first
 * @param sampleRows rows of the fake sample grids; the columns are the K classes
 * @param gcEvery call the garbage collector every this many steps (and at least every 2 s of
 *     training), to release off-heap ND4J memory held by garbage arrays
 * @param engine which implementation runs the training step (same numerics; oneDNN is the fast one)
 * @param loss the adversarial loss: bce (non-saturating), hinge or least-squares ({@link GanLoss})
 * @param augment differentiable augmentations of D's real and generated inputs, in order ({@link
 *     Augmentation}); empty for none
 * @param emaDecay β of the exponential moving average of the generator's weights used for samples,
 *     evaluation and {@code generate}; 0 turns the average off
 * @param emaStart steps before the average starts (the average copies the generator until then)
 * @param lrDecayStart the step after which both optimizers' learning rates fall linearly towards 0,
 *     reached one step past the run's last ({@link dev.ganforge.core.train.LinearDecaySchedule});
 *     null keeps them constant
 * @param precision arithmetic of the convolutions and dense layers: fp32, bf16 or auto ({@link
 *     Precision})
 * @param modeSeeking λ of MSGAN's mode-seeking term in G's loss ({@link
 *     dev.ganforge.core.train.ModeSeeking}), in [0, 100]; 0 = off; needs an even batch size
 * @param lecam λ of the LeCam regulariser in D's loss ({@link dev.ganforge.core.train.LeCam}), in
 *     [0, 100]; 0 = off
 */
public record TrainingSpec(
        @SpecField(doc = "examples per batch", defaultValue = "64", min = 1, max = 65536)
                int batchSize,
        @SpecField(
                        doc = "training steps in total (give steps or epochs, not both)",
                        optional = true,
                        min = 1)
                Integer steps,
        @SpecField(
                        doc = "passes over the dataset (give steps or epochs, not both)",
                        optional = true,
                        min = 1)
                Integer epochs,
        @SpecField(doc = "steps between metrics rows", defaultValue = "10", min = 1) int logEvery,
        @SpecField(
                        doc = "steps between sample grids (one more at the end)",
                        defaultValue = "200",
                        min = 1)
                int sampleEvery,
        @SpecField(
                        doc = "steps between checkpoints (one more at the end)",
                        defaultValue = "500",
                        min = 1)
                int checkpointEvery,
        @SpecField(
                        doc = "periodic checkpoints kept on disk, newest first",
                        defaultValue = "2",
                        min = 1)
                int keepCheckpoints,
        @SpecField(
                        doc = "rows of the fake sample grids; columns are the classes",
                        defaultValue = "8",
                        min = 1,
                        max = 64)
                int sampleRows,
        @SpecField(
                        doc = "steps between garbage collections that release off-heap memory",
                        defaultValue = "10",
                        min = 1)
                int gcEvery,
        @SpecField(
                        doc =
                                "training step implementation: auto (oneDNN on the CPU when the"
                                        + " layers allow, else DL4J), onednn or dl4j",
                        defaultValue = "auto")
                TrainingEngine engine,
        @SpecField(
                        doc = "adversarial loss: bce (non-saturating), hinge or least-squares",
                        defaultValue = "bce")
                GanLoss loss,
        @SpecField(
                        doc =
                                "DiffAugment of D's inputs, any of color, translation, cutout"
                                        + " (in that order is usual) and scale (ADA's"
                                        + " isotropic zoom); [] for none",
                        defaultValue = "[]")
                List<Augmentation> augment,
        @SpecField(
                        doc =
                                "decay of the generator's weight average used for samples and"
                                        + " evaluation (e.g. 0.999); 0 = off",
                        defaultValue = "0",
                        min = 0,
                        max = 0.999999)
                double emaDecay,
        @SpecField(
                        doc = "steps before the weight average starts (it copies until then)",
                        defaultValue = "0",
                        min = 0)
                int emaStart,
        @SpecField(
                        doc =
                                "step after which both learning rates fall linearly towards 0"
                                        + " (reached at training.steps); unset = constant",
                        optional = true,
                        min = 0)
                Integer lrDecayStart,
        @SpecField(
                        doc =
                                "arithmetic of convolutions and dense layers: fp32, bf16 (oneDNN on"
                                    + " a CPU with native bfloat16) or auto (bf16 where native)",
                        defaultValue = "fp32")
                Precision precision,
        @SpecField(
                        doc =
                                "weight λ of MSGAN's mode-seeking term in G's loss, which"
                                        + " penalises a class's images for lying closer than"
                                        + " their latent vectors (Mao et al. 2019); needs an"
                                        + " even batch_size; 0 = off",
                        defaultValue = "0",
                        min = 0,
                        max = 100)
                double modeSeeking,
        @SpecField(
                        doc =
                                "weight λ of the LeCam regulariser in D's loss, which pulls"
                                        + " D's logits on real images down towards its average"
                                        + " on generated ones and the reverse (Tseng et al."
                                        + " 2021, for little data); 0 = off",
                        defaultValue = "0",
                        min = 0,
                        max = 100)
                double lecam) {

    /**
     * @throws IllegalArgumentException unless exactly one of steps and epochs is given, if
     *     lrDecayStart is not below steps, or if modeSeeking is on with an odd batch size
     */
    public TrainingSpec {
        augment = List.copyOf(augment);
        if (augment.size() != Set.copyOf(augment).size()) {
            throw new IllegalArgumentException(
                    "'augment' lists an augmentation twice: "
                            + augment.stream().map(SpecNames::enumText).toList());
        }
        if (modeSeeking > 0 && batchSize % 2 != 0) {
            throw new IllegalArgumentException(
                    "'mode_seeking' pairs the first half of each batch with the second and needs"
                            + " an even 'batch_size', got "
                            + batchSize);
        }
        if ((steps == null) == (epochs == null)) {
            throw new IllegalArgumentException("give exactly one of 'steps' and 'epochs'");
        }
        if (lrDecayStart != null && steps != null && lrDecayStart >= steps) {
            throw new IllegalArgumentException(
                    "'lr_decay_start' ("
                            + lrDecayStart
                            + ") must be below 'steps' ("
                            + steps
                            + "): the learning rates fall from that step towards 0 at 'steps'");
        }
    }

    /**
     * @param datasetSize N, the number of training images
     * @return the total number of steps: {@code steps}, or {@code epochs · floor(N / B)}
     */
    public long totalSteps(long datasetSize) {
        return steps != null ? steps : (long) epochs * (datasetSize / batchSize);
    }
}
