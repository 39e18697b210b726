package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class folders, file selection, unreadable files and errors of the image-folder dataset. */
class ImageFolderLayoutTest {

    @TempDir Path root;

    private final ImageFolderDataset dataset = new ImageFolderDataset();

    private static ImageFolderSpec spec(Path root, ClassOrder order, UnreadablePolicy unreadable) {
        return new ImageFolderSpec(root, 2, 2, 1, order, unreadable, ResizeMode.STRETCH);
    }

    /** Writes a uniform 2×2 grey PNG. */
    private Path image(String relative, int grey) throws IOException {
        return ImageFixtures.greyPng(root.resolve(relative), 2, 2, grey, grey, grey, grey);
    }

    private static float first(LabeledImages images, int index) {
        return images.images().getFloat(index, 0, 0, 0);
    }

    @Test
    void naturalOrderPutsS2BeforeS10AndLabelsFollowTheFolders() throws IOException {
        image("s10/1.png", 10);
        image("s2/1.png", 2);
        image("s1/1.png", 1);

        LabeledImages images = dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL));

        assertThat(images.classNames()).containsExactly("s1", "s2", "s10");
        assertThat(images.labels()).containsExactly(0, 1, 2);
        assertThat(first(images, 1)).isCloseTo(2 / 127.5f - 1f, within(1e-6f));
        assertThat(first(images, 2)).isCloseTo(10 / 127.5f - 1f, within(1e-6f));
    }

    @Test
    void lexicographicOrderPutsS10BeforeS2() throws IOException {
        image("s10/1.png", 10);
        image("s2/1.png", 2);
        image("s1/1.png", 1);

        LabeledImages images =
                dataset.load(spec(root, ClassOrder.LEXICOGRAPHIC, UnreadablePolicy.FAIL));

        assertThat(images.classNames()).containsExactly("s1", "s10", "s2");
        assertThat(first(images, 1)).isCloseTo(10 / 127.5f - 1f, within(1e-6f));
    }

    @Test
    void filesWithinAClassFollowTheSameOrder() throws IOException {
        image("a/10.png", 10);
        image("a/9.png", 9);

        LabeledImages images = dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL));

        assertThat(first(images, 0)).isCloseTo(9 / 127.5f - 1f, within(1e-6f));
    }

    @Test
    void ignoresHiddenEntriesOtherExtensionsAndNestedFolders() throws IOException {
        image("cats/1.PNG", 1);
        image(".hidden/1.png", 1);
        image("cats/.2.png", 2);
        image("cats/nested/3.png", 3);
        ImageFixtures.bytes(root.resolve("cats/notes.txt"), new byte[] {1, 2, 3});
        ImageFixtures.bytes(root.resolve("README"), new byte[] {1});

        LabeledImages images = dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL));

        assertThat(images.classNames()).containsExactly("cats");
        assertThat(images.size()).isEqualTo(1);
    }

    @Test
    void failModeNamesEveryUnreadableFile() throws IOException {
        image("a/1.png", 1);
        Path random = ImageFixtures.bytes(root.resolve("a/2.png"), randomBytes(300));
        byte[] valid = Files.readAllBytes(image("b/1.png", 1));
        Path truncated =
                ImageFixtures.bytes(
                        root.resolve("b/2.png"), Arrays.copyOf(valid, valid.length / 2));
        Path empty = ImageFixtures.bytes(root.resolve("b/3.jpg"), new byte[0]);

        assertThatThrownBy(
                        () -> dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("3 of 5")
                .hasMessageContaining(random.toString())
                .hasMessageContaining(truncated.toString())
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("unreadable: skip");
    }

    @Test
    void skipModeCountsUnreadableFilesAndKeepsTheRestInOrder() throws IOException {
        image("a/1.png", 1);
        ImageFixtures.bytes(root.resolve("a/2.png"), randomBytes(300));
        image("a/3.png", 3);
        ImageFixtures.bytes(root.resolve("b/1.png"), randomBytes(50));
        image("b/2.png", 22);

        LabeledImages images = dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.SKIP));

        assertThat(images.skippedFiles()).isEqualTo(2);
        assertThat(images.labels()).containsExactly(0, 0, 1);
        assertThat(images.images().shape()).containsExactly(3, 1, 2, 2);
        assertThat(first(images, 1)).isCloseTo(3 / 127.5f - 1f, within(1e-6f));
        assertThat(first(images, 2)).isCloseTo(22 / 127.5f - 1f, within(1e-6f));
    }

    @Test
    void skipModeFailsWhenAClassHasNoReadableImageLeft() throws IOException {
        image("a/1.png", 1);
        ImageFixtures.bytes(root.resolve("b/1.png"), randomBytes(50));

        assertThatThrownBy(
                        () -> dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.SKIP)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(root.resolve("b").toAbsolutePath().toString())
                .hasMessageContaining("no readable images");
    }

    @Test
    void emptyClassFolderIsAnErrorNamingIt() throws IOException {
        image("a/1.png", 1);
        ImageFixtures.bytes(root.resolve("b/notes.txt"), new byte[] {1});
        Files.createDirectories(root.resolve("c"));

        assertThatThrownBy(
                        () -> dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(root.resolve("b").toAbsolutePath().toString())
                .hasMessageContaining("no image files");
    }

    @Test
    void missingRootRootFileAndNoClassFoldersAreErrorsNamingThePath() throws IOException {
        Path missing = root.resolve("missing");
        Path file = ImageFixtures.bytes(root.resolve("file.png"), new byte[] {1});

        assertThatThrownBy(
                        () ->
                                dataset.load(
                                        spec(missing, ClassOrder.NATURAL, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("dataset.root")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(
                        () -> dataset.load(spec(file, ClassOrder.NATURAL, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file");
        assertThatThrownBy(
                        () -> dataset.load(spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(root.toString())
                .hasMessageContaining("no class folders");
    }

    @Test
    void parallelDecodingGivesTheSameResultEveryTime() throws IOException {
        Random random = new Random(3);
        for (int i = 0; i < 40; i++) {
            ImageFixtures.greyPng(
                    root.resolve("c" + (i % 3) + "/" + i + ".png"),
                    9,
                    7,
                    random.ints(63, 0, 256).toArray());
        }
        ImageFolderSpec spec = spec(root, ClassOrder.NATURAL, UnreadablePolicy.FAIL);

        LabeledImages first = dataset.load(spec);
        LabeledImages second = dataset.load(spec);

        assertThat(first.images()).isEqualTo(second.images());
        assertThat(first.labels()).isEqualTo(second.labels());
        assertThat(first.size()).isEqualTo(40);
    }

    @Test
    void imageShapeComesFromTheSpecAlone() {
        ImageFolderSpec spec =
                new ImageFolderSpec(
                        root.resolve("not-there"),
                        48,
                        32,
                        3,
                        ClassOrder.NATURAL,
                        UnreadablePolicy.FAIL,
                        ResizeMode.CENTER_CROP);

        assertThat(dataset.imageShape(spec)).isEqualTo(new ImageShape(3, 32, 48));
    }

    @Test
    void specRejectsTwoChannelsAndAMissingRoot() {
        assertThatThrownBy(
                        () ->
                                new ImageFolderSpec(
                                        root,
                                        8,
                                        8,
                                        2,
                                        ClassOrder.NATURAL,
                                        UnreadablePolicy.FAIL,
                                        ResizeMode.STRETCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> ImageFolderSpec.of(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
