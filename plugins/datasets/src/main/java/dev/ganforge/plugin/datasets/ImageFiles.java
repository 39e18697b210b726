package dev.ganforge.plugin.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, PNM (PGM/PPM) and BMP files with an explicitly chosen ImageIO reader.
 *
 * <p>Why not {@code ImageIO.read}: the classpath also carries DataVec's image readers (jai-imageio,
 * whose PNM reader fails with {@link IllegalAccessError} on Java 17, and an old TwelveMonkeys BMP
 * reader built for another imageio-core). So the readers that recognise the file's first bytes are
 * tried in a fixed order: TwelveMonkeys JPEG and PNM (they decode CMYK/YCCK JPEGs and 16-bit PNMs),
 * then the JDK's own readers, then any other; a reader that cannot even be created is passed over.
 */
final class ImageFiles {

    /** Extensions (lower case) of the files treated as images; others are ignored. */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "pgm", "ppm", "pnm", "bmp");

    private ImageFiles() {}

    /**
     * @param file a file name or path
     * @return whether its extension is one of {@link #EXTENSIONS}, ignoring case
     */
    static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Decodes the first image in a file, after checking that a PNG or JPEG file is complete and
     * undamaged ({@link ImageIntegrity}). The file is read once, into memory.
     *
     * @param file an image file
     * @return the decoded image, as the reader delivers it (any colour model or sample size)
     * @throws IOException if the file cannot be read, is a truncated or damaged PNG or JPEG (the
     *     message starts with "truncated" or "damaged"), or no reader can decode it; the message
     *     says why
     */
    static BufferedImage read(Path file) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the file (" + e.getClass().getSimpleName() + ")", e);
        }
        ImageIntegrity.check(data);
        try (ImageInputStream input =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            List<ImageReaderSpi> candidates = candidates(input);
            if (candidates.isEmpty()) {
                throw new IOException(
                        "not a PNG, JPEG, PNM or BMP image: no decoder recognises its first bytes");
            }
            Exception firstFailure = null;
            for (ImageReaderSpi spi : candidates) {
                ImageReader reader;
                try {
                    reader = spi.createReaderInstance();
                } catch (IOException | RuntimeException | LinkageError e) {
                    continue; // a broken plugin on the classpath; the next candidate decides
                }
                try {
                    input.seek(0);
                    reader.setInput(input, true, true);
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    firstFailure = firstFailure == null ? e : firstFailure;
                } finally {
                    reader.dispose();
                }
            }
            if (firstFailure == null) {
                throw new IOException("no working decoder for this format on the classpath");
            }
            String reason =
                    firstFailure.getMessage() == null
                            ? firstFailure.toString()
                            : firstFailure.getMessage();
            throw new IOException("corrupt or unsupported image: " + reason, firstFailure);
        }
    }

    /**
     * @param file an image file
     * @return the readers that recognise the file, in the order {@link #read} tries them
     * @throws IOException if the file cannot be opened
     */
    static List<ImageReaderSpi> candidates(Path file) throws IOException {
        try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
            return candidates(input);
        }
    }

    private static List<ImageReaderSpi> candidates(ImageInputStream input) throws IOException {
        List<ImageReaderSpi> found = new ArrayList<>();
        Iterator<ImageReaderSpi> all =
                IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (all.hasNext()) {
            ImageReaderSpi spi = all.next();
            try {
                input.seek(0);
                if (spi.canDecodeInput(input)) {
                    found.add(spi);
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                // a reader that cannot even probe the stream is no candidate
            }
        }
        found.sort(
                Comparator.comparingInt((ImageReaderSpi spi) -> rank(spi))
                        .thenComparing(spi -> spi.getClass().getName()));
        return found;
    }

    private static int rank(ImageReaderSpi spi) {
        String name = spi.getClass().getName();
        if (name.startsWith("com.twelvemonkeys.imageio.plugins.jpeg.")
                || name.startsWith("com.twelvemonkeys.imageio.plugins.pnm.")) {
            return 0;
        }
        return name.startsWith("com.sun.imageio.") ? 1 : 2;
    }
}
