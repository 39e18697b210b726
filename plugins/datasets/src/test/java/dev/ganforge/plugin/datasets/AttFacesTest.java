package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Loads the real ORL / AT&amp;T face database from {@code shared/data/att_faces}; fails if it is
 * missing.
 */
class AttFacesTest {

    private final ImageFolderDataset dataset = new ImageFolderDataset();
    private final Path faces = SharedData.attFaces();

    @Test
    void loadsFourHundredFacesOfFortyPeopleInNaturalOrder() throws IOException {
        LabeledImages images = dataset.load(ImageFolderSpec.of(faces));

        assertThat(images.images().shape()).containsExactly(400, 1, 64, 64);
        assertThat(images.classNames())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 40).mapToObj(i -> "s" + i).toList());
        assertThat(images.labels())
                .containsExactly(IntStream.range(0, 400).map(i -> i / 10).toArray());
        assertThat(images.skippedFiles()).isZero();
        assertThat(images.images().minNumber().floatValue()).isGreaterThanOrEqualTo(-1f);
        assertThat(images.images().maxNumber().floatValue()).isLessThanOrEqualTo(1f);
    }

    @Test
    void keepsThePgmPixelsExactlyAtTheNativeSize() throws IOException {
        ImageFolderSpec spec =
                new ImageFolderSpec(
                        faces,
                        92,
                        112,
                        1,
                        ClassOrder.NATURAL,
                        UnreadablePolicy.FAIL,
                        ResizeMode.STRETCH);

        LabeledImages images = dataset.load(spec);

        // image 11 is s2/1.pgm in natural order (s1/1..10 come first); compare with its raw P5
        // bytes
        byte[] file = Files.readAllBytes(faces.resolve("s2/1.pgm"));
        int pixels = 92 * 112;
        int start = file.length - pixels; // the header is ASCII text before the last 92·112 bytes
        for (int y = 0; y < 112; y += 13) {
            for (int x = 0; x < 92; x += 7) {
                int raw = file[start + y * 92 + x] & 0xff;
                assertThat(images.images().getFloat(10, 0, y, x))
                        .isCloseTo(raw / 127.5f - 1f, within(1e-6f));
            }
        }
    }
}
