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
 * The layout of an image folder: its classes in order, each class's image files in order, and the
 * entries that are not read.
 *
 * <p>Ignore rule, the same under the root and inside class folders: entries whose name starts with
 * '.' (hidden files and folders, among them macOS's {@code .DS_Store} and the AppleDouble
 * resource-fork files {@code ._name.jpg}, which are not images), the folder {@code __MACOSX} that
 * archives made on macOS carry, and the files {@code Thumbs.db} and {@code desktop.ini} that
 * Windows writes (these two ignoring case) are never classes nor images. Besides, files directly
 * under the root, files in a class folder without an image extension ({@link
 * ImageFiles#EXTENSIONS}) and folders inside a class folder are not read. Every such entry is
 * listed in {@link #skipped()}, by {@link SkippedEntry.Kind kind}.
 *
 * <p>A class folder without image files stays in the scan with no files, so that the caller can
 * report it together with every other problem: see {@link #emptyClassProblems()}.
 *
 * @param root the dataset root, absolute
 * @param classNames the class folder names, in label order
 * @param files image files per class, same order as {@code classNames}; empty for a class folder
 *     that holds no image file
 * @param skipped the entries not read, in the order they were found
 */
record ImageFolderScan(
        Path root, List<String> classNames, List<List<Path>> files, List<SkippedEntry> skipped) {

    /**
     * @param root the dataset root
     * @param order the order of class folders and of the files inside each
     * @return the scanned layout: at least one class
     * @throws DataException if the root is missing or not a folder, or has no class folders
     * @throws IOException if a folder cannot be listed
     */
    static ImageFolderScan of(Path root, ClassOrder order) throws IOException {
        Path absolute = root.toAbsolutePath();
        if (!Files.exists(root)) {
            throw new DataException(
                    "dataset.root: the folder "
                            + absolute
                            + " does not exist; expected a folder with one sub-folder of images per"
                            + " class (set it with --set dataset.root=DIR)");
        }
        if (!Files.isDirectory(root)) {
            throw new DataException(
                    "dataset.root: "
                            + absolute
                            + " is a file; expected a folder"
                            + " with one sub-folder of images per class");
        }
        Comparator<Path> byName =
                Comparator.comparing(path -> path.getFileName().toString(), order.comparator());
        List<SkippedEntry> skipped = new ArrayList<>();
        List<Path> classFolders = new ArrayList<>();
        for (Path entry : list(absolute, skipped)) {
            if (Files.isDirectory(entry)) {
                classFolders.add(entry);
            } else {
                skipped.add(new SkippedEntry(entry, SkippedEntry.Kind.ROOT_FILE));
            }
        }
        if (classFolders.isEmpty()) {
            throw new DataException(
                    "dataset folder "
                            + absolute
                            + " has no class folders; expected one sub-folder"
                            + " of images per class, e.g. "
                            + absolute.resolve("cats").resolve("1.png")
                            + (skipped.isEmpty()
                                    ? " (it is empty)"
                                    : " (" + SkippedEntry.summary(skipped) + ")"));
        }
        classFolders.sort(byName);
        List<String> names = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        for (Path folder : classFolders) {
            List<Path> images = new ArrayList<>();
            for (Path entry : list(folder, skipped)) {
                if (Files.isDirectory(entry)) {
                    skipped.add(new SkippedEntry(entry, SkippedEntry.Kind.NESTED_FOLDER));
                } else if (Files.isRegularFile(entry) && ImageFiles.hasImageExtension(entry)) {
                    images.add(entry);
                } else {
                    skipped.add(new SkippedEntry(entry, SkippedEntry.Kind.NON_IMAGE_FILE));
                }
            }
            images.sort(byName);
            names.add(folder.getFileName().toString());
            files.add(List.copyOf(images));
        }
        return new ImageFolderScan(
                absolute, List.copyOf(names), List.copyOf(files), List.copyOf(skipped));
    }

    /**
     * @return one line saying what kinds of entries were skipped, e.g. "skipped 1 hidden or system
     *     folder (__MACOSX)"; empty if none
     */
    String skippedSummary() {
        return SkippedEntry.summary(skipped);
    }

    /**
     * @return one message per class folder that holds no image file, naming the folder and what it
     *     holds
     */
    List<String> emptyClassProblems() {
        List<String> problems = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            if (!files.get(label).isEmpty()) {
                continue;
            }
            Path folder = root.resolve(classNames.get(label));
            List<SkippedEntry> inside =
                    skipped.stream()
                            .filter(entry -> entry.path().getParent().equals(folder))
                            .toList();
            boolean hasFolders =
                    inside.stream()
                            .anyMatch(entry -> entry.kind() == SkippedEntry.Kind.NESTED_FOLDER);
            problems.add(
                    "class folder "
                            + folder
                            + " holds no image files; expected at least one file ending in ."
                            + String.join(", .", ImageFiles.EXTENSIONS.stream().sorted().toList())
                            + (inside.isEmpty()
                                    ? " (it is empty)"
                                    : " (found " + SkippedEntry.describe(inside) + ")")
                            + (hasFolders
                                    ? "; if its sub-folders are the classes, set dataset.root="
                                            + folder
                                    : ""));
        }
        return problems;
    }

    /**
     * Lists a folder and moves the entries that the ignore rule matches to {@code skipped}.
     *
     * @return the other entries
     */
    private static List<Path> list(Path folder, List<SkippedEntry> skipped) throws IOException {
        List<Path> kept = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                boolean isFolder = Files.isDirectory(entry);
                if (SkippedEntry.isSystemName(entry.getFileName().toString(), isFolder)) {
                    skipped.add(
                            new SkippedEntry(
                                    entry,
                                    isFolder
                                            ? SkippedEntry.Kind.SYSTEM_FOLDER
                                            : SkippedEntry.Kind.SYSTEM_FILE));
                } else {
                    kept.add(entry);
                }
            }
        }
        return kept;
    }
}
