package dev.ganforge.tracking.mlflow;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The small copy MLflow shows in its image grid, {@code …+compressed.webp}: like {@code
 * mlflow.tracking.multimedia.compress_image_size}, scaled so the longer side is exactly 256 px with
 * the aspect ratio kept (small grids are enlarged too), and written as lossless WebP by {@link
 * LosslessWebp}. Each output pixel is the mean of the source pixels it covers, which is nearest
 * neighbour when enlarging, so the pixels of small GAN samples stay crisp. Grey PNG samples are
 * taken as stored (sRGB-coded, as browsers show them), not through Java's linear grey colour space.
 */
final class Thumbnail {

    /** The longer side, in pixels. */
    static final int SIZE = 256;

    private Thumbnail() {}

    /**
     * @param png a PNG file
     * @return the lossless WebP bytes of its thumbnail
     * @throws UncheckedIOException if the file cannot be read as an image
     */
    static byte[] of(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new IOException("not an image");
            }
            return LosslessWebp.encode(scale(image));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot make a thumbnail of " + png + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the image scaled to a longer side of 256 px, as ARGB
     */
    static BufferedImage scale(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int newWidth = width >= height ? SIZE : Math.max(1, (int) ((long) width * SIZE / height));
        int newHeight = width >= height ? Math.max(1, (int) ((long) height * SIZE / width)) : SIZE;
        int[] source = argb(image);
        BufferedImage scaled = new BufferedImage(newWidth, newHeight, BufferedImage.TYPE_INT_ARGB);
        for (int ty = 0; ty < newHeight; ty++) {
            int y0 = (int) ((long) ty * height / newHeight);
            int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * height / newHeight));
            for (int tx = 0; tx < newWidth; tx++) {
                int x0 = (int) ((long) tx * width / newWidth);
                int x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * width / newWidth));
                long[] sum = new long[4];
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int pixel = source[y * width + x];
                        for (int shift = 0, c = 0; c < 4; c++, shift += 8) {
                            sum[c] += (pixel >>> shift) & 0xff;
                        }
                    }
                }
                int count = (y1 - y0) * (x1 - x0);
                int pixel = 0;
                for (int c = 0, shift = 0; c < 4; c++, shift += 8) {
                    pixel |= (int) ((sum[c] + count / 2) / count) << shift;
                }
                scaled.setRGB(tx, ty, pixel);
            }
        }
        return scaled;
    }

    /** ARGB pixels; grey (and grey + alpha) rasters by their stored samples. */
    private static int[] argb(BufferedImage image) {
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        if (bands > 2 || raster.getSampleModel().getSampleSize(0) > 16) {
            return image.getRGB(
                    0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        int[] pixels = new int[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int grey = raster.getSample(x, y, 0) >> (bits - 8);
                int alpha = bands == 2 ? raster.getSample(x, y, 1) >> (bits - 8) : 0xff;
                pixels[y * image.getWidth() + x] = alpha << 24 | grey << 16 | grey << 8 | grey;
            }
        }
        return pixels;
    }
}
