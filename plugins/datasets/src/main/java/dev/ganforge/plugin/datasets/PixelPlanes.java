package dev.ganforge.plugin.datasets;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts a decoded image to planar channels with values in [0, 1], at the source resolution.
 *
 * <p>Samples are divided by {@code 2^bits - 1}, with {@code bits} the raster's sample size, so an
 * 8-bit 255 and a 16-bit 65535 both give 1.0. Grey and sRGB images (8 or 16 bits, with or without
 * alpha) are read from the raster directly: this keeps 16-bit precision and avoids Java's
 * linear-grey gamma conversion in {@code getRGB}. Anything else (palettes, CMYK converted by the
 * reader, other colour spaces, premultiplied alpha) goes through {@link BufferedImage#getRGB}, i.e.
 * 8-bit sRGB.
 *
 * <p>Channel conversion: RGB to grey uses ITU-R BT.601 luma, {@code 0.299 R + 0.587 G + 0.114 B};
 * grey to RGB replicates the grey value. When the output has no alpha channel, an alpha channel is
 * composited over white ({@code v·a + (1 - a)}); when the output has one (4 channels) and the
 * source has none, alpha is 1 (opaque, 255 in 8 bits).
 */
final class PixelPlanes {

    private PixelPlanes() {}

    /**
     * @param image a decoded image, h × w
     * @param channels output channels C: 1 (grey), 3 (RGB) or 4 (RGBA)
     * @return {@code [C, h, w]} in row-major order, values in [0, 1]
     */
    static float[] of(BufferedImage image, int channels) {
        int pixels = image.getWidth() * image.getHeight();
        float[][] source = readsDirectly(image) ? fromRaster(image) : fromRgb(image);
        int colours = image.getColorModel().hasAlpha() ? source.length - 1 : source.length;
        float[] alpha = colours < source.length ? source[colours] : null;
        float[] out = new float[channels * pixels];
        for (int p = 0; p < pixels; p++) {
            float a = alpha == null ? 1f : alpha[p];
            if (channels == 1) {
                float grey =
                        colours == 1
                                ? source[0][p]
                                : luma(source[0][p], source[1][p], source[2][p]);
                out[p] = overWhite(grey, a);
            } else {
                for (int c = 0; c < 3; c++) {
                    float v = source[colours == 1 ? 0 : c][p];
                    out[c * pixels + p] = channels == 4 ? v : overWhite(v, a);
                }
                if (channels == 4) {
                    out[3 * pixels + p] = a;
                }
            }
        }
        return out;
    }

    private static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    private static float overWhite(float value, float alpha) {
        return value * alpha + (1f - alpha);
    }

    private static boolean readsDirectly(BufferedImage image) {
        ColorModel model = image.getColorModel();
        ColorSpace space = model.getColorSpace();
        int type = image.getRaster().getDataBuffer().getDataType();
        boolean integral =
                type == DataBuffer.TYPE_BYTE
                        || type == DataBuffer.TYPE_USHORT
                        || type == DataBuffer.TYPE_INT;
        boolean greyOrRgb =
                (space.getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1)
                        || (space.isCS_sRGB() && model.getNumColorComponents() == 3);
        if (!integral
                || !greyOrRgb
                || model instanceof IndexColorModel
                || model.isAlphaPremultiplied()
                || image.getRaster().getNumBands() != model.getNumComponents()) {
            return false;
        }
        for (int size : image.getSampleModel().getSampleSize()) {
            if (size < 1 || size > 16) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return one plane per raster band (colour bands, then alpha last), in [0, 1]
     */
    private static float[][] fromRaster(BufferedImage image) {
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = new float[raster.getNumBands()][];
        int[] samples = new int[w * h];
        for (int b = 0; b < planes.length; b++) {
            float max = (1 << image.getSampleModel().getSampleSize(b)) - 1;
            raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, b, samples);
            float[] plane = new float[w * h];
            for (int p = 0; p < plane.length; p++) {
                plane[p] = samples[p] / max;
            }
            planes[b] = plane;
        }
        return planes;
    }

    /**
     * @return R, G, B planes (and A when the colour model has alpha) from 8-bit sRGB, in [0, 1]
     */
    private static float[][] fromRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        boolean alpha = image.getColorModel().hasAlpha();
        float[][] planes = new float[alpha ? 4 : 3][w * h];
        for (int p = 0; p < argb.length; p++) {
            planes[0][p] = ((argb[p] >> 16) & 0xff) / 255f;
            planes[1][p] = ((argb[p] >> 8) & 0xff) / 255f;
            planes[2][p] = (argb[p] & 0xff) / 255f;
            if (alpha) {
                planes[3][p] = (argb[p] >>> 24) / 255f;
            }
        }
        return planes;
    }
}
