package dev.ganforge.core.train;

import dev.ganforge.core.io.Folders;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tiles a batch of images into one picture, fits captions to it and writes PNG files. Pixel values
 * in [-1, 1] map to 0…255 (v·127.5 + 127.5, rounded, clamped); 1 channel gives a grey PNG, 3 an RGB
 * PNG, 4 an RGBA PNG.
 */
public final class ImageGrid {

    /** Pixels of background between tiles. */
    public static final int PADDING = 2;

    private ImageGrid() {}

    /**
     * @param images {@code [N, C, H, W]}, values in [-1, 1]; N ≤ rows·columns, cells filled row by
     *     row
     * @param columns tiles per row, at least 1
     * @return the tiled picture, {@code columns·(W+p)+p} by {@code rows·(H+p)+p} pixels, p = {@link
     *     #PADDING}
     */
    public static BufferedImage tile(INDArray images, int columns) {
        return tile(images, columns, PADDING);
    }

    /**
     * @param images {@code [N, C, H, W]}, values in [-1, 1]; N ≤ rows·columns, cells filled row by
     *     row
     * @param columns tiles per row, at least 1
     * @param padding background pixels around and between tiles, 0 for a single image
     * @return the tiled picture
     */
    public static BufferedImage tile(INDArray images, int columns, int padding) {
        int count = (int) images.size(0);
        int channels = (int) images.size(1);
        int height = (int) images.size(2);
        int width = (int) images.size(3);
        int rows = Math.max(1, (count + columns - 1) / columns);
        BufferedImage picture =
                new BufferedImage(
                        columns * (width + padding) + padding,
                        rows * (height + padding) + padding,
                        imageType(channels));
        WritableRaster raster = picture.getRaster();
        float[] values = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] pixel = new int[raster.getNumBands()];
        for (int n = 0; n < count; n++) {
            int x0 = padding + (n % columns) * (width + padding);
            int y0 = padding + (n / columns) * (height + padding);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < channels; c++) {
                        float v = values[((n * channels + c) * height + y) * width + x];
                        pixel[c] = Math.max(0, Math.min(255, Math.round(v * 127.5f + 127.5f)));
                    }
                    raster.setPixel(x0 + x, y0 + y, pixel);
                }
            }
        }
        return picture;
    }

    /**
     * Writes a PNG atomically (temporary file, then rename), creating parent folders.
     *
     * @param picture the picture
     * @param file the target {@code .png} path
     * @throws UncheckedIOException if writing fails
     */
    public static void writePng(BufferedImage picture, Path file) {
        Folders.writeAtomically(
                file,
                target -> {
                    if (!ImageIO.write(picture, "png", target.toFile())) {
                        throw new IOException("no PNG writer for image type " + picture.getType());
                    }
                });
    }

    /**
     * @param text a caption
     * @param metrics the font it will be drawn in
     * @param width the room, in pixels
     * @return the text, cut with "…" if it is wider than {@code width} (just "…" if nothing fits)
     */
    public static String fitText(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    /**
     * The picture type for images of a channel count, shared by every picture that shows them (the
     * grids and the evaluation sheets) so that each is written as the same kind of PNG.
     *
     * @param channels C of {@code [N, C, H, W]} images
     * @return {@code TYPE_BYTE_GRAY} for 1 channel (written as an 8-bit grey PNG), {@code
     *     TYPE_3BYTE_BGR} for 3 (RGB), {@code TYPE_4BYTE_ABGR} for 4 (RGBA)
     * @throws IllegalArgumentException for any other channel count
     */
    public static int imageType(int channels) {
        return switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_3BYTE_BGR;
            case 4 -> BufferedImage.TYPE_4BYTE_ABGR;
            default ->
                    throw new IllegalArgumentException(
                            "cannot draw images with " + channels + " channels");
        };
    }
}
