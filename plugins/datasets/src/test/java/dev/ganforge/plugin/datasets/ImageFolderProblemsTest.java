package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every problem of an image folder is reported at once, in one DataException. */
class ImageFolderProblemsTest {

    @TempDir Path root;

    private final ImageFolderDataset dataset = new ImageFolderDataset();

    private static ImageFolderSpec spec(Path root, UnreadablePolicy unreadable) {
        return new ImageFolderSpec(
                root, 2, 2, 1, ClassOrder.NATURAL, unreadable, ResizeMode.STRETCH);
    }

    private Path image(String relative) throws IOException {
        return ImageFixtures.greyPng(root.resolve(relative), 2, 2, 9, 9, 9, 9);
    }

    private Path notAnImage(String relative) throws IOException {
        return ImageFixtures.bytes(root.resolve(relative), "not an image".getBytes());
    }

    private String folder(String name) {
        return root.resolve(name).toAbsolutePath().toString();
    }

    @Test
    void everyEmptyClassFolderIsNamed() throws IOException {
        image("a/1.png");
        ImageFixtures.bytes(root.resolve("b/notes.txt"), new byte[] {1});
        Files.createDirectories(root.resolve("c"));
        ImageFixtures.bytes(root.resolve("d/.DS_Store"), new byte[] {1});

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(
                        "dataset folder " + root.toAbsolutePath() + " has 3 problems:")
                .hasMessageContaining(
                        "\n  class folder "
                                + folder("b")
                                + " holds no image files; expected at least one file ending in"
                                + " .bmp, .jpeg, .jpg, .pgm, .png, .pnm, .ppm (found 1 non-image"
                                + " file (.txt))")
                .hasMessageContaining(
                        "\n  class folder "
                                + folder("c")
                                + " holds no image files; expected at least one file ending in"
                                + " .bmp, .jpeg, .jpg, .pgm, .png, .pnm, .ppm (it is empty)")
                .hasMessageContaining("\n  class folder " + folder("d") + " holds no image files")
                .hasMessageContaining("(found 1 hidden or system file (.DS_Store))");
    }

    @Test
    void emptyClassFoldersAndUnreadableFilesAreReportedTogether() throws IOException {
        image("a/1.png");
        Path random = notAnImage("a/2.png");
        Files.createDirectories(root.resolve("b"));
        Path whole = ImageFixtures.noise(root.resolve("c/1.jpg"), "jpeg", 32, 32, 3);
        ImageFixtures.cut(whole, whole, (int) Files.size(whole) / 2);

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(
                        "dataset folder " + root.toAbsolutePath() + " has 2 problems:")
                .hasMessageContaining("\n  class folder " + folder("b") + " holds no image files")
                .hasMessageContaining(
                        "\n  2 of 3 image files under "
                                + root.toAbsolutePath()
                                + " cannot be decoded"
                                + " (set 'unreadable: skip' to leave them out):")
                .hasMessageContaining("\n    " + random.toAbsolutePath() + ": ")
                .hasMessageContaining("\n    " + whole.toAbsolutePath() + ": truncated JPEG");
    }

    @Test
    void skipModeNamesEveryClassLeftWithoutReadableImages() throws IOException {
        image("a/1.png");
        notAnImage("a/2.png");
        Path b = notAnImage("b/1.png");
        Path c = notAnImage("c/1.png");

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.SKIP)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(
                        "dataset folder " + root.toAbsolutePath() + " has 2 problems:")
                .hasMessageContaining(
                        "\n  class folder "
                                + folder("b")
                                + " has no readable images; expected at least"
                                + " one, found 1 unreadable:\n    "
                                + b.toAbsolutePath()
                                + ": ")
                .hasMessageContaining("\n  class folder " + folder("c") + " has no readable images")
                .hasMessageContaining("\n    " + c.toAbsolutePath() + ": ")
                .hasMessageNotContaining(root.resolve("a/2.png").toString());
    }

    @Test
    void classFoldersOneLevelTooDeepGiveAHintToMoveTheRoot() throws IOException {
        image("faces/s1/1.png");
        image("faces/s2/1.png");
        ImageFixtures.bytes(root.resolve("__MACOSX/faces/s1/._1.png"), new byte[] {0, 5, 0x16, 7});

        assertThatThrownBy(() -> dataset.load(spec(root, UnreadablePolicy.FAIL)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("class folder " + folder("faces") + " holds no image files")
                .hasMessageContaining("(found 2 folders inside class folders (s1, s2))")
                .hasMessageEndingWith(
                        "; if its sub-folders are the classes, set dataset.root="
                                + folder("faces"));
    }
}
