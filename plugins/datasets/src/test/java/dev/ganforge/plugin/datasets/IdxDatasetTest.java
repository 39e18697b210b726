package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class IdxDatasetTest {

    @TempDir Path dir;

    private final IdxDataset dataset = new IdxDataset();

    private LabeledImages load(Path images, Path labels) throws IOException {
        return dataset.load(new IdxSpec(images, labels, null, null));
    }

    @Test
    void readsRawFilesIntoNchwScaledToMinusOneToOne() throws IOException {
        byte[] data = new byte[2 * 2 * 3];
        data[0] = 0;
        data[1] = (byte) 255;
        data[11] = (byte) 51;
        Path images =
                IdxFixtures.write(
                        dir.resolve("images"),
                        IdxFixtures.idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 3}, data));
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(3, 1));

        LabeledImages loaded = load(images, labels);

        assertThat(loaded.images().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(loaded.images().shape()).containsExactly(2, 1, 2, 3);
        assertThat(loaded.images().getFloat(0, 0, 0, 0)).isEqualTo(-1f);
        assertThat(loaded.images().getFloat(0, 0, 0, 1)).isEqualTo(1f);
        assertThat(loaded.images().getFloat(1, 0, 1, 2)).isCloseTo(51 / 127.5f - 1f, within(1e-6f));
        assertThat(loaded.labels()).containsExactly(3, 1);
        assertThat(loaded.classNames()).containsExactly("0", "1", "2", "3");
        assertThat(dataset.imageShape(new IdxSpec(images, labels, null, null)))
                .isEqualTo(new ImageShape(1, 2, 3));
    }

    @Test
    void detectsGzipFromTheMagicBytesNotTheName() throws IOException {
        Path images =
                IdxFixtures.write(
                        dir.resolve("images-idx3-ubyte"),
                        IdxFixtures.gzip(IdxFixtures.images(3, 4, 4)));
        Path labels =
                IdxFixtures.write(
                        dir.resolve("labels.gz"), IdxFixtures.labels(0, 1, 0)); // raw despite .gz

        LabeledImages loaded = load(images, labels);

        assertThat(loaded.images().shape()).containsExactly(3, 1, 4, 4);
        assertThat(loaded.images().getFloat(2, 0, 3, 3)).isCloseTo(47 / 127.5f - 1f, within(1e-6f));
        assertThat(dataset.imageShape(new IdxSpec(images, labels, null, null)))
                .isEqualTo(new ImageShape(1, 4, 4));
    }

    @Test
    void limitKeepsTheFirstExamplesAndClassNamesAreUsed() throws IOException {
        Path images =
                IdxFixtures.write(
                        dir.resolve("i.gz"), IdxFixtures.gzip(IdxFixtures.images(4, 2, 2)));
        Path labels =
                IdxFixtures.write(
                        dir.resolve("l.gz"), IdxFixtures.gzip(IdxFixtures.labels(1, 0, 1, 1)));

        LabeledImages loaded = dataset.load(new IdxSpec(images, labels, List.of("cat", "dog"), 2));

        assertThat(loaded.images().shape()).containsExactly(2, 1, 2, 2);
        assertThat(loaded.labels()).containsExactly(1, 0);
        assertThat(loaded.classNames()).containsExactly("cat", "dog");
        assertThat(loaded.images().getFloat(1, 0, 1, 1)).isCloseTo(7 / 127.5f - 1f, within(1e-6f));
    }

    @Test
    void labelsFileGivenAsImagesIsAWrongMagicNumber() throws IOException {
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0, 1));

        assertThatThrownBy(() -> load(labels, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("expected magic number 0x00000803")
                .hasMessageContaining("found 0x00000801")
                .hasMessageContaining("labels file");
    }

    @Test
    void wrongDimensionCountAndNonIdxFilesAreRejected() throws IOException {
        Path fourDimensions =
                IdxFixtures.write(
                        dir.resolve("four"),
                        IdxFixtures.idx(0x00000804, new int[] {1, 1, 1, 1}, new byte[1]));
        Path text = IdxFixtures.write(dir.resolve("text"), "hello, this is not IDX".getBytes());
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0));

        assertThatThrownBy(() -> load(fourDimensions, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("found 0x00000804")
                .hasMessageContaining("4 dimensions");
        assertThatThrownBy(() -> load(text, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(text.toString())
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void truncatedAndShortFilesAreRejectedWithExpectedAndFoundLengths() throws IOException {
        byte[] full = IdxFixtures.images(3, 4, 4);
        Path truncated =
                IdxFixtures.write(dir.resolve("truncated"), Arrays.copyOf(full, full.length - 5));
        Path truncatedGzip =
                IdxFixtures.write(
                        dir.resolve("truncated.gz"),
                        IdxFixtures.gzip(Arrays.copyOf(full, full.length - 5)));
        Path header = IdxFixtures.write(dir.resolve("header"), Arrays.copyOf(full, 10));
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0, 0, 0));

        assertThatThrownBy(() -> load(truncated, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(truncated.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("needs " + full.length + " bytes")
                .hasMessageContaining("found " + (full.length - 5));
        assertThatThrownBy(() -> load(truncatedGzip, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("after decompression");
        assertThatThrownBy(() -> load(header, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(header.toString())
                .hasMessageContaining("shorter than its 16-byte header");
    }

    @Test
    void corruptGzipDataIsADataException() throws IOException {
        byte[] gzip = IdxFixtures.gzip(IdxFixtures.images(30, 8, 8));
        Path cut = IdxFixtures.write(dir.resolve("cut.gz"), Arrays.copyOf(gzip, gzip.length / 2));
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0));

        assertThatThrownBy(() -> load(cut, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("gzip");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("images"), IdxFixtures.images(3, 2, 2));
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0, 1));

        assertThatThrownBy(() -> load(images, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("3 images")
                .hasMessageContaining("2 labels");
    }

    @Test
    void labelOutsideTheClassNamesIsRejected() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("images"), IdxFixtures.images(3, 2, 2));
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(0, 1, 2));

        assertThatThrownBy(() -> dataset.load(new IdxSpec(images, labels, List.of("a", "b"), null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("label 2 of example 2")
                .hasMessageContaining("[0, 2)");
    }

    @Test
    void missingFileIsADataExceptionNamingIt() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> load(missing, missing))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void specRejectsBadClassNamesAndLimit() {
        Path file = dir.resolve("x");
        assertThatThrownBy(() -> new IdxSpec(file, file, List.of("a", "a"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdxSpec(file, file, List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdxSpec(file, file, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdxSpec(null, file, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
