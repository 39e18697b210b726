package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Pixel decoding, scaling to [-1, 1] and channel conversion of the image-folder dataset. */
class ImageFolderPixelsTest {

    @TempDir Path root;

    private final ImageFolderDataset dataset = new ImageFolderDataset();

    private LabeledImages load(int width, int height, int channels) throws IOException {
        return dataset.load(
                new ImageFolderSpec(
                        root,
                        width,
                        height,
                        channels,
                        ClassOrder.NATURAL,
                        UnreadablePolicy.FAIL,
                        ResizeMode.STRETCH));
    }

    private static float[] values(LabeledImages images) {
        return images.images().dup('c').data().asFloat();
    }

    @Test
    void eightBitGreyMapsBlackToMinusOneAndWhiteToOne() throws IOException {
        ImageFixtures.greyPng(root.resolve("a/1.png"), 3, 1, 0, 51, 255);

        LabeledImages images = load(3, 1, 1);

        assertThat(images.images().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(images.images().shape()).containsExactly(1, 1, 1, 3);
        assertThat(values(images))
                .containsExactly(new float[] {-1f, 51 / 127.5f - 1f, 1f}, within(1e-6f));
    }

    @Test
    void sixteenBitGreyUsesTheFullSixteenBitRange() throws IOException {
        ImageFixtures.grey16Png(root.resolve("a/1.png"), 3, 1, 0, 32768, 65535);

        assertThat(values(load(3, 1, 1)))
                .containsExactly(new float[] {-1f, 32768 / 32767.5f - 1f, 1f}, within(1e-6f));
    }

    @Test
    void rgbBecomesGreyWithBt601Luma() throws IOException {
        ImageFixtures.uniform(
                root.resolve("a/red.png"), "png", BufferedImage.TYPE_INT_RGB, 2, 2, 0xff0000);
        ImageFixtures.uniform(
                root.resolve("a/green.png"), "png", BufferedImage.TYPE_INT_RGB, 2, 2, 0x00ff00);

        float[] values = values(load(2, 2, 1));

        assertThat(values[4]).isCloseTo(2 * 0.299f - 1, within(1e-6f)); // "green" < "red"
        assertThat(values[0]).isCloseTo(2 * 0.587f - 1, within(1e-6f));
    }

    @Test
    void rgbKeepsItsChannelsInRgbOrder() throws IOException {
        ImageFixtures.uniform(
                root.resolve("a/1.png"), "png", BufferedImage.TYPE_INT_RGB, 1, 1, 0xff0033);

        assertThat(values(load(1, 1, 3)))
                .containsExactly(new float[] {1f, -1f, 0x33 / 127.5f - 1f}, within(1e-6f));
    }

    @Test
    void greyIsReplicatedToRgbAndOpaqueAlphaIsAdded() throws IOException {
        ImageFixtures.greyPng(root.resolve("a/1.png"), 1, 1, 51);
        float grey = 51 / 127.5f - 1f;

        assertThat(values(load(1, 1, 3)))
                .containsExactly(new float[] {grey, grey, grey}, within(1e-6f));
        assertThat(values(load(1, 1, 4)))
                .containsExactly(new float[] {grey, grey, grey, 1f}, within(1e-6f));
    }

    @Test
    void alphaIsCompositedOverWhiteWhenDroppedAndKeptWithFourChannels() throws IOException {
        ImageFixtures.uniform(
                root.resolve("a/1.png"), "png", BufferedImage.TYPE_INT_ARGB, 1, 1, 0x00000000);
        ImageFixtures.uniform(
                root.resolve("a/2.png"), "png", BufferedImage.TYPE_INT_ARGB, 1, 1, 0x80000000);

        assertThat(values(load(1, 1, 1)))
                .containsExactly(new float[] {1f, 1 - 2 * 128 / 255f}, within(1e-6f));
        assertThat(values(load(1, 1, 4)))
                .containsExactly(
                        new float[] {-1f, -1f, -1f, -1f, -1f, -1f, -1f, 128 / 127.5f - 1f},
                        within(1e-6f));
    }

    @Test
    void readsBmp() throws IOException {
        ImageFixtures.uniform(
                root.resolve("a/1.bmp"), "bmp", BufferedImage.TYPE_INT_RGB, 4, 4, 0x0000ff);

        LabeledImages images = load(4, 4, 3);

        assertThat(values(images)).startsWith(-1f).endsWith(1f);
        assertThat(images.images().getFloat(0, 2, 3, 3)).isEqualTo(1f);
        assertThat(images.images().getFloat(0, 1, 3, 3)).isEqualTo(-1f);
    }

    @Test
    void readsHandWrittenEightAndSixteenBitPgm() throws IOException {
        ImageFixtures.pgm(root.resolve("a/1.pgm"), 2, 1, 255, 0, 255);
        ImageFixtures.pgm(root.resolve("a/2.pgm"), 2, 1, 65535, 65535, 0);

        assertThat(values(load(2, 1, 1)))
                .containsExactly(new float[] {-1f, 1f, 1f, -1f}, within(1e-6f));
    }

    @Test
    void readsYcbcrJpegApproximately() throws IOException {
        ImageFixtures.uniform(
                root.resolve("a/1.jpg"), "jpeg", BufferedImage.TYPE_INT_RGB, 16, 16, 0x3366cc);

        float[] values = values(load(16, 16, 3));

        assertThat(values[0]).isCloseTo(0x33 / 127.5f - 1f, within(0.05f));
        assertThat(values[256]).isCloseTo(0x66 / 127.5f - 1f, within(0.05f));
        assertThat(values[512]).isCloseTo(0xcc / 127.5f - 1f, within(0.05f));
    }

    @Test
    void readsCmykJpegThroughTwelveMonkeys() throws IOException {
        int[] samples = new int[16 * 8 * 4];
        for (int p = 0; p < 16 * 8; p++) { // left half no ink (white), right half full ink (black)
            Arrays.fill(samples, p * 4, p * 4 + 4, p % 16 < 8 ? 255 : 0);
        }
        ImageFixtures.cmykJpeg(root.resolve("a/1.jpg"), 16, 8, samples);

        LabeledImages images = load(16, 8, 1);

        assertThat(images.images().getFloat(0, 0, 4, 2)).isCloseTo(1f, within(0.05f));
        assertThat(images.images().getFloat(0, 0, 4, 13)).isCloseTo(-1f, within(0.1f));
    }

    @Test
    void valuesStayInsideMinusOneToOneAfterResizing() throws IOException {
        int[] noise = new Random(7).ints(37 * 23, 0, 256).toArray();
        ImageFixtures.greyPng(root.resolve("a/1.png"), 37, 23, noise);

        LabeledImages images = load(16, 64, 3);

        assertThat(images.images().shape()).containsExactly(1, 3, 64, 16);
        assertThat(images.images().minNumber().floatValue()).isGreaterThanOrEqualTo(-1f);
        assertThat(images.images().maxNumber().floatValue()).isLessThanOrEqualTo(1f);
    }
}
