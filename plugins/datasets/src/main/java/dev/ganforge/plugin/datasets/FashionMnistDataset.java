package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code fashion-mnist} dataset: Zalando's Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017,
 * https://github.com/zalandoresearch/fashion-mnist), 28×28 grey images of 10 clothing classes, read
 * from IDX files with {@link IdxReader}.
 */
public final class FashionMnistDataset implements DatasetPlugin<FashionMnistSpec> {

    /** The class names in label order. */
    public static final List<String> CLASS_NAMES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    private static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    /** Creates the plugin; it holds no state. */
    public FashionMnistDataset() {}

    @Override
    public String name() {
        return "fashion-mnist";
    }

    @Override
    public Class<FashionMnistSpec> specClass() {
        return FashionMnistSpec.class;
    }

    @Override
    public String description() {
        return "Fashion-MNIST: 28x28 grey images of 10 clothing classes";
    }

    /**
     * Loads one split. For each file the gzip name ({@code train-images-idx3-ubyte.gz}) is used if
     * it exists, else the uncompressed name.
     *
     * @param spec the bound spec
     * @return float32 images {@code [N, 1, 28, 28]} in [-1, 1], labels 0–9 named by {@link
     *     #CLASS_NAMES}
     * @throws DataException if the folder or a file is missing (the message suggests the Debian
     *     package), or a file is malformed or not 28×28
     * @throws IOException on an I/O failure reading a file that exists
     */
    @Override
    public LabeledImages load(FashionMnistSpec spec) throws IOException {
        if (!Files.isDirectory(spec.path())) {
            throw new DataException(
                    "dataset.path: the Fashion-MNIST folder "
                            + spec.path().toAbsolutePath()
                            + " does not exist; expected the folder of the four IDX files: install"
                            + " them with 'sudo apt-get install -y dataset-fashion-mnist' (into "
                            + FashionMnistSpec.DEFAULT_PATH
                            + ") or set dataset.path (--set dataset.path=DIR)");
        }
        String prefix = spec.split().filePrefix();
        Path images = find(spec.path(), prefix + "-images-idx3-ubyte");
        Path labels = find(spec.path(), prefix + "-labels-idx1-ubyte");
        ImageShape shape = IdxReader.readShape(images);
        if (!shape.equals(SHAPE)) {
            throw new DataException(
                    "Fashion-MNIST images file "
                            + images
                            + " holds "
                            + shape.height()
                            + "x"
                            + shape.width()
                            + " images; expected 28x28");
        }
        return IdxReader.load(images, labels, CLASS_NAMES, spec.limit());
    }

    /**
     * @return 1 × 28 × 28, whatever the spec
     */
    @Override
    public ImageShape imageShape(FashionMnistSpec spec) {
        return SHAPE;
    }

    private static Path find(Path folder, String name) {
        Path gzip = folder.resolve(name + ".gz");
        if (Files.isRegularFile(gzip)) {
            return gzip;
        }
        Path raw = folder.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new DataException(
                "dataset.path: the Fashion-MNIST file "
                        + gzip.toAbsolutePath()
                        + " (or "
                        + raw.getFileName()
                        + ") does not exist; install it with 'sudo apt-get install -y"
                        + " dataset-fashion-mnist' or set dataset.path (--set dataset.path=DIR)");
    }
}
