package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and damaged PNG and JPEG files: an interrupted copy must not become grey pixels. The
 * JPEG readers decode a cut-off file without an error, so these tests fail without the check.
 */
class ImageIntegrityTest {

    @TempDir Path root;

    private final ImageFolderDataset dataset = new ImageFolderDataset();

    private static ImageFolderSpec spec(Path root, UnreadablePolicy unreadable) {
        return new ImageFolderSpec(
                root, 8, 8, 1, ClassOrder.NATURAL, unreadable, ResizeMode.STRETCH);
    }

    private byte[] valid(String format) throws IOException {
        return Files.readAllBytes(
                ImageFixtures.noise(root.resolve("valid." + format), format, 48, 40, 5));
    }

    @Test
    void jpegCutInHalfFailsTheLoadNamingTheFileAsTruncated() throws IOException {
        ImageFixtures.noise(root.resolve("faces/1.jpg"), "jpeg", 48, 40, 1);
        Path whole = ImageFixtures.noise(root.resolve("faces/2.jpg"), "jpeg", 48, 40, 2);
        Path half = ImageFixtures.cut(whole, whole, (int) Files.size(whole) / 2);

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("1 of 2")
                .hasMessageContaining(half.toAbsolutePath() + ": truncated JPEG")
                .hasMessageContaining("FF D9");
    }

    @Test
    void truncatedJpegIsLeftOutWithUnreadableSkip() throws IOException {
        ImageFixtures.noise(root.resolve("faces/1.jpg"), "jpeg", 48, 40, 1);
        Path whole = ImageFixtures.noise(root.resolve("faces/2.jpg"), "jpeg", 48, 40, 2);
        ImageFixtures.cut(whole, whole, (int) Files.size(whole) / 2);

        LabeledImages images = dataset.load(spec(root, UnreadablePolicy.SKIP));

        assertThat(images.size()).isEqualTo(1);
        assertThat(images.skippedFiles()).isEqualTo(1);
    }

