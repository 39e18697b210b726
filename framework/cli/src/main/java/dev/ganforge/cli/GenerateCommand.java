package dev.ganforge.cli;

import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.Generation;
import dev.ganforge.core.train.ImageGrid;
import dev.ganforge.core.train.ResolvedPlugins;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge generate RUN_DIR --per-class N --output OUT}: writes N generated PNGs per class
 * into {@code OUT/<class>/NNNN.png} from a run's checkpoint ({@code --checkpoint best|last|DIR}),
 * using only the run folder (saved spec, class list, generator); no dataset is read. Characters
 * other than letters, digits, '.', '_' and '-' in class names become '_' in folder names.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description =
                "Write N generated images per class from a run's latest checkpoint; no dataset"
                        + " needed.")
final class GenerateCommand implements Callable<Integer> {

    private final SpecLoader loader;

    /**
     * @param loader the spec loader, with every installed plugin
     */
    @Inject
    GenerateCommand(SpecLoader loader) {
        this.loader = loader;
    }

    @Spec CommandSpec commandSpec;

    @Mixin CheckpointArguments target;

    @Option(
            names = "--per-class",
            paramLabel = "N",
            required = true,
            description = "images per class (>= 1)")
    int perClass;

    @Option(
            names = "--output",
            paramLabel = "OUT",
            required = true,
            description = "folder for OUT/<class>/*.png")
    Path output;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "seed of the latent vectors (default: the run's seed)")
    Long seed;

    @Override
    public Integer call() {
        if (perClass < 1) {
            throw new ExperimentException("--per-class must be at least 1, found " + perClass);
        }
        RunDirectory run = target.run();
        ExperimentSpec spec = loader.load(run.specFile(), List.of());
        List<String> classes = run.readClassNames();
        Path folder = target.checkpointFolder();
        Checkpoint checkpoint = CheckpointStore.read(folder, false);
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        boolean conditional = plugins.model().conditional();
        Random random =
                Nd4j.getRandomFactory().getNewRandomInstance(seed != null ? seed : spec.seed());
        for (int label = 0; label < classes.size(); label++) {
            INDArray z =
                    Nd4j.create(
                            checkpoint.inferenceGenerator().params().dataType(),
                            perClass,
                            plugins.latentDim());
            plugins.sampleLatent(z, random);
            int[] labels = new int[perClass];
            Arrays.fill(labels, label);
            INDArray images =
                    Generation.generate(
                            checkpoint.inferenceGenerator(),
                            z,
                            labels,
                            classes.size(),
                            conditional);
            Path classFolder = output.resolve(Folders.safeName(classes.get(label)));
            for (int i = 0; i < perClass; i++) {
                ImageGrid.writePng(
                        ImageGrid.tile(images.get(NDArrayIndex.interval(i, i + 1)), 1, 0),
                        classFolder.resolve(String.format("%04d.png", i)));
            }
        }
        commandSpec
                .commandLine()
                .getOut()
                .printf(
                        "wrote %d images per class for %d classes into %s (checkpoint %s, %s)%n",
                        perClass,
                        classes.size(),
                        output,
                        folder.getFileName(),
                        checkpoint.averageGenerator() != null
                                ? "its generator weight average"
                                : "its generator: the run keeps no weight average");
        return 0;
    }
}
