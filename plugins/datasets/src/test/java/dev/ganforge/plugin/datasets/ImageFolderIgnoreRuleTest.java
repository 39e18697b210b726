package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ignore rule for what archive tools and file browsers leave next to the images, and its report
 * line.
 */
class ImageFolderIgnoreRuleTest {

    /**
     * The start of an AppleDouble resource-fork file: magic 0x00051607, version 2; not an image.
     */
    private static final byte[] APPLE_DOUBLE = {
        0, 5, 0x16, 7, 0, 2, 0, 0, 'M', 'a', 'c', ' ', 'O', 'S', ' ', 'X'
    };

    @TempDir Path root;

    private final ImageFolderDataset dataset = new ImageFolderDataset();

    private Path image(String relative) throws IOException {
        return ImageFixtures.greyPng(root.resolve(relative), 2, 2, 9, 9, 9, 9);
    }

    private Path file(String relative, byte[] bytes) throws IOException {
        return ImageFixtures.bytes(root.resolve(relative), bytes);
    }

    /** Writes a small file that is not an image. */
    private Path file(String relative) throws IOException {
        return file(relative, new byte[] {1, 2, 3});
    }

    /** Two people, as unpacked from an archive made on macOS, with Windows' files added. */
    private void macosArchive() throws IOException {
        image("s1/1.png");
        image("s2/1.png");
        file("__MACOSX/s1/._1.png", APPLE_DOUBLE);
        file("__MACOSX/._s1", APPLE_DOUBLE);
        file("s1/._1.png", APPLE_DOUBLE);
        file(".DS_Store");
        file("s2/Thumbs.db");
        file("s2/desktop.ini");
    }

    @Test
    void macosArchiveFolderAndAppleDoubleFilesAreNeitherClassesNorImages() throws IOException {
        macosArchive();

        LabeledImages images = dataset.load(ImageFolderSpec.of(root));

        assertThat(images.classNames()).containsExactly("s1", "s2");
        assertThat(images.size()).isEqualTo(2);
        assertThat(images.skippedFiles()).isZero();
    }

    @Test
    void summaryCountsEachKindOfSkippedEntryWithExamples() throws IOException {
        macosArchive();
        file("s1/._2.png", APPLE_DOUBLE);
        file("s1/.ipynb_checkpoints/1-checkpoint.png");
        file("s2/notes.txt");
        file("s2/list.TXT");
        image("s2/nested/1.png");
        file("README");

        ImageFolderScan scan = ImageFolderScan.of(root, ClassOrder.NATURAL);

        assertThat(scan.skippedSummary())
                .isEqualTo(
                        "skipped 2 hidden or system folders (.ipynb_checkpoints, __MACOSX), 5"
                            + " hidden or system files (.DS_Store, ._*, Thumbs.db, …), 1 file"
                            + " directly under the root (README), 2 non-image files (.txt) and 1"
                            + " folder inside a class folder (nested)");
        assertThat(scan.files())
                .containsExactly(
                        List.of(root.resolve("s1/1.png")), List.of(root.resolve("s2/1.png")));
    }

    @Test
    void windowsNamesAreMatchedIgnoringCaseAndOnlyForTheirKindOfEntry() {
        assertThat(SkippedEntry.isSystemName("THUMBS.DB", false)).isTrue();
        assertThat(SkippedEntry.isSystemName("Desktop.ini", false)).isTrue();
        assertThat(SkippedEntry.isSystemName("__MACOSX", true)).isTrue();
        assertThat(SkippedEntry.isSystemName("__MACOSX", false)).isFalse();
        assertThat(SkippedEntry.isSystemName("__macosx", true)).isFalse();
        assertThat(SkippedEntry.isSystemName("Thumbs.db", true)).isFalse();
        assertThat(SkippedEntry.isSystemName("s1", true)).isFalse();
    }

    @Test
    void loadReportsTheSkippedEntriesInOneLogLine() throws IOException {
        macosArchive();
        List<String> lines = new ArrayList<>();
        Logger logger = Logger.getLogger(ImageFolderDataset.class.getName());
        Handler handler =
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        lines.add(new SimpleFormatter().formatMessage(record));
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        logger.addHandler(handler);
        try {
            dataset.load(ImageFolderSpec.of(root));
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(lines)
                .containsExactly(
                        "image-folder "
                                + root.toAbsolutePath()
                                + ": skipped 1 hidden or system folder (__MACOSX) and 4 hidden or"
                                + " system files (.DS_Store, ._*, Thumbs.db, …)");
    }

    @Test
    void rootWithoutClassFoldersSaysWhatWasSkipped() throws IOException {
        file("__MACOSX/._1.png", APPLE_DOUBLE);
        image("1.png");

        assertThatThrownBy(() -> dataset.load(ImageFolderSpec.of(root)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no class folders")
                .hasMessageContaining(
                        "skipped 1 hidden or system folder (__MACOSX) and 1 file directly under the"
                                + " root (1.png)");
        assertThat(Files.exists(root.resolve("1.png"))).isTrue();
    }
}