    @Test
    void jpegWithoutOnlyItsEndMarkerIsTruncated() throws IOException {
        byte[] jpeg = valid("jpeg");

        assertThatThrownBy(() -> ImageIntegrity.check(Arrays.copyOf(jpeg, jpeg.length - 2)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("truncated JPEG")
                .hasMessageContaining("ends after " + (jpeg.length - 2) + " bytes");
    }

    @Test
    void cutJpegPaddedWithZerosToItsFullSizeIsTruncated() throws IOException {
        byte[] jpeg = valid("jpeg");
        byte[] preallocated = new byte[jpeg.length];
        System.arraycopy(jpeg, 0, preallocated, 0, jpeg.length / 2);

        assertThatThrownBy(() -> ImageIntegrity.check(preallocated))
                .hasMessageStartingWith("truncated JPEG")
                .hasMessageContaining("zero bytes");
    }

    @Test
    void completeJpegMayBeFollowedByZeroPaddingOrATrailer() throws IOException {
        byte[] jpeg = valid("jpeg");
        ByteArrayOutputStream withTrailer = new ByteArrayOutputStream();
        withTrailer.write(jpeg);
        withTrailer.write(new byte[16]);
        withTrailer.write("ftypmp42 a motion-photo video".getBytes(StandardCharsets.US_ASCII));

        assertThatCode(() -> ImageIntegrity.check(jpeg)).doesNotThrowAnyException();
        assertThatCode(() -> ImageIntegrity.check(Arrays.copyOf(jpeg, jpeg.length + 100)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ImageIntegrity.check(withTrailer.toByteArray()))
                .doesNotThrowAnyException();
    }

    @Test
    void progressiveJpegWithSeveralScansIsComplete() throws IOException {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = bytes.toByteArray();

        assertThat(count(jpeg, (byte) 0xda)).as("start-of-scan markers").isGreaterThan(1);
        assertThatCode(() -> ImageIntegrity.check(jpeg)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ImageIntegrity.check(Arrays.copyOf(jpeg, jpeg.length * 2 / 3)))
                .hasMessageStartingWith("truncated JPEG");
    }

    @Test
    void jpegMarkersInsideScanDataAndSegmentsAreWalkedLikeADecoderDoes() {
        byte[] complete = {
            (byte) 0xff,
            (byte) 0xd8, // SOI
            (byte) 0xff,
            (byte) 0xe1,
            0,
            6,
            (byte) 0xff,
            (byte) 0xd9,
            1,
            2, // APP1 holding FF D9 (a thumbnail's EOI)
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xda,
            0,
            2, // fill byte, then SOS
            0x12,
            (byte) 0xff,
            0,
            0x34,
            (byte) 0xff,
            (byte) 0xd0,
            0x56, // data with FF 00 stuffing and RST0
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xd9
        }; // fill byte, EOI
        byte[] cutInsideTheSegment = Arrays.copyOf(complete, 8);
        byte[] cutInsideTheScan = Arrays.copyOf(complete, 21);

        assertThatCode(() -> ImageIntegrity.check(complete)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ImageIntegrity.check(cutInsideTheSegment))
                .hasMessageStartingWith("truncated JPEG: the marker segment FF E1 at byte 2");
        assertThatThrownBy(() -> ImageIntegrity.check(cutInsideTheScan))
                .hasMessageStartingWith("truncated JPEG");
    }

    @Test
    void pngCutInHalfIsTruncatedBeforeItsIendChunk() throws IOException {
        ImageFixtures.noise(root.resolve("a/1.png"), "png", 48, 40, 1);
        Path whole = ImageFixtures.noise(root.resolve("a/2.png"), "png", 48, 40, 2);
        ImageFixtures.cut(whole, whole, (int) Files.size(whole) / 2);

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(
                        whole.toAbsolutePath() + ": truncated PNG: the IDAT chunk at byte")
                .hasMessageContaining("before the IEND chunk");
    }

    @Test
    void pngCutInsideItsIendChunkIsTruncatedThoughTheJdkReaderDecodesIt() throws IOException {
        byte[] png = valid("png");
        Path file =
                ImageFixtures.bytes(root.resolve("cut.png"), Arrays.copyOf(png, png.length - 2));

        assertThat(ImageIO.read(file.toFile())).as("the JDK reader alone accepts it").isNotNull();
        assertThatThrownBy(() -> ImageFiles.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        "truncated PNG: the IEND chunk at byte " + (png.length - 12));
    }

    @Test
    void pngWithoutItsIendChunkIsTruncated() throws IOException {
        byte[] png = valid("png");

        assertThatThrownBy(() -> ImageIntegrity.check(Arrays.copyOf(png, png.length - 12)))
                .hasMessageStartingWith("truncated PNG")
                .hasMessageContaining("before the IEND chunk");
    }

    @Test
    void pngWithAChangedImageDataByteIsDamaged() throws IOException {
        byte[] png = valid("png");
        int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII));
        png[idat + 4 + 10] ^= 0x5a;

        assertThatThrownBy(() -> ImageIntegrity.check(png))
                .hasMessage(
                        "damaged PNG: the IDAT chunk at byte "
                                + (idat - 4)
                                + " fails its CRC-32 check");
    }

    @Test
    void otherFormatsAndCompleteFilesPass() throws IOException {
        byte[] png = valid("png");

        assertThatCode(() -> ImageIntegrity.check(png)).doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                ImageIntegrity.check(
                                        "P5\n1 1\n255\n".getBytes(StandardCharsets.US_ASCII)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ImageIntegrity.check(new byte[0])).doesNotThrowAnyException();
    }

    private static int count(byte[] data, byte marker) {
        int count = 0;
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == (byte) 0xff && data[i + 1] == marker) {
                count++;
            }
        }
        return count;
    }

    private static int indexOf(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError(
                "no " + new String(part, StandardCharsets.US_ASCII) + " in the data");
    }
}
