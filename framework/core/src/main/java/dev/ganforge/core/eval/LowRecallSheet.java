package dev.ganforge.core.eval;

import dev.ganforge.core.train.ImageGrid;
import dev.ganforge.spi.EvaluationInput;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The picture behind {@code eval/low_recall_classes}: one row per class that the per-class recall
 * check counts (Kynkäänniemi et al. 2019, https://arxiv.org/abs/1904.06991, within one class; see
 * the {@code precision-recall} evaluator), worst first, each with its name and recall, then its
 * real reference images, then its generated images of the same evaluation, so that a reader can see
 * whether the generator misses the person (a texture, another face, one face repeated) or the check
 * is strict. Written as {@code samples/step-NNNNNNNN-low-recall.png} by each evaluation that counts
 * at least one class.
 */
public final class LowRecallSheet {

    /** The sample-grid name of the sheet: {@code samples/step-NNNNNNNN-low-recall.png}. */
    public static final String SAMPLE_NAME = "low-recall";

    /** At most this many classes (rows), the worst ones. */
    public static final int MAX_CLASSES = 8;

    /** At most this many real and this many generated images per row. */
    public static final int MAX_IMAGES = 10;

    private static final int CAPTION_WIDTH = 120;
    private static final int HEADER = 20;
    private static final int GAP = 12;
    private static final int CAPTION_LINE = 15;
    private static final int MIN_ROW_HEIGHT = 2 * CAPTION_LINE + 6;
    private static final int MIN_PART_WIDTH = 70;
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font BOLD = TEXT.deriveFont(Font.BOLD);
    private static final Color INK = new Color(0x20, 0x20, 0x20);

    private LowRecallSheet() {}

    /**
     * One row of the sheet.
     *
     * @param className the class's name
     * @param recall its recall in [0, 1]
     * @param real its real reference images {@code [n, C, H, W]} in [-1, 1], n ≥ 1
     * @param generated its generated images {@code [m, C, H, W]} in [-1, 1], m ≥ 1
     */
    public record Row(String className, double recall, INDArray real, INDArray generated) {}

    /**
     * The rows for one evaluation.
     *
     * @param metrics the evaluation's metrics ({@code eval/low_recall_classes}, {@code
     *     eval/recall/<class>})
     * @param classNames the K class names, in label order
     * @param real the real reference images {@code [N, C, H, W]}
     * @param realLabels their classes, length N
     * @param generated the generated images {@code [M, C, H, W]}
     * @param generatedLabels their classes, length M
     * @return up to {@value #MAX_CLASSES} rows, worst recall first, up to {@value #MAX_IMAGES}
     *     images per side; a counted class gets no row when it has no real or no generated image,
     *     or when another class's name gives the same metric name ({@link
     *     EvaluationInput#classMetricPart}); empty when no class is counted
     */
    public static List<Row> rows(
            Map<String, Double> metrics,
            List<String> classNames,
            INDArray real,
            int[] realLabels,
            INDArray generated,
            int[] generatedLabels) {
        List<Row> rows = new ArrayList<>();
        for (String part : EvaluationHeadline.lowRecallClasses(metrics)) {
            if (rows.size() == MAX_CLASSES) {
                break;
            }
            int match = -1;
            int matches = 0;
            for (int c = 0; c < classNames.size(); c++) {
                if (EvaluationInput.classMetricPart(classNames.get(c)).equals(part)) {
                    match = c;
                    matches++;
                }
            }
            if (matches != 1) {
                continue; // two names share this metric name ("s 1", "s_1"): whose recall is it?
            }
            INDArray ownReal = ofClass(real, realLabels, match);
            INDArray ownGenerated = ofClass(generated, generatedLabels, match);
            if (ownReal != null && ownGenerated != null) {
                rows.add(
                        new Row(
                                classNames.get(match),
                                metrics.get("eval/recall/" + part),
                                ownReal,
                                ownGenerated));
            }
        }
        return rows;
    }

    /**
     * @param rows at least one row; every image of the first row's size and channel count (1, 3 or
     *     4), which the layout takes from the first real image
     * @return a white picture of {@link ImageGrid#imageType}'s type (grey for 1-channel images, a
     *     third of an RGB file's size; RGBA for 4-channel ones, whose transparent pixels show the
     *     white; else RGB): a header (20 pixels: "real" over the real images, "generated" over the
     *     generated ones), then per row (the images' height plus 4 pixels, at least 36) a caption
     *     (class name, recall) and the two tiles
     * @throws IllegalArgumentException if {@code rows} is empty, or the images have 2 or more than
     *     4 channels
     */
    public static BufferedImage compose(List<Row> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no class to draw");
        }
        INDArray first = rows.get(0).real();
        int tileHeight = (int) first.size(2) + 2 * ImageGrid.PADDING;
        int rowHeight = Math.max(tileHeight, MIN_ROW_HEIGHT); // room for the two caption lines
        int cell = (int) first.size(3) + ImageGrid.PADDING; // one image and the padding after it
        int realColumns = 0;
        int generatedColumns = 0;
        for (Row row : rows) {
            realColumns = Math.max(realColumns, (int) row.real().size(0));
            generatedColumns = Math.max(generatedColumns, (int) row.generated().size(0));
        }
        // wide enough for the header's "real" when there are few, small images
        int realWidth = Math.max(realColumns * cell + ImageGrid.PADDING, MIN_PART_WIDTH);
        int width = CAPTION_WIDTH + realWidth + GAP + generatedColumns * cell + ImageGrid.PADDING;
        int height = HEADER + rows.size() * rowHeight;
        BufferedImage sheet =
                new BufferedImage(width, height, ImageGrid.imageType((int) first.size(1)));
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(INK);
            g.setFont(BOLD);
            FontMetrics metrics = g.getFontMetrics();
            int baseline = (HEADER + metrics.getAscent() - metrics.getDescent()) / 2;
            g.drawString("real", CAPTION_WIDTH + ImageGrid.PADDING, baseline);
            g.drawString(
                    "generated", CAPTION_WIDTH + realWidth + GAP + ImageGrid.PADDING, baseline);
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                int y = HEADER + i * rowHeight;
                g.setFont(BOLD);
                g.drawString(
                        ImageGrid.fitText(row.className(), g.getFontMetrics(), CAPTION_WIDTH - 8),
                        4,
                        y + CAPTION_LINE);
                g.setFont(TEXT);
                g.drawString(
                        String.format(Locale.ROOT, "recall %.2f", row.recall()),
                        4,
                        y + 2 * CAPTION_LINE);
                g.drawImage(
                        ImageGrid.tile(row.real(), (int) row.real().size(0)),
                        CAPTION_WIDTH,
                        y,
                        null);
                g.drawImage(
                        ImageGrid.tile(row.generated(), (int) row.generated().size(0)),
                        CAPTION_WIDTH + realWidth + GAP,
                        y,
                        null);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /**
     * @return up to {@value #MAX_IMAGES} images of class {@code c}, in order, or null if none
     */
    private static INDArray ofClass(INDArray images, int[] labels, int c) {
        int[] rows = new int[MAX_IMAGES];
        int count = 0;
        for (int i = 0; i < labels.length && count < MAX_IMAGES; i++) {
            if (labels[i] == c) {
                rows[count++] = i;
            }
        }
        return count == 0 ? null : ClassifierTraining.rows(images, Arrays.copyOf(rows, count));
    }
}
