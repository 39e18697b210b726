package dev.ganforge.plugin.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files by hand. */
final class IdxFixtures {

    private IdxFixtures() {}

    /**
     * @return an IDX file: magic, sizes, then data
     */
    static byte[] idx(int magic, int[] sizes, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        buffer.putInt(magic);
        for (int size : sizes) {
            buffer.putInt(size);
        }
        return buffer.put(data).array();
    }

    /**
     * @return an images file of {@code count} images of rows × columns; pixel i of the data is i
     *     mod 256
     */
    static byte[] images(int count, int rows, int columns) {
        byte[] data = new byte[count * rows * columns];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, columns}, data);
    }

    /**
     * @return a labels file
     */
    static byte[] labels(int... labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, data);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }
}
