package dev.ganforge.plugin.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's read-only real data sets ({@code shared/data}) from any worktree. */
final class SharedData {

    private SharedData() {}

    /**
     * Walks up from the working directory until a folder has {@code shared/data/att_faces}.
     *
     * @return the att_faces folder
     * @throws IllegalStateException if none is found: tests that need it fail rather than skip
     */
    static Path attFaces() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/att_faces");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "shared/data/att_faces not found in "
                        + start
                        + " or any folder above it; the real-data tests need the project's shared"
                        + " data (see shared/data/README.md)");
    }
}
