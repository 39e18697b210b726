package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code idx} dataset: grey images and labels in the MNIST IDX format
 * (http://yann.lecun.com/exdb/mnist/), raw or gzip-compressed (detected from the magic bytes).
 */
public final class IdxDataset implements DatasetPlugin<IdxSpec> {

    /** Creates the plugin; it holds no state. */
    public IdxDataset() {}

    @Override
    public String name() {
        return "idx";
    }

    @Override
    public Class<IdxSpec> specClass() {
        return IdxSpec.class;
    }

    @Override
    public String description() {
        return "grey images and labels in MNIST's IDX format (raw or gzip)";
    }

    /**
     * @param spec the bound spec
     * @return float32 images {@code [N, 1, rows, columns]}, pixel / 127.5 - 1 in [-1, 1]; N is the
     *     file's count or {@code limit}, whichever is smaller
     * @throws DataException if a file is missing, corrupt, truncated or has the wrong header, the
     *     counts differ, or a label is outside {@code class_names}; the message names the file
     * @throws IOException on an I/O failure reading a file that exists
     */
    @Override
    public LabeledImages load(IdxSpec spec) throws IOException {
        return IdxReader.load(spec.images(), spec.labels(), spec.classNames(), spec.limit());
    }

    /**
     * Reads the images file's 16-byte header (rows and columns are not in the spec).
     *
     * @param spec the bound spec
     * @return 1 × rows × columns
     * @throws DataException if the images file is missing or its header is wrong
     * @throws UncheckedIOException on an I/O failure reading the header
     */
    @Override
    public ImageShape imageShape(IdxSpec spec) {
        try {
            return IdxReader.readShape(spec.images());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the header of " + spec.images(), e);
        }
    }
}
