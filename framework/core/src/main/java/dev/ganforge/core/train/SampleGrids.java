package dev.ganforge.core.train;

import dev.ganforge.core.run.RunDirectory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the three sample grids of a step into {@code samples/}:
 *
 * <ul>
 *   <li>{@code step-N-real.png}: the step's real batch, 8 per row;
 *   <li>{@code step-N-fake1.png}: rows × K cells, a different z per cell, label = column, so each
 *       column is one class;
 *   <li>{@code step-N-fake2.png}: rows × K cells, one z per row shared by the row's cells, label =
 *       column, so only the label changes along a row and only z down a column (what the label
 *       controls and what z controls).
 * </ul>
 *
 * The latent vectors are drawn once, from a generator seeded with the experiment seed, so grids of
 * different steps (and of runs with the same seed) show the same z.
 */
final class SampleGrids {

    private static final int REAL_COLUMNS = 8;
    private final MultiLayerNetwork generator;
    private final int classes;
    private final boolean conditional;
    private final INDArray freshLatent;
    private final INDArray rowLatent;
    private final int[] labels;
    private final RunDirectory run;

    SampleGrids(
            ResolvedPlugins plugins,
            MultiLayerNetwork generator,
            int classes,
            boolean conditional,
            int rows,
            long seed,
            RunDirectory run) {
        this.generator = generator;
        this.classes = classes;
        this.conditional = conditional;
        this.run = run;
        int cells = rows * classes;
        int latentDim = plugins.latentDim();
        Random random = Nd4j.getRandomFactory().getNewRandomInstance(Trainer.mix(seed, -1));
        this.freshLatent = Nd4j.create(generator.params().dataType(), cells, latentDim);
        plugins.sampleLatent(freshLatent, random);
        INDArray perRow = Nd4j.create(generator.params().dataType(), rows, latentDim);
        plugins.sampleLatent(perRow, random);
        this.rowLatent = repeatAlongRows(perRow, classes);
        this.labels = Generation.columnLabels(rows, classes);
    }

    /**
     * @param perRow one latent vector per grid row {@code [rows, latentDim]}
     * @param classes K, the cells per row
     * @return {@code [rows · K, latentDim]}: cell i (row i / K, column i mod K) gets row i / K's z
     */
    static INDArray repeatAlongRows(INDArray perRow, int classes) {
        long rows = perRow.size(0);
        INDArray cells = Nd4j.create(perRow.dataType(), rows * classes, perRow.size(1));
        for (long cell = 0; cell < rows * classes; cell++) {
            cells.putRow(cell, perRow.getRow(cell / classes));
        }
        return cells;
    }

    void write(long step, INDArray realBatch) {
        ImageGrid.writePng(ImageGrid.tile(realBatch, REAL_COLUMNS), run.sampleFile(step, "real"));
        ImageGrid.writePng(
                ImageGrid.tile(
                        Generation.generate(generator, freshLatent, labels, classes, conditional),
                        classes),
                run.sampleFile(step, "fake1"));
        ImageGrid.writePng(
                ImageGrid.tile(
                        Generation.generate(generator, rowLatent, labels, classes, conditional),
                        classes),
                run.sampleFile(step, "fake2"));
    }
}
