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
 * <p>Classes are the sub-folders of the root, in the spec's {@link ClassOrder}; the files of each
 * class follow the same order. Image files are those ending in .png, .jpg, .jpeg, .pgm, .ppm, .pnm
 * or .bmp (any case). Hidden entries, {@code __MACOSX}, {@code Thumbs.db}, {@code desktop.ini} and
 * other files are ignored (the rule is in {@link ImageFolderScan}); one log line says what kinds
 * were skipped. Every file is decoded before {@link #load} returns, on a small thread pool, and the
 * output order does not depend on the pool; truncated or damaged PNG and JPEG files count as
 * unreadable ({@link ImageIntegrity}). Pixels are converted as described in {@link PixelPlanes} and
 * resized as in {@link ResizeMode}.
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

    /**
     * @return C × H × W from the spec's {@code channels}, {@code height} and {@code width}
     */
    @Override
    public ImageShape imageShape(ImageFolderSpec spec) {
        return spec.imageShape();
    }

    /**
     * Decodes every image under the root. Problems are collected first and reported together: one
     * {@link DataException} names every class folder without image files and, with {@code
     * unreadable: fail}, every file that cannot be decoded (truncated, damaged or not an image),
     * or, with {@code unreadable: skip}, every class left without a readable image.
     *
     * @param spec the bound spec
     * @return float32 images {@code [N, C, H, W]} in [-1, 1], labels by class folder, and the
     *     number of unreadable files skipped (always 0 with {@code unreadable: fail})
     * @throws DataException if the root is missing or has no class folders, or for the problems
     *     above
     * @throws IOException if a folder cannot be listed
     */
    @Override
    public LabeledImages load(ImageFolderSpec spec) throws IOException {
        ImageFolderScan scan = ImageFolderScan.of(spec.root(), spec.classOrder());
        Path root = scan.root();
        if (!scan.skipped().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "image-folder {0}: {1}", root, scan.skippedSummary());
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
            throw new DataException(
                    "dataset folder "
                            + root
                            + " holds "
                            + files.size()
                            + " images of "
                            + spec.imageShape()
                            + ", more than one array can hold (2^31 values);"
                            + " lower width/height or use fewer images");
        }
        float[] data = new float[files.size() * size];
        String[] failures = ParallelDecoder.decodeAll(files, spec, data);
        List<String> unreadable = new ArrayList<>();
        List<List<String>> unreadablePerClass = new ArrayList<>();
        scan.classNames().forEach(name -> unreadablePerClass.add(new ArrayList<>()));
        int kept = 0;
        int[] keptLabels = new int[files.size()];
        int[] perClass = new int[scan.classNames().size()];
        for (int i = 0; i < files.size(); i++) {
            if (failures[i] != null) {
                String problem = files.get(i) + ": " + failures[i];
                unreadable.add(problem);
                unreadablePerClass.get(labels.get(i)).add(problem);
                continue;
            }
            if (kept != i) {
                System.arraycopy(data, i * size, data, kept * size, size);
            }
            keptLabels[kept++] = labels.get(i);
            perClass[labels.get(i)]++;
        }
        List<String> problems = new ArrayList<>(scan.emptyClassProblems());
        if (!unreadable.isEmpty() && spec.unreadable() == UnreadablePolicy.FAIL) {
            problems.add(
                    unreadable.size()
                            + " of "
                            + files.size()
                            + " image files under "
                            + root
                            + " cannot be decoded (set 'unreadable: skip' to leave them out):"
                            + lines(unreadable));
        } else {
            for (int label = 0; label < perClass.length; label++) {
                List<String> bad = unreadablePerClass.get(label);
                if (perClass[label] == 0 && !bad.isEmpty()) {
                    problems.add(
                            "class folder "
                                    + root.resolve(scan.classNames().get(label))
                                    + " has no readable"
                                    + " images; expected at least one, found "
                                    + bad.size()
                                    + " unreadable:"
                                    + lines(bad));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DataException(
                    problems.size() == 1
                            ? problems.get(0)
                            : "dataset folder "
                                    + root
                                    + " has "
                                    + problems.size()
                                    + " problems:"
                                    + lines(
                                            problems.stream()
                                                    .map(problem -> problem.replace("\n", "\n  "))
                                                    .toList()));
        }
        float[] images = kept == files.size() ? data : Arrays.copyOf(data, kept * size);
        return new LabeledImages(
                Nd4j.create(images, spec.imageShape().batchShape(kept), DataType.FLOAT),
                Arrays.copyOf(keptLabels, kept),
                scan.classNames(),
                unreadable.size());
    }

    /**
     * @return each item on its own line, indented by two spaces
     */
    private static String lines(List<String> items) {
        return "\n  " + String.join("\n  ", items);
    }
}
