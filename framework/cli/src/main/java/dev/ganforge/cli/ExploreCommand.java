package dev.ganforge.cli;

import dev.ganforge.core.io.AnimatedGif;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.Generation;
import dev.ganforge.core.train.ImageGrid;
import dev.ganforge.core.train.LatentWalks;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.spi.Conditioning;
import dev.ganforge.tracking.mlflow.TrackingException;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.SpecifiedIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge explore RUN_DIR}: pictures of what a trained generator does between its samples,
 * from a run's checkpoint and nothing else (no dataset):
 *
 * <ul>
 *   <li>{@code interpolation.png}, {@code .gif}: each row walks along a great circle between two
 *       latent vectors ({@link LatentWalks#slerp}); for a conditional model row r keeps class r mod
 *       K;
 *   <li>{@code morph.png}, {@code .gif} (conditional models): each row keeps its z while the label
 *       input moves from one class's one-hot vector to another's ({@link LatentWalks#morphLabels});
 *   <li>{@code truncation.png}: each row scales its z by ψ = 1 … 0 ({@link LatentWalks#truncate}).
 * </ul>
 *
 * A GIF plays the walks forward and back; its frames are one image of each row side by side. When
 * the run was mirrored to MLflow (and a server is named as for {@code ganforge sync}) the pictures
 * are also uploaded to its run under {@code explore/}.
 */
@Command(
        name = "explore",
        mixinStandardHelpOptions = true,
        description =
                "Latent interpolation, class morph and truncation strips (PNG grids and animated"
                        + " GIFs) from a run's checkpoint.")
final class ExploreCommand implements Callable<Integer> {

    private final SpecLoader loader;

    /**
     * @param loader the spec loader, with every installed plugin
     */
    @Inject
    ExploreCommand(SpecLoader loader) {
        this.loader = loader;
    }

    @Spec CommandSpec commandSpec;

    @Mixin CheckpointArguments target;

    @Option(
            names = "--output",
            paramLabel = "OUT",
            description = "folder for the pictures (default: RUN_DIR/explore)")
    Path output;

    @Option(
            names = "--rows",
            defaultValue = "4",
            description = "walks per picture, 1-64 (default 4)")
    int rows;

    @Option(
            names = "--steps",
            defaultValue = "8",
            description = "points per walk, 2-64 (default 8)")
    int steps;

    @Option(
            names = "--from",
            paramLabel = "CLASS",
            description = "class the morph starts from: a name or index (default the first)")
    String from;

    @Option(
            names = "--to",
            paramLabel = "CLASS",
            description = "class the morph ends at: a name or index (default the second)")
    String to;

    @Option(
            names = "--truncation",
            split = ",",
            defaultValue = "1,0.75,0.5,0.25,0",
            description = "the ψ values of the truncation strip, each in [0, 1]")
    double[] truncation;

    @Option(
            names = "--delay",
            paramLabel = "MS",
            defaultValue = "150",
            description = "milliseconds per GIF frame (default 150)")
    int delayMillis;

    @Option(
            names = "--tracking-uri",
            paramLabel = "URI",
            description =
                    "MLflow server for logging the pictures to the run's MLflow run (default: as"
                            + " 'ganforge sync' finds it)")
    String trackingUri;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "seed of the latent vectors (default: the run's seed)")
    Long seed;

    @Override
    public Integer call() {
        if (rows < 1 || rows > 64 || steps < 2 || steps > 64) {
            throw new ExperimentException(
                    "--rows must be 1-64 and --steps 2-64, found " + rows + " and " + steps);
        }
        RunDirectory run = target.run();
        ExperimentSpec spec = loader.load(run.specFile(), List.of());
        List<String> classes = run.readClassNames();
        Path folder = target.checkpointFolder();
        Checkpoint checkpoint = CheckpointStore.read(folder, false);
        MultiLayerNetwork generator = checkpoint.inferenceGenerator();
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        boolean conditional = plugins.model().conditional();
        int k = classes.size();
        Path out = output != null ? output : target.runDirectory.resolve("explore");
        Random random =
                Nd4j.getRandomFactory().getNewRandomInstance(seed != null ? seed : spec.seed());
        PrintWriter console = commandSpec.commandLine().getOut();

        INDArray starts = latent(plugins, generator, random);
        INDArray ends = latent(plugins, generator, random);
        INDArray walkZ = LatentWalks.interpolate(starts, ends, steps);
        INDArray rowLabels = conditional ? rowClassLabels(rows, steps, k) : null;
        INDArray walk = Generation.generate(generator, walkZ, rowLabels);
        List<Path> written =
                new ArrayList<>(writeStrip(walk, out.resolve("interpolation"), console));

        if (conditional) {
            int a = classIndex(from, 0, classes, "--from");
            int b = classIndex(to, Math.min(1, k - 1), classes, "--to");
            INDArray sameZ = LatentWalks.interpolate(starts, starts, steps);
            INDArray morph =
                    Generation.generate(
                            generator, sameZ, LatentWalks.morphLabels(rows, steps, k, a, b));
            written.addAll(writeStrip(morph, out.resolve("morph"), console));
            console.printf("  morph from '%s' to '%s'%n", classes.get(a), classes.get(b));
        }

        INDArray truncated = LatentWalks.truncate(starts, truncation);
        INDArray truncatedLabels = conditional ? rowClassLabels(rows, truncation.length, k) : null;
        ImageGrid.writePng(
                ImageGrid.tile(
                        Generation.generate(generator, truncated, truncatedLabels),
                        truncation.length),
                out.resolve("truncation.png"));
        written.add(out.resolve("truncation.png"));
        console.printf("wrote %s%n", out.resolve("truncation.png"));
        console.printf(
                "explored %s (checkpoint %s): %d walks of %d steps%n",
                target.runDirectory, folder.getFileName(), rows, steps);
        return logToMlflow(written, console);
    }

    /**
     * Uploads the pictures into {@code explore/} of the MLflow run the folder was mirrored to, when
     * a server is named (as for {@code ganforge sync}) and the folder was mirrored there.
     *
     * @return 0, or {@link Main#TRACKING} if the server failed or refused (the files stay)
     */
    private int logToMlflow(List<Path> written, PrintWriter console) {
        PrintWriter err = commandSpec.commandLine().getErr();
        try {
            Optional<TrackingSettings> settings =
                    RunFolderTracking.resolve(
                            target.runDirectory, trackingUri, System.getenv(), err);
            if (settings.isEmpty()) {
                return 0;
            }
            Optional<String> runId =
                    RunFolderTracking.upload(
                            target.runDirectory, settings.get(), "explore", written);
            if (runId.isPresent()) {
                console.printf(
                        "logged %d pictures to MLflow run %s (artifacts/explore)%n",
                        written.size(), runId.get());
            } else {
                console.printf(
                        "not logged to MLflow: %s was not mirrored to %s (ganforge sync first)%n",
                        target.runDirectory, settings.get().uri());
            }
            return 0;
        } catch (TrackingException | IllegalArgumentException e) {
            err.println("error: MLflow: " + e.getMessage() + "; the pictures are in the folder");
            return Main.TRACKING;
        }
    }

    /**
     * @return {@code [rows, latentDim]} drawn by the run's sampler
     */
    private INDArray latent(ResolvedPlugins plugins, MultiLayerNetwork generator, Random random) {
        INDArray z = Nd4j.create(generator.params().dataType(), rows, plugins.latentDim());
        plugins.sampleLatent(z, random);
        return z;
    }

    /**
     * @return one-hot labels {@code [rows·columns, K]}: every image of row r has class r mod K
     */
    private static INDArray rowClassLabels(int rows, int columns, int k) {
        int[] labels = new int[rows * columns];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i / columns) % k;
        }
        return Conditioning.oneHot(labels, Nd4j.create(labels.length, k));
    }

    /**
     * Writes {@code NAME.png} (rows × steps) and {@code NAME.gif} (frame j: step j of every row).
     *
     * @return the two files
     */
    private List<Path> writeStrip(INDArray images, Path name, PrintWriter console) {
        Path png = name.resolveSibling(name.getFileName() + ".png");
        Path gif = name.resolveSibling(name.getFileName() + ".gif");
        ImageGrid.writePng(ImageGrid.tile(images, steps), png);
        List<BufferedImage> frames = new ArrayList<>();
        for (int j = 0; j < steps; j++) {
            frames.add(frame(images, j));
        }
        for (int j = steps - 2; j > 0; j--) { // and back, without repeating the ends
            frames.add(frame(images, j));
        }
        AnimatedGif.write(frames, Math.max(20, delayMillis), gif);
        console.printf("wrote %s and %s%n", png, gif);
        return List.of(png, gif);
    }

    /** Step j of every row, side by side. */
    private BufferedImage frame(INDArray images, int j) {
        long[] picked = new long[rows];
        for (int r = 0; r < rows; r++) {
            picked[r] = (long) r * steps + j;
        }
        return ImageGrid.tile(images.get(new SpecifiedIndex(picked)).dup(), rows);
    }

    /**
     * @return the class named or numbered by {@code value}, or {@code fallback} when it is null
     * @throws ExperimentException naming the option and the classes if there is no such class
     */
    private static int classIndex(String value, int fallback, List<String> classes, String option) {
        if (value == null) {
            return fallback;
        }
        int byName = classes.indexOf(value);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(value.trim());
            if (index >= 0 && index < classes.size()) {
                return index;
            }
        } catch (NumberFormatException notANumber) {
            // fall through to the error
        }
        throw new ExperimentException(
                option
                        + " '"
                        + value
                        + "' is neither a class name nor an index in [0, "
                        + classes.size()
                        + "); the classes are "
                        + classes);
    }
}
