package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.io.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An exclusive lock on {@code mlflow.lock} in a run folder, held during one {@link
 * MlflowSync#sync()}, across processes (an OS file lock) and within one JVM; plus the content hash
 * used to tell changed artifacts.
 */
final class SyncLock implements AutoCloseable {

    private final ExclusiveFileLock lock;

    private SyncLock(ExclusiveFileLock lock) {
        this.lock = lock;
    }

    /**
     * @param folder a run folder
     * @return the held lock
     * @throws TrackingException (retryable) if another sync holds it
     * @throws UncheckedIOException if the lock file cannot be opened
     */
    static SyncLock acquire(Path folder) {
        return new SyncLock(
                ExclusiveFileLock.tryAcquire(folder.resolve("mlflow.lock"))
                        .orElseThrow(
                                () ->
                                        new TrackingException(
                                                "another sync of "
                                                        + folder
                                                        + " is under way (a training run mirroring"
                                                        + " it live, or another 'ganforge sync');"
                                                        + " try again when it ends",
                                                true,
                                                0,
                                                null)));
    }

    @Override
    public void close() {
        lock.close();
    }

    /**
     * @param file a file
     * @return the SHA-256 of its content, hex
     * @throws UncheckedIOException if it cannot be read
     */
    static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
