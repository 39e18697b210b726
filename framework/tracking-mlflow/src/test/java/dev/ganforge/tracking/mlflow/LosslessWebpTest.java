package dev.ganforge.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LosslessWebp checked against an independent decoder (TwelveMonkeys imageio-webp): every pixel
 * exact.
 */
class LosslessWebpTest {

    @TempDir Path temp;

    @Test
    void colourWithAlphaDecodesExactly() throws Exception {
        BufferedImage image = new BufferedImage(37, 23, BufferedImage.TYPE_INT_ARGB);
        SplittableRandom random = new SplittableRandom(3);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        assertSamePixels(image, decode(LosslessWebp.encode(image)));
    }

    @Test
    void greyAndConstantChannelsDecodeExactly() throws Exception {
        BufferedImage grey = new BufferedImage(16, 9, BufferedImage.TYPE_INT_RGB);
        BufferedImage flat = new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 16; x++) {
                int v = (x * 17 + y * 5) & 0xff;
                grey.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                flat.setRGB(x, y, 0x123456);
            }
        }
        assertSamePixels(grey, decode(LosslessWebp.encode(grey)));
        assertSamePixels(flat, decode(LosslessWebp.encode(flat)));
    }

    @Test
    void thumbnailsAreWebpWithALongerSideOf256AndKeepGreyValuesAsStored() throws Exception {
        BufferedImage sample = new BufferedImage(32, 22, BufferedImage.TYPE_BYTE_GRAY);
        sample.getRaster().setSample(0, 0, 0, 100);
        Path png = temp.resolve("step-00000003-fake1.png");
        ImageIO.write(sample, "png", png.toFile());

        byte[] webp = Thumbnail.of(png);

        assertThat(new String(webp, 0, 4, "US-ASCII")).isEqualTo("RIFF");
        assertThat(new String(webp, 8, 8, "US-ASCII")).isEqualTo("WEBPVP8L");
        BufferedImage thumbnail = decode(webp);
        assertThat(thumbnail.getWidth()).isEqualTo(256);
        assertThat(thumbnail.getHeight()).isEqualTo(22 * 256 / 32);
        assertThat(thumbnail.getRGB(0, 0) & 0xffffff).isEqualTo(100 << 16 | 100 << 8 | 100);
        assertThat(thumbnail.getRGB(255, 0) & 0xffffff).isZero();
    }

    private static BufferedImage decode(byte[] webp) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(webp));
        assertThat(image).as("a WebP reader decodes it").isNotNull();
        return image;
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        boolean alpha = expected.getColorModel().hasAlpha();
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int e = expected.getRGB(x, y);
                int a = actual.getRGB(x, y);
                assertThat(alpha ? a : a & 0xffffff)
                        .as("pixel %d,%d", x, y)
                        .isEqualTo(alpha ? e : e & 0xffffff);
            }
        }
    }
}
