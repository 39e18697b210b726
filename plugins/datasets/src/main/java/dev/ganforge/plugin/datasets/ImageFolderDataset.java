package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.DataException;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code image-folder} dataset: {@code root/<class>/<image files>}, one label per class folder.
 *
 * <p>Classes are the non-hidden sub-folders of the root, in the spec's {@link ClassOrder}; the
 * files of each class follow the same order. Image files are those ending in .png, .jpg, .jpeg,
 * .pgm, .ppm, .pnm or .bmp (any case); other files are ignored and counted in one log line. Every
 * file is decoded before {@link #load} returns, on a small thread pool, and the output order does not
 * depend on the pool. Pixels are converted as described in {@link PixelPlanes} and resized as in
 * {@link ResizeMode}.
 */
public final class ImageFolderDataset implements DatasetPlugin<ImageFolderSpec> {

    private static final System.Logger LOG = System.getLogger(ImageFolderDataset.class.getName());

    /** Creates the plugin; it holds no state. */
    public ImageFolderDataset() {}

    @Override
    public String name() {
        return "image-folder";
    }

    @Override
    public Class<ImageFolderSpec> specClass() {
        return ImageFolderSpec.class;
    }

    @Override
    public String description() {
        return "PNG, JPEG, PGM/PPM and BMP images in one sub-folder per class";
    }

    /** @return C × H × W from the spec's {@code channels}, {@code height} and {@code width} */
    @Override
    public ImageShape imageShape(ImageFolderSpec spec) {
        return spec.imageShape();
    }

    /**
     * Decodes every image under the root.
     *
     * @param spec the bound spec
     * @return float32 images {@code [N, C, H, W]} in [-1, 1], labels by class folder, and the number of
     *     unreadable files skipped (always 0 with {@code unreadable: fail})
     * @throws DataException if the root or a class folder is missing or empty (after skipping), or, with
     *     {@code unreadable: fail}, if any file cannot be decoded: the message names every such file
     * @throws IOException if a folder cannot be listed
     */
    @Override
    public LabeledImages load(ImageFolderSpec spec) throws IOException {
        ImageFolderScan scan = ImageFolderScan.of(spec.root(), spec.classOrder());
        if (scan.ignored() > 0) {
            LOG.log(System.Logger.Level.INFO, "image-folder {0}: ignored {1} entries that are not image files",
                    spec.root().toAbsolutePath(), scan.ignored());
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < scan.files().size(); label++) {
            for (Path file : scan.files().get(label)) {
                files.add(file);
                labels.add(label);
            }
        }
        int size = (int) spec.imageShape().size();
        if ((long) files.size() * size > Integer.MAX_VALUE - 8) {
            throw new DataException("dataset folder " + spec.root().toAbsolutePath() + " holds " + files.size()
                    + " images of " + spec.imageShape() + ", more than one array can hold (2^31 values);"
                    + " lower width/height or use fewer images");
        }
        float[] data = new float[files.size() * size];
        String[] failures = ParallelDecoder.decodeAll(files, spec, data);
        List<String> problems = new ArrayList<>();
        int kept = 0;
        int[] keptLabels = new int[files.size()];
        int[] perClass = new int[scan.classNames().size()];
        for (int i = 0; i < files.size(); i++) {
            if (failures[i] != null) {
                problems.add(files.get(i).toAbsolutePath() + ": " + failures[i]);
                continue;
            }
            if (kept != i) {
                System.arraycopy(data, i * size, data, kept * size, size);
            }
            keptLabels[kept++] = labels.get(i);
            perClass[labels.get(i)]++;
        }
        if (!problems.isEmpty() && spec.unreadable() == UnreadablePolicy.FAIL) {
            throw new DataException(problems.size() + " of " + files.size() + " image files under "
                    + spec.root().toAbsolutePath() + " cannot be decoded (set 'unreadable: skip' to leave them out):\n  "
                    + String.join("\n  ", problems));
        }
        for (int label = 0; label < perClass.length; label++) {
            if (perClass[label] == 0) {
                throw new DataException("class folder " + spec.root().resolve(scan.classNames().get(label)).toAbsolutePath()
                        + " has no readable images; expected at least one, found " + scan.files().get(label).size()
                        + " unreadable:\n  " + String.join("\n  ", problems));
            }
        }
        float[] images = kept == files.size() ? data : Arrays.copyOf(data, kept * size);
        return new LabeledImages(Nd4j.create(images, spec.imageShape().batchShape(kept), DataType.FLOAT),
                Arrays.copyOf(keptLabels, kept), scan.classNames(), problems.size());
    }
}
