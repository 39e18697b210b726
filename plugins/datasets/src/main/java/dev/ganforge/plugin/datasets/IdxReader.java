package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads image and label files in the IDX format of the MNIST database
 * (http://yann.lecun.com/exdb/mnist/): a big-endian header (magic number {@code 0x0000TTDD}, with
 * type {@code TT = 0x08} for unsigned bytes and {@code DD} dimensions, then one 32-bit size per
 * dimension) followed by the data. Gzip compression is detected from the first two bytes ({@code
 * 0x1f 0x8b}), not from the file name. Shared by {@link IdxDataset} and {@link
 * FashionMnistDataset}.
 */
final class IdxReader {

    /** Magic number of an images file: unsigned bytes, 3 dimensions (count, rows, columns). */
    static final int IMAGES_MAGIC = 0x00000803;

    /** Magic number of a labels file: unsigned bytes, 1 dimension (count). */
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Reads an images file and its labels file.
     *
     * @param imagesFile IDX file of unsigned-byte images, raw or gzip-compressed
     * @param labelsFile IDX file of unsigned-byte labels, raw or gzip-compressed
     * @param classNames class names in label order, or null for "0" … "K-1" with K = largest label
     *     + 1
     * @param limit use only the first this many examples; null for all
     * @return float32 images {@code [N, 1, rows, columns]}, pixel / 127.5 - 1 in [-1, 1], with
     *     labels
     * @throws DataException if a file is missing, corrupt, truncated or has the wrong header, the
     *     counts differ, or a label is outside the class names; the message names the file
     * @throws IOException on an I/O failure reading a file that exists
     */
    static LabeledImages load(
            Path imagesFile, Path labelsFile, List<String> classNames, Integer limit)
            throws IOException {
        byte[] images = readAll(imagesFile, "images");
        int[] imageSizes = header(imagesFile, images, IMAGES_MAGIC);
        byte[] labels = readAll(labelsFile, "labels");
        int[] labelSizes = header(labelsFile, labels, LABELS_MAGIC);
        if (imageSizes[0] != labelSizes[0]) {
            throw new DataException(
                    "images file "
                            + imagesFile
                            + " holds "
                            + imageSizes[0]
                            + " images but labels file "
                            + labelsFile
                            + " holds "
                            + labelSizes[0]
                            + " labels; expected the same count");
        }
        int n = limit == null ? imageSizes[0] : Math.min(limit, imageSizes[0]);
        int pixels = imageSizes[1] * imageSizes[2];
        int[] y = new int[n];
        int labelStart = labels.length - labelSizes[0];
        for (int i = 0; i < n; i++) {
            y[i] = labels[labelStart + i] & 0xff;
            if (classNames != null && y[i] >= classNames.size()) {
                throw new DataException(
                        "labels file "
                                + labelsFile
                                + ": label "
                                + y[i]
                                + " of example "
                                + i
                                + " is outside [0, "
                                + classNames.size()
                                + "), the "
                                + classNames.size()
                                + " class_names given");
            }
        }
        List<String> names =
                classNames != null
                        ? classNames
                        : IntStream.range(0, IntStream.of(y).max().orElse(0) + 1)
                                .mapToObj(Integer::toString)
                                .toList();
        float[] scale = new float[256];
        for (int v = 0; v < 256; v++) {
            scale[v] = v / 127.5f - 1f;
        }
        float[] x = new float[n * pixels];
        int imageStart = images.length - imageSizes[0] * pixels;
        for (int i = 0; i < x.length; i++) {
            x[i] = scale[images[imageStart + i] & 0xff];
        }
        long[] shape = {n, 1, imageSizes[1], imageSizes[2]};
        return new LabeledImages(Nd4j.create(x, shape, DataType.FLOAT), y, names, 0);
    }

