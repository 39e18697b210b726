package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the real Fashion-MNIST files from the Debian package {@code dataset-fashion-mnist}; fails
 * (rather than skips) when the package is not installed.
 */
class FashionMnistDatasetTest {

    private final FashionMnistDataset dataset = new FashionMnistDataset();

    @Test
    void trainSplitWithLimitLoadsTheFirstThousandImages() throws IOException {
        LabeledImages images =
                dataset.load(FashionMnistSpec.of(FashionMnistSpec.Split.TRAIN, 1000));

        assertThat(images.images().shape()).containsExactly(1000, 1, 28, 28);
        assertThat(IntStream.of(images.labels()).allMatch(label -> label >= 0 && label <= 9))
                .isTrue();
        assertThat(IntStream.of(images.labels()).distinct().count()).isEqualTo(10);
        assertThat(images.classNames())
                .hasSize(10)
                .startsWith("T-shirt/top")
                .endsWith("Ankle boot");
        assertThat(images.images().minNumber().floatValue()).isEqualTo(-1f);
        assertThat(images.images().maxNumber().floatValue()).isEqualTo(1f);
        assertThat(images.skippedFiles()).isZero();
    }

    @Test
    void fullTrainAndTestSplitsHaveTheirDocumentedSizes() throws IOException {
        LabeledImages train = dataset.load(FashionMnistSpec.of(FashionMnistSpec.Split.TRAIN, null));
        assertThat(train.images().shape()).containsExactly(60000, 1, 28, 28);
        assertThat(IntStream.of(train.labels()).filter(label -> label == 9).count())
                .isEqualTo(6000);

        LabeledImages test = dataset.load(FashionMnistSpec.of(FashionMnistSpec.Split.TEST, null));
        assertThat(test.images().shape()).containsExactly(10000, 1, 28, 28);
    }

    @Test
    void acceptsUncompressedFileNames(@TempDir Path dir) throws IOException {
        IdxFixtures.write(dir.resolve("t10k-images-idx3-ubyte"), IdxFixtures.images(3, 28, 28));
        IdxFixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.labels(9, 0, 4));

        LabeledImages images =
                dataset.load(new FashionMnistSpec(dir, FashionMnistSpec.Split.TEST, null));

        assertThat(images.labels()).containsExactly(9, 0, 4);
        assertThat(images.classNames().get(9)).isEqualTo("Ankle boot");
    }

    @Test
    void rejectsImagesThatAreNot28By28(@TempDir Path dir) throws IOException {
        IdxFixtures.write(
                dir.resolve("train-images-idx3-ubyte.gz"),
                IdxFixtures.gzip(IdxFixtures.images(1, 8, 8)));
        IdxFixtures.write(
                dir.resolve("train-labels-idx1-ubyte.gz"), IdxFixtures.gzip(IdxFixtures.labels(0)));

        assertThatThrownBy(
                        () ->
                                dataset.load(
                                        new FashionMnistSpec(
                                                dir, FashionMnistSpec.Split.TRAIN, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("8x8")
                .hasMessageContaining("expected 28x28");
    }

    @Test
    void missingFolderOrFileSuggestsTheDebianPackage(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(
                        () ->
                                dataset.load(
                                        new FashionMnistSpec(
                                                missing, FashionMnistSpec.Split.TRAIN, null)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("dataset.path: ")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("sudo apt-get install -y dataset-fashion-mnist");

        IdxFixtures.write(
                dir.resolve("train-images-idx3-ubyte.gz"),
                IdxFixtures.gzip(IdxFixtures.images(1, 28, 28)));
        assertThatThrownBy(
                        () ->
                                dataset.load(
                                        new FashionMnistSpec(
                                                dir, FashionMnistSpec.Split.TRAIN, null)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("dataset.path: ")
                .hasMessageContaining(dir.resolve("train-labels-idx1-ubyte.gz").toString())
                .hasMessageContaining("sudo apt-get install -y dataset-fashion-mnist");
    }
}
