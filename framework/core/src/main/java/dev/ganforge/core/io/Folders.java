package dev.ganforge.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;

/** File-tree helpers shared by the checkpoint and classifier stores. */
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
}