    /**
     * Reads only the header of an images file.
     *
     * @param imagesFile IDX file of unsigned-byte images, raw or gzip-compressed
     * @return 1 × rows × columns
     * @throws DataException if the file is missing or its header is not that of an images file
     * @throws IOException on an I/O failure reading a file that exists
     */
    static ImageShape readShape(Path imagesFile) throws IOException {
        requireFile(imagesFile, "images");
        byte[] head;
        try (InputStream in = open(imagesFile)) {
            head = in.readNBytes(16);
        }
        int magic = head.length >= 4 ? ByteBuffer.wrap(head).getInt() : -1;
        checkMagic(imagesFile, head.length, magic, IMAGES_MAGIC);
        if (head.length < 16) {
            throw new DataException(
                    "images file "
                            + imagesFile
                            + " is "
                            + head.length
                            + " bytes long, shorter than its 16-byte header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(head);
        return new ImageShape(
                1,
                positive(imagesFile, "rows", buffer.getInt(8)),
                positive(imagesFile, "columns", buffer.getInt(12)));
    }

    private static byte[] readAll(Path file, String kind) throws IOException {
        requireFile(file, kind);
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        } catch (ZipException | EOFException e) {
            throw new DataException(
                    kind
                            + " file "
                            + file
                            + " is gzip-compressed but its data is corrupt or"
                            + " truncated: "
                            + e.getMessage(),
                    e);
        }
    }

    private static void requireFile(Path file, String kind) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(
                    kind
                            + " file "
                            + file.toAbsolutePath()
                            + (Files.exists(file) ? " is not a file" : " does not exist")
                            + "; expected an IDX "
                            + kind
                            + " file (raw or gzip-compressed)");
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /**
     * @return the dimension sizes, after checking the magic number and the data length
     */
    private static int[] header(Path file, byte[] bytes, int expectedMagic) {
        int dimensions = expectedMagic & 0xff;
        int headerLength = 4 + 4 * dimensions;
        checkMagic(
                file,
                bytes.length,
                bytes.length >= 4 ? ByteBuffer.wrap(bytes).getInt() : -1,
                expectedMagic);
        String kind = expectedMagic == IMAGES_MAGIC ? "images" : "labels";
        if (bytes.length < headerLength) {
            throw new DataException(
                    kind
                            + " file "
                            + file
                            + " is "
                            + bytes.length
                            + " bytes long, shorter than its "
                            + headerLength
                            + "-byte header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int[] sizes = new int[dimensions];
        long payload = 1;
        String[] names = {"count", "rows", "columns"};
        for (int d = 0; d < dimensions; d++) {
            sizes[d] = positive(file, names[d], buffer.getInt(4 + 4 * d));
            payload *= sizes[d];
            if (payload
                    > Integer
                            .MAX_VALUE) { // too large already; stop before a product could overflow
                break;
            }
        }
        long expectedLength = headerLength + payload;
        if (expectedLength > Integer.MAX_VALUE - 8) {
            throw new DataException(
                    kind
                            + " file "
                            + file
                            + ": its header describes "
                            + expectedLength
                            + " bytes, more than one array can hold");
        }
        if (bytes.length != expectedLength) {
            throw new DataException(
                    kind
                            + " file "
                            + file
                            + (bytes.length < expectedLength ? " is truncated" : " is too long")
                            + ": its header ("
                            + describe(sizes)
                            + ") needs "
                            + expectedLength
                            + " bytes"
                            + (isGzip(file) ? " after decompression" : "")
                            + ", found "
                            + bytes.length);
        }
        return sizes;
    }

    private static void checkMagic(Path file, int length, int found, int expected) {
        String kind = expected == IMAGES_MAGIC ? "images" : "labels";
        if (length < 4) {
            throw new DataException(
                    kind
                            + " file "
                            + file
                            + " is "
                            + length
                            + " bytes long; expected an IDX header"
                            + String.format(" starting with magic number 0x%08X", expected));
        }
        if (found != expected) {
            String hint =
                    found == IMAGES_MAGIC
                            ? " (that of an images file)"
                            : found == LABELS_MAGIC
                                    ? " (that of a labels file)"
                                    : (found >>> 16) == 0
                                            ? String.format(
                                                    " (data type 0x%02X, %d dimensions)",
                                                    (found >> 8) & 0xff, found & 0xff)
                                            : " (not an IDX file)";
            throw new DataException(
                    String.format(
                            "%s file %s: expected magic number 0x%08X (unsigned bytes, %d %s),"
                                    + " found 0x%08X%s",
                            kind,
                            file,
                            expected,
                            expected & 0xff,
                            expected == IMAGES_MAGIC
                                    ? "dimensions: count, rows, columns"
                                    : "dimension: count",
                            found,
                            hint));
        }
    }

    private static int positive(Path file, String name, int value) {
        if (value <= 0) {
            throw new DataException(
                    "IDX file "
                            + file
                            + ": header gives "
                            + name
                            + " = "
                            + Integer.toUnsignedString(value)
                            + "; expected a number from 1 to "
                            + Integer.MAX_VALUE);
        }
        return value;
    }

    private static String describe(int[] sizes) {
        return sizes.length == 1
                ? sizes[0] + " labels"
                : sizes[0] + " images of " + sizes[1] + "x" + sizes[2];
    }

    private static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false;
        }
    }
}
