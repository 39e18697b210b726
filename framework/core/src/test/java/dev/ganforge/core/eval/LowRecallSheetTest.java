package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.train.ImageGrid;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sheet of low-recall classes: which classes get a row, in which order, with which images, and
 * where the images land on the picture.
 */
class LowRecallSheetTest {

    private static final List<String> CLASSES = List.of("s1", "s2", "s 3", "s4");
    private static final int PER_CLASS = 3;

    /** Image i of a set: every pixel equals value(set, i), so a tile can be found by its grey. */
    private static INDArray images(int[] labels, double offset) {
        INDArray images = Nd4j.create(DataType.FLOAT, labels.length, 1, 5, 7);
        for (int i = 0; i < labels.length; i++) {
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(value(offset, i));
        }
        return images;
    }

    private static double value(double offset, int i) {
        return -0.9 + offset + 0.1 * i;
    }

    private static int[] labels() {
        return GeneratorEvaluation.fixedLabels(CLASSES.size(), PER_CLASS);
    }

    private static Map<String, Double> metrics(double... recalls) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        int low = 0;
        for (int c = 0; c < recalls.length; c++) {
            String part = dev.ganforge.spi.EvaluationInput.classMetricPart(CLASSES.get(c));
            metrics.put("eval/recall/" + part, recalls[c]);
            low += recalls[c] < 0.2 ? 1 : 0;
        }
        metrics.put("eval/low_recall_classes", (double) low);
        return metrics;
    }

    @Test
    void rowsAreTheCountedClassesWorstFirstWithTheirOwnImages() {
        int[] labels = labels();
        INDArray real = images(labels, 0);
        INDArray generated = images(labels, 0.05);

        List<LowRecallSheet.Row> rows =
                LowRecallSheet.rows(
                        metrics(0.5, 0.1, 0.0, 0.9), CLASSES, real, labels, generated, labels);

        assertThat(rows).extracting(LowRecallSheet.Row::className).containsExactly("s 3", "s2");
        assertThat(rows.get(0).recall()).isZero();
        // class 2's images are rows 6, 7, 8 of both sets
        assertThat(rows.get(0).real().getDouble(0, 0, 0, 0)).isEqualTo(real.getDouble(6, 0, 0, 0));
        assertThat(rows.get(0).generated().getDouble(2, 0, 4, 6))
                .isEqualTo(generated.getDouble(8, 0, 4, 6));
        assertThat(rows.get(1).real().size(0)).isEqualTo(PER_CLASS);
    }

    @Test
    void noRowsWhenNoClassIsCountedAndAtMostTheLimit() {
        int[] labels = labels();
        INDArray real = images(labels, 0);
        assertThat(
                        LowRecallSheet.rows(
                                metrics(0.5, 0.6, 0.7, 0.9), CLASSES, real, labels, real, labels))
                .isEmpty();
        assertThat(LowRecallSheet.rows(Map.of(), CLASSES, real, labels, real, labels)).isEmpty();
        assertThatThrownBy(() -> LowRecallSheet.compose(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void imagesLandRealLeftGeneratedRightOneRowPerClass() {
        int[] labels = labels();
        INDArray real = images(labels, 0);
        INDArray generated = images(labels, 0.05);
        List<LowRecallSheet.Row> rows =
                LowRecallSheet.rows(
                        metrics(0.1, 0.05, 0.9, 0.9), CLASSES, real, labels, generated, labels);

        BufferedImage sheet = LowRecallSheet.compose(rows);

        assertThat(sheet.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);

        BufferedImage realTile = ImageGrid.tile(rows.get(0).real(), PER_CLASS);
        BufferedImage generatedTile = ImageGrid.tile(rows.get(0).generated(), PER_CLASS);
        int rowHeight = 36; // the caption's two lines: more than a tile of 5-pixel images
        assertThat(sheet.getHeight()).isEqualTo(20 + 2 * rowHeight);
        int realWidth = Math.max(realTile.getWidth(), 70); // room for the header over few images
        assertThat(sheet.getWidth()).isEqualTo(120 + realWidth + 12 + generatedTile.getWidth());
        // the first row is class s2 (recall 0.05): its first real image at the first cell, its
        // last generated image at the last cell of the right-hand tile
        int y = 20 + ImageGrid.PADDING + 2;
        assertThat(grey(sheet, 120 + ImageGrid.PADDING + 3, y)).isEqualTo(pixel(value(0, 3)));
        int lastCell = 120 + realWidth + 12 + generatedTile.getWidth() - 4;
        assertThat(grey(sheet, lastCell, y)).isEqualTo(pixel(value(0.05, 5)));
        // the second row is s1: its first real image
        assertThat(grey(sheet, 120 + ImageGrid.PADDING + 3, y + rowHeight))
                .isEqualTo(pixel(value(0, 0)));
    }

    @Test
    void atMostEightClassesAndTenImagesASide() {
        List<String> names = new java.util.ArrayList<>();
        double[] recalls = new double[12];
        for (int c = 0; c < 12; c++) {
            names.add("p" + c);
            recalls[c] = 0.01 * c; // all below the floor, p0 worst
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int c = 0; c < 12; c++) {
            metrics.put("eval/recall/p" + c, recalls[c]);
        }
        metrics.put("eval/low_recall_classes", 12.0);
        int[] labels = GeneratorEvaluation.fixedLabels(12, 13);
        INDArray images = images(labels, 0);

        List<LowRecallSheet.Row> rows =
                LowRecallSheet.rows(metrics, names, images, labels, images, labels);

        assertThat(rows)
                .extracting(LowRecallSheet.Row::className)
                .containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");
        assertThat(rows).allSatisfy(row -> assertThat(row.real().size(0)).isEqualTo(10));
        assertThat(rows).allSatisfy(row -> assertThat(row.generated().size(0)).isEqualTo(10));
        assertThat(LowRecallSheet.compose(rows).getHeight()).isEqualTo(20 + 8 * 36);
    }

    @Test
    void aMetricNameSharedByTwoClassesGetsNoRow() {
        // "s 3" and "s_3" both become eval/recall/s_3: the value cannot be told apart
        List<String> names = List.of("s1", "s_3", "s 3", "s4");
        int[] labels = labels();
        INDArray images = images(labels, 0);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval/recall/s1", 0.1);
        metrics.put("eval/recall/s_3", 0.0);
        metrics.put("eval/recall/s4", 0.9);
        metrics.put("eval/low_recall_classes", 2.0);

        assertThat(LowRecallSheet.rows(metrics, names, images, labels, images, labels))
                .extracting(LowRecallSheet.Row::className)
                .containsExactly("s1");
    }

    @Test
    void colourImagesGiveAColourSheet() {
        int[] labels = labels();
        INDArray real = Nd4j.zeros(DataType.FLOAT, labels.length, 3, 5, 7);
        real.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(1); // red
        List<LowRecallSheet.Row> rows =
                LowRecallSheet.rows(
                        metrics(0.1, 0.9, 0.9, 0.9), CLASSES, real, labels, real, labels);

        BufferedImage sheet = LowRecallSheet.compose(rows);

        assertThat(sheet.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(
                        LowRecallSheet.compose(
                                        List.of(
                                                new LowRecallSheet.Row(
                                                        "rgba",
                                                        0,
                                                        Nd4j.zeros(DataType.FLOAT, 1, 4, 5, 7),
                                                        Nd4j.zeros(DataType.FLOAT, 1, 4, 5, 7))))
                                .getType())
                .isEqualTo(BufferedImage.TYPE_4BYTE_ABGR);
        assertThat(sheet.getRGB(120 + ImageGrid.PADDING + 3, 20 + ImageGrid.PADDING + 2) & 0xFFFFFF)
                .isEqualTo(0xFF8080); // red 255, green and blue at 0 in [-1, 1]: 128
    }

    @Test
    void imagesOfTwoChannelsAreRefusedByName() {
        LowRecallSheet.Row twoChannels =
                new LowRecallSheet.Row(
                        "grey+alpha",
                        0,
                        Nd4j.zeros(DataType.FLOAT, 1, 2, 5, 7),
                        Nd4j.zeros(DataType.FLOAT, 1, 2, 5, 7));

        assertThatThrownBy(() -> LowRecallSheet.compose(List.of(twoChannels)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 channels");
    }

    /** The stored grey value (getRGB would convert linear grey to sRGB). */
    private static int grey(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    /** ImageGrid's mapping of [-1, 1] to 0…255. */
    private static int pixel(double v) {
        return Math.round((float) v * 127.5f + 127.5f);
    }
}
