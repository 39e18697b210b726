package dev.ganforge.core.tracking;

import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The small copy MLflow shows in its image grid: like {@code mlflow.tracking.multimedia.compress_image_size},
 * scaled so the longer side is exactly 256 px with the aspect ratio kept (small grids are enlarged
 * too). Enlarging uses nearest neighbour so the pixels of small GAN samples stay crisp; shrinking
 * averages areas.
 *
 * <p>MLflow names the file {@code …+compressed.webp}; the JDK has no WebP writer and no maintained
 * pure-Java encoder is available, so the content is PNG under that name. The UI only uses the name
 * to pair the thumbnail with its image and shows it in an {@code <img>}, whose MIME sniffing
 * (https://mimesniff.spec.whatwg.org/#sniffing-in-an-image-context) renders PNG bytes whatever the
 * extension.
 */
final class Thumbnail {

    /** The longer side, in pixels. */
    static final int SIZE = 256;

    private Thumbnail() {}

    /**
     * @param png a PNG file
     * @return the PNG bytes of its thumbnail
     * @throws UncheckedIOException if the file cannot be read as an image
     */
    static byte[] of(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new IOException("not an image");
            }
            int width = image.getWidth();
            int height = image.getHeight();
            int newWidth = width >= height ? SIZE : Math.max(1, (int) ((long) width * SIZE / height));
            int newHeight = width >= height ? Math.max(1, (int) ((long) height * SIZE / width)) : SIZE;
            BufferedImage scaled = new BufferedImage(newWidth, newHeight,
                    image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            var graphics = scaled.createGraphics();
            if (newWidth >= width) {
                graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                graphics.drawImage(image, 0, 0, newWidth, newHeight, null);
            } else {
                graphics.drawImage(image.getScaledInstance(newWidth, newHeight, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            }
            graphics.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(scaled, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a thumbnail of " + png + ": " + e.getMessage(), e);
        }
    }
}
