package dev.ganforge.core.train;

import dev.ganforge.config.PluginSection;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.spi.DataException;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.EvaluationInput;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import dev.ganforge.spi.ModelContext;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.spi.OptimizerPlugin;
import dev.ganforge.spi.SamplerPlugin;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The plugins an experiment names, each paired with its bound spec. The spec binder guarantees that
 * each section's spec record is the plugin's own spec class, which makes the casts here safe.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class ResolvedPlugins {

    private final ExperimentSpec spec;

    /**
     * @param spec a resolved experiment
     */
    public ResolvedPlugins(ExperimentSpec spec) {
        this.spec = spec;
    }

    /**
     * @return the model plugin
     */
    public ModelPlugin<Record> model() {
        return (ModelPlugin<Record>) spec.model().plugin(ModelPlugin.class);
    }

    /**
     * @return the model's spec record
     */
    public Record modelSpec() {
        return spec.model().spec();
    }

    /**
     * @return the size of z
     */
    public int latentDim() {
        return model().latentDim(modelSpec());
    }

    /**
     * @param shape the dataset's image shape
     * @return the model's problems with that shape, empty if it fits
     */
    public List<String> modelCheck(ImageShape shape) {
        return model().check(modelSpec(), shape);
    }

    /**
     * @return the image shape the dataset will produce
     */
    public ImageShape imageShape() {
        DatasetPlugin dataset = spec.dataset().plugin(DatasetPlugin.class);
        return dataset.imageShape(spec.dataset().spec());
    }

    /**
     * @return the decoded dataset
     * @throws DataException if the data is missing or malformed, or, for a conditional model, two
     *     of its class names give the same per-class metric name ({@link
     *     EvaluationInput#classMetricPart}), where one class's figures would overwrite the other's
     *     in {@code eval.csv} and MLflow
     */
    public LabeledImages loadData() {
        DatasetPlugin dataset = spec.dataset().plugin(DatasetPlugin.class);
        LabeledImages data;
        try {
            data = dataset.load(spec.dataset().spec());
        } catch (IOException e) {
            throw new DataException(
                    "cannot read the dataset '" + spec.dataset().type() + "': " + e.getMessage(),
                    e);
        }
        if (model().conditional()) { // only conditional models get per-class metrics
            checkMetricNames(spec.dataset().type(), data.classNames());
        }
        return data;
    }

    /**
     * @param datasetType the dataset plugin's name, for the message
     * @param classNames class names in label order
     * @throws DataException listing every group of classes whose metric names are equal
     */
    static void checkMetricNames(String datasetType, List<String> classNames) {
        Map<String, List<String>> byPart = new LinkedHashMap<>();
        for (String name : classNames) {
            byPart.computeIfAbsent(EvaluationInput.classMetricPart(name), part -> new ArrayList<>())
                    .add(name);
        }
        List<String> clashes = new ArrayList<>();
        byPart.forEach(
                (part, names) -> {
                    if (names.size() > 1) {
                        clashes.add(
                                "'" + String.join("', '", names) + "' all become '" + part + "'");
                    }
                });
        if (!clashes.isEmpty()) {
            throw new DataException(
                    "the dataset '"
                            + datasetType
                            + "' has classes whose per-class metric names (eval/recall/<class>,"
                            + " …) would be the same, so one class's figures would overwrite"
                            + " another's: "
                            + String.join("; ", clashes)
                            + ". Metric names keep A-Z, a-z, 0-9, '.', '_' and '-' and turn every"
                            + " other character into '_'; rename these classes in the data (for"
                            + " image-folder, their folders) so that they differ in those"
                            + " characters");
        }
    }

    /**
     * @return the training step's recipe: {@code training.loss}, {@code training.augment}, {@code
     *     training.precision}, {@code training.mode_seeking} and {@code training.lecam}, the
     *     model's projection head and spectral norm, and the seed
     */
    public StepRecipe recipe() {
        return new StepRecipe(
                spec.training().loss(),
                model().projection(modelSpec()),
                model().spectralNorm(modelSpec()),
                spec.training().augment(),
                spec.seed(),
                spec.training().precision(),
                spec.training().modeSeeking(),
                spec.training().lecam());
    }

    /** The weight-initialisation seed used for {@code seed: 0}. */
    public static final long ZERO_SEED = 0x5EED0000L;

    /**
     * Builds new, initialised networks, each with its own updater.
     *
     * @param shape the image shape
     * @param numClasses K
     * @param totalSteps the run's length in steps (where a learning-rate decay ends)
     * @param seed weight-initialisation seed; 0 is passed on as {@link #ZERO_SEED}, because ND4J's
     *     native generator, which DL4J seeds with it, takes 0 as "seed from the clock" and a {@code
     *     seed: 0} run would not be reproducible
     * @return {generator, discriminator}
     */
    public MultiLayerNetwork[] createNetworks(
            ImageShape shape, int numClasses, long totalSteps, long seed) {
        ModelContext context =
                new ModelContext(
                        shape,
                        numClasses,
                        generatorUpdater(totalSteps),
                        discriminatorUpdater(totalSteps),
                        seed == 0 ? ZERO_SEED : seed);
        return new MultiLayerNetwork[] {
            model().createGenerator(modelSpec(), context),
            model().createDiscriminator(modelSpec(), context)
        };
    }

    /**
     * @param values wall-clock seconds, first {@code count} used
     * @param count how many values
     * @return their median, NaN when count is 0
     */
    public static double median(double[] values, int count) {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    }

    /**
     * @param totalSteps the run's length in steps, where a {@code training.lr_decay_start} schedule
     *     reaches 0
     * @return a new updater for the generator, with the learning-rate schedule of the spec
     * @throws ExperimentException if the schedule's start is not before {@code totalSteps} or the
     *     optimizer has no learning rate
     */
    public IUpdater generatorUpdater(long totalSteps) {
        return updater(spec.optimizers().generator(), "generator", totalSteps);
    }

    /**
     * @param totalSteps the run's length in steps, where a {@code training.lr_decay_start} schedule
     *     reaches 0
     * @return a new updater for the discriminator (never the generator's instance), with the
     *     learning-rate schedule of the spec
     * @throws ExperimentException if the schedule's start is not before {@code totalSteps} or the
     *     optimizer has no learning rate
     */
    public IUpdater discriminatorUpdater(long totalSteps) {
        return updater(spec.optimizers().discriminator(), "discriminator", totalSteps);
    }

    /**
     * Fills z with fresh latent values from the spec's sampler.
     *
     * @param z {@code [B, latentDim]}, overwritten
     * @param random the random generator to draw from
     */
    public void sampleLatent(INDArray z, Random random) {
        SamplerPlugin sampler = spec.sampler().plugin(SamplerPlugin.class);
        sampler.sample(spec.sampler().spec(), z, random);
    }

    private IUpdater updater(PluginSection section, String role, long totalSteps) {
        OptimizerPlugin optimizer = section.plugin(OptimizerPlugin.class);
        IUpdater updater = optimizer.create(section.spec());
        Integer decayStart = spec.training().lrDecayStart();
        if (decayStart == null) {
            return updater;
        }
        if (decayStart >= totalSteps) {
            throw new ExperimentException(
                    "training.lr_decay_start: "
                            + decayStart
                            + " is not within the run; expected a step below its "
                            + totalSteps
                            + " steps"
                            + (spec.training().epochs() != null
                                    ? " (training.epochs " + spec.training().epochs() + ")"
                                    : ""));
        }
        if (!updater.hasLearningRate()) {
            throw new ExperimentException(
                    "training.lr_decay_start: the "
                            + role
                            + "'s optimizer '"
                            + section.type()
                            + "' has no learning rate to decay");
        }
        double rate = updater.getLearningRate(0, 0);
        updater.setLrAndSchedule(rate, new LinearDecaySchedule(rate, decayStart, totalSteps));
        return updater;
    }
}
