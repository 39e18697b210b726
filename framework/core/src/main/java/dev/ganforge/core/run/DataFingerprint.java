package dev.ganforge.core.run;

import dev.ganforge.spi.LabeledImages;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The identity of a data set as trained on: a SHA-256 of the <em>decoded</em> data (image shape,
 * class names, labels in order, the image values and their data type), so the same images decoded
 * from other files (re-encoded, moved, renamed) have the same fingerprint and any change of a
 * pixel, label or class name gives another. Used as the MLflow dataset digest and in the classifier
 * cache key.
 */
public final class DataFingerprint {

    private DataFingerprint() {}

    /**
     * @param data decoded images {@code [N, C, H, W]}, labels and class names
     * @return the first 16 hex digits (64 bits) of the SHA-256; the last data set's hash is
     *     remembered (by identity), so the run start and the classifier cache hash it once
     */
    public static String of(LabeledImages data) {
        synchronized (DataFingerprint.class) {
            if (last != null && last.get() == data) {
                return lastDigest; // the run start and the classifier cache ask for the same data
            }
        }
        String digest = compute(data);
        synchronized (DataFingerprint.class) {
            last = new WeakReference<>(data);
            lastDigest = digest;
        }
        return digest;
    }

    /** The data set hashed last (by identity; loaded data is not changed in place) and its hash. */
    private static WeakReference<LabeledImages> last;

    private static String lastDigest;

    private static String compute(LabeledImages data) {
        MessageDigest digest = sha256();
        INDArray images = data.images();
        if (images.isView() || images.ordering() != 'c') {
            images = images.dup('c');
        }
        digest.update(data.shape().toString().getBytes(StandardCharsets.UTF_8));
        digest.update(String.join("\n", data.classNames()).getBytes(StandardCharsets.UTF_8));
        ByteBuffer labels = ByteBuffer.allocate(4 * data.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int label : data.labels()) {
            labels.putInt(label);
        }
        digest.update(labels.flip());
        digest.update(images.dataType().toString().getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = images.data().asNio();
        bytes.limit((int) Math.min(bytes.capacity(), images.length() * images.dataType().width()));
        digest.update(bytes);
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /**
     * @return a SHA-256 digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
