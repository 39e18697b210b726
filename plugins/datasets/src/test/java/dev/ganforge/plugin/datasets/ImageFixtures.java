package dev.ganforge.plugin.datasets;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Writes small test images. */
final class ImageFixtures {

    private ImageFixtures() {}

    /** Writes an 8-bit grey image whose pixels (row-major) are {@code grey}. */
    static Path greyPng(Path file, int width, int height, int... grey) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, width, height, grey);
        return write(image, "png", file);
    }

    /** Writes a 16-bit grey PNG whose pixels (row-major) are {@code grey}, 0..65535. */
    static Path grey16Png(Path file, int width, int height, int... grey) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setPixels(0, 0, width, height, grey);
        return write(image, "png", file);
    }

    /** Writes a uniform image of the given type ({@code TYPE_INT_RGB} or {@code TYPE_INT_ARGB}). */
    static Path uniform(Path file, String format, int type, int width, int height, int argb)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return write(image, format, file);
    }

    /**
     * Writes a binary PGM ({@code P5}) by hand; {@code max} is 255 or 65535 (two bytes per sample).
     */
    static Path pgm(Path file, int width, int height, int max, int... grey) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(
                    ("P5\n" + width + " " + height + "\n" + max + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
            for (int v : grey) {
                if (max > 255) {
                    out.write(v >> 8);
                }
                out.write(v);
            }
        }
        return file;
    }

    /**
     * Writes a CMYK JPEG with an Adobe APP14 marker (transform 0), as Photoshop does: samples are
     * stored inverted, so 255 means no ink.
     */
    static Path cmykJpeg(Path file, int width, int height, int[] inverted) throws IOException {
        ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
        ColorModel model =
                new ComponentColorModel(
                        cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        raster.setPixels(0, 0, width, height, inverted);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata =
                writer.getDefaultImageMetadata(
                        new ImageTypeSpecifier(new BufferedImage(model, raster, false, null)),
                        param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode tree = (IIOMetadataNode) metadata.getAsTree(format);
        ((IIOMetadataNode) tree.getElementsByTagName("app14Adobe").item(0))
                .setAttribute("transform", "0");
        metadata.setFromTree(format, tree);
        Files.createDirectories(file.getParent());
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } finally {
            writer.dispose();
        }
        return file;
    }

    /**
     * Writes a grey noise image (seeded, so the same every run) in {@code format} ("png" or
     * "jpeg"), large enough that its image data spans many bytes.
     */
    static Path noise(Path file, String format, int width, int height, long seed)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster()
                .setPixels(
                        0,
                        0,
                        width,
                        height,
                        new Random(seed).ints(width * height, 0, 256).toArray());
        return write(image, format, file);
    }

    /**
     * Writes the first {@code length} bytes of {@code source} to {@code file}, as an interrupted
     * copy would.
     */
    static Path cut(Path source, Path file, int length) throws IOException {
        return bytes(file, Arrays.copyOf(Files.readAllBytes(source), length));
    }

    static Path write(BufferedImage image, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IllegalStateException(
                    "no " + format + " writer for image type " + image.getType());
        }
        return file;
    }

    /** Writes {@code bytes} to {@code file}, creating its folder. */
    static Path bytes(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }
}
