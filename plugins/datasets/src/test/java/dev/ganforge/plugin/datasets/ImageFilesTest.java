package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reader choice: the classpath also holds DataVec's jai-imageio readers (whose PNM reader cannot be
 * created on Java 17) and an old TwelveMonkeys BMP reader, so the order must not depend on the
 * registry.
 */
class ImageFilesTest {

    @TempDir Path dir;

    private static String firstReader(Path file) throws IOException {
        return ImageFiles.candidates(file).get(0).getClass().getName();
    }

    @Test
    void prefersTwelveMonkeysForPnmAndJpegAndTheJdkForPngAndBmp() throws IOException {
        Path pgm = ImageFixtures.pgm(dir.resolve("a.pgm"), 1, 1, 255, 7);
        Path jpeg =
                ImageFixtures.uniform(
                        dir.resolve("a.jpg"), "jpeg", BufferedImage.TYPE_INT_RGB, 8, 8, 0);
        Path png = ImageFixtures.greyPng(dir.resolve("a.png"), 1, 1, 7);
        Path bmp =
                ImageFixtures.uniform(
                        dir.resolve("a.bmp"), "bmp", BufferedImage.TYPE_INT_RGB, 2, 2, 0);

        assertThat(firstReader(pgm)).startsWith("com.twelvemonkeys.imageio.plugins.pnm.");
        assertThat(firstReader(jpeg)).startsWith("com.twelvemonkeys.imageio.plugins.jpeg.");
        assertThat(firstReader(png)).startsWith("com.sun.imageio.plugins.png.");
        assertThat(firstReader(bmp)).startsWith("com.sun.imageio.plugins.bmp.");
    }

    @Test
    void recognisesImageExtensionsIgnoringCase() {
        assertThat(ImageFiles.hasImageExtension(Path.of("a/B.JPEG"))).isTrue();
        assertThat(ImageFiles.hasImageExtension(Path.of("a/b.Pgm"))).isTrue();
        assertThat(ImageFiles.hasImageExtension(Path.of("a/b.gif"))).isFalse();
        assertThat(ImageFiles.hasImageExtension(Path.of("a/png"))).isFalse();
    }

    @Test
    void unrecognisedBytesGiveAReadableReason() throws IOException {
        Path text = ImageFixtures.bytes(dir.resolve("a.png"), "just text".getBytes());

        assertThatThrownBy(() -> ImageFiles.read(text))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no decoder recognises");
    }
}
