package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of an image folder: its classes in order, and each class's image files in order.
 * Hidden entries (names starting with '.') are ignored; so are files without an image extension
 * ({@link ImageFiles#EXTENSIONS}) and folders nested inside a class folder, which are counted in
 * {@link #ignored()}.
 *
 * @param classNames the class folder names, in label order
 * @param files image files per class, same order as {@code classNames}
 * @param ignored number of non-hidden entries inside class folders that are not image files
 */
record ImageFolderScan(List<String> classNames, List<List<Path>> files, int ignored) {

    /**
     * @param root the dataset root
     * @param order the order of class folders and of the files inside each
     * @return the scanned layout; every class has at least one image file
     * @throws DataException if the root is missing or not a folder, has no class folders, or a class
     *     folder holds no image files
     * @throws IOException if a folder cannot be listed
     */
    static ImageFolderScan of(Path root, ClassOrder order) throws IOException {
        if (!Files.exists(root)) {
            throw new DataException("dataset.root: the folder " + root.toAbsolutePath() + " does not exist; expected"
                    + " a folder with one sub-folder of images per class (set it with --set dataset.root=DIR)");
        }
        if (!Files.isDirectory(root)) {
            throw new DataException("dataset.root: " + root.toAbsolutePath() + " is a file; expected a folder"
                    + " with one sub-folder of images per class");
        }
        Comparator<Path> byName = Comparator.comparing(path -> path.getFileName().toString(), order.comparator());
        List<Path> classFolders = list(root).stream().filter(Files::isDirectory).sorted(byName).toList();
        if (classFolders.isEmpty()) {
            throw new DataException("dataset folder " + root.toAbsolutePath() + " has no class folders; expected"
                    + " one sub-folder of images per class, e.g. " + root.resolve("cats").resolve("1.png"));
        }
        List<String> names = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        int ignored = 0;
        for (Path folder : classFolders) {
            List<Path> entries = list(folder);
            List<Path> images = entries.stream()
                    .filter(path -> Files.isRegularFile(path) && ImageFiles.hasImageExtension(path))
                    .sorted(byName)
                    .toList();
            if (images.isEmpty()) {
                throw new DataException("class folder " + folder.toAbsolutePath() + " holds no image files; expected"
                        + " at least one file ending in ." + String.join(", .", ImageFiles.EXTENSIONS.stream()
                                .sorted().toList()) + " (found " + entries.size() + " other entries)");
            }
            ignored += entries.size() - images.size();
            names.add(folder.getFileName().toString());
            files.add(images);
        }
        return new ImageFolderScan(List.copyOf(names), List.copyOf(files), ignored);
    }

    /** @return the non-hidden entries of a folder */
    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(path -> !path.getFileName().toString().startsWith(".")).toList();
        }
    }
}
