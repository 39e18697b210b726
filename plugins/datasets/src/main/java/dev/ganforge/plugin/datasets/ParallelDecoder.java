package dev.ganforge.plugin.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Decodes, converts and resizes image files in parallel into one caller-owned array. */
final class ParallelDecoder {

    private ParallelDecoder() {}

    /**
     * Decodes file i into {@code data[i·size, (i+1)·size)}, size = C·H·W of the spec, on a pool of
     * min(4, cores) threads; the result does not depend on the scheduling.
     *
     * @param files the image files, in output order
     * @param spec channels, size and resize rule of the output
     * @param data receives the images {@code [N, C, H, W]} in [-1, 1]; slots of unreadable files
     *     are left as they are
     * @return per file, null when decoded, else why it could not be
     * @throws InterruptedIOException if the calling thread is interrupted while waiting
     */
    static String[] decodeAll(List<Path> files, ImageFolderSpec spec, float[] data)
            throws IOException {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        threads,
                        task -> {
                            Thread thread = new Thread(task, "image-folder-decoder");
                            thread.setDaemon(true);
                            return thread;
                        });
        try {
            List<Future<String>> results = new ArrayList<>();
            int size = (int) spec.imageShape().size();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                int offset = i * size;
                results.add(pool.submit(() -> decode(file, spec, data, offset)));
            }
            String[] failures = new String[files.size()];
            for (int i = 0; i < failures.length; i++) {
                failures[i] = results.get(i).get();
            }
            return failures;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decoding " + spec.root());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "decoding failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * @return null when the file was decoded into {@code data}, else why it could not be
     */
    private static String decode(Path file, ImageFolderSpec spec, float[] data, int offset) {
        try {
            BufferedImage image = ImageFiles.read(file);
            float[] planes = PixelPlanes.of(image, spec.channels());
            Resampler.resize(
                    planes,
                    spec.channels(),
                    image.getWidth(),
                    image.getHeight(),
                    spec.resize(),
                    spec.width(),
                    spec.height(),
                    data,
                    offset);
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }
}
