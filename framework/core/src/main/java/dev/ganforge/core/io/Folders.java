package dev.ganforge.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File helpers shared by the run folder, the checkpoint and classifier stores, trackers and sweeps.
 */
public final class Folders {

    private Folders() {}

    /**
     * Deletes a file or folder with everything in it; nothing happens if it does not exist.
     *
     * @param root the file or folder
     * @throws IOException if an entry cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Writes the content of a file to the path it is given. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param target where to write
         * @throws IOException if it cannot be written
         */
        void writeTo(Path target) throws IOException;
    }

    /**
     * Replaces a file atomically: the content goes to {@code NAME.tmp} beside it, which is then
     * moved over the file in one rename, so a reader (or a crash) sees the old file or the new one,
     * never a torn one. Creates the parent folders. If writing fails (a full disk, say) the
     * temporary file is deleted, so the space it took is free again and no half-written file is
     * left beside the old one.
     *
     * @param file the file to replace
     * @param content writes the new content
     * @throws UncheckedIOException naming the file if it cannot be written; the old file is kept
     */
    public static void writeAtomically(Path file, Content content) {
        writeAtomically(file, file.resolveSibling(file.getFileName() + ".tmp"), content);
    }

    private static final AtomicLong WRITERS = new AtomicLong();

    /**
     * {@link #writeAtomically(Path, Content)} for a file that several processes or threads may
     * write at once (a cache shared by the trials of a sweep): each writer's temporary file has a
     * name of its own ({@code NAME.<pid>-<n>.tmp}), so no writer renames another's half-written
     * one; the last rename wins, and a reader sees one writer's whole file.
     *
     * @param file the file to replace
     * @param content writes the new content
     * @throws UncheckedIOException naming the file if it cannot be written; the old file is kept
     */
    public static void writeAtomicallyShared(Path file, Content content) {
        String writer = ProcessHandle.current().pid() + "-" + WRITERS.incrementAndGet();
        writeAtomically(
                file, file.resolveSibling(file.getFileName() + "." + writer + ".tmp"), content);
    }

    private static void writeAtomically(Path file, Path temporary, Content content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            content.writeTo(temporary);
            Files.move(
                    temporary,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            UncheckedIOException failure =
                    new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
            deleteQuietly(temporary, failure);
            throw failure;
        }
    }

    /**
     * The message of an I/O failure with its root cause, which writers often hide: ImageIO reports
     * a full disk as "I/O error writing PNG file!" with "No space left on device" only in its
     * cause.
     *
     * @param failure an exception
     * @return its message, followed by its innermost cause's message in parentheses when that
     *     differs
     */
    public static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(failure.getMessage());
        return root == failure || root.getMessage() == null || message.contains(root.getMessage())
                ? message
                : message + " (" + root.getMessage() + ")";
    }

    /**
     * Deletes what a failed write left behind (a temporary file or folder); a failure to delete is
     * attached to the write's exception instead of hiding it.
     *
     * @param leftover the temporary file or folder
     * @param failure the exception that made it a leftover
     */
    public static void deleteQuietly(Path leftover, Exception failure) {
        try {
            deleteTree(leftover);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * {@link #writeAtomically(Path, Content)} for UTF-8 text.
     *
     * @param file the file to replace
     * @param text its new content
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public static void writeAtomically(Path file, String text) {
        writeAtomically(file, target -> Files.writeString(target, text, StandardCharsets.UTF_8));
    }

    /**
     * Turns a name that comes from data (a class name, say) into one safe file or folder name:
     * every character other than ASCII letters, digits, '.', '_' and '-' (path separators, NUL,
     * control characters, non-ASCII) becomes '_', and a name that is empty or starts with '.'
     * ({@code .}, {@code ..}, hidden names) gets a leading '_', so the result always stays inside
     * its parent.
     *
     * @param name any text
     * @return a non-empty name of {@code [A-Za-z0-9_-][A-Za-z0-9._-]*}
     */
    public static String safeName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe;
    }
}
