package dev.ganforge.spi;

import java.io.IOException;

/**
 * Loads a labelled image set into memory.
 *
 * @param <S> the dataset's spec record
 */
public interface DatasetPlugin<S extends Record> extends GanPlugin<S> {

    @Override
    default PluginKind kind() {
        return PluginKind.DATASET;
    }

    /**
     * Decodes every image, converts it to the spec's channels and size and scales it to [-1, 1].
     *
     * @param spec the bound dataset spec
     * @return the images {@code [N, C, H, W]} with labels and class names
     * @throws DataException if the data is missing, malformed or too small; the message names the
     *     file and says what was expected and what was found
     * @throws IOException on an I/O failure reading a file that exists
     */
    LabeledImages load(S spec) throws IOException;

    /**
     * The image shape {@link #load} will produce, known from the spec alone, so the model can be
     * checked against it before any data is read.
     *
     * @param spec the bound dataset spec
     * @return the shape of one image
     */
    ImageShape imageShape(S spec);
}
