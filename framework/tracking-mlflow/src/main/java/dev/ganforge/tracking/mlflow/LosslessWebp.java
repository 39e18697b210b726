package dev.ganforge.tracking.mlflow;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal encoder of lossless WebP (VP8L), for the thumbnails MLflow's UI expects as {@code
 * …+compressed.webp}; the JDK has no WebP writer. Bitstream: Google, "WebP Lossless Bitstream
 * Specification"
 * (https://developers.google.com/speed/webp/docs/webp_lossless_bitstream_specification), in a RIFF
 * container (https://developers.google.com/speed/webp/docs/riff_container).
 *
 * <p>It trades size for simplicity: the subtract-green transform (so grey images have constant red
 * and blue), no colour cache, no backward references, and per channel either a one-symbol code (a
 * constant channel costs no bits) or a fixed 8-bit code. A grey 256×256 thumbnail takes about 64
 * KB.
 */
final class LosslessWebp {

    private LosslessWebp() {}

    /**
     * @param image any image of at most 16384 × 16384 pixels
     * @return the bytes of a lossless WebP file of it (sRGB, with alpha if the image has any)
     * @throws IllegalArgumentException if the image is larger
     */
    static byte[] encode(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (width > 16384 || height > 16384) {
            throw new IllegalArgumentException("WebP images are at most 16384 px wide and high");
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        int[][] channels =
                new int[4][argb.length]; // green, red - green, blue - green, alpha: the order VP8L
        // reads them
        boolean alpha = false;
        for (int i = 0; i < argb.length; i++) {
            int a = argb[i] >>> 24;
            int r = (argb[i] >> 16) & 0xff;
            int g = (argb[i] >> 8) & 0xff;
            int b = argb[i] & 0xff;
            channels[0][i] = g;
            channels[1][i] = (r - g) & 0xff;
            channels[2][i] = (b - g) & 0xff;
            channels[3][i] = a;
            alpha |= a != 0xff;
        }
        Bits bits = new Bits();
        bits.write(0x2f, 8); // VP8L signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(alpha ? 1 : 0, 1);
        bits.write(0, 3); // version
        bits.write(1, 1); // a transform follows:
        bits.write(2, 2); // SUBTRACT_GREEN_TRANSFORM
        bits.write(0, 1); // no further transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes: one prefix-code group for the whole image
        int[] alphabet = {256 + 24, 256, 256, 256};
        boolean[] constant = new boolean[4];
        for (int c = 0; c < 4; c++) {
            constant[c] = isConstant(channels[c]);
            if (constant[c]) {
                writeSingleSymbolCode(bits, channels[c][0]);
            } else {
                writeFixedEightBitCode(bits, alphabet[c]);
            }
        }
        writeSingleSymbolCode(bits, 0); // distance code: never used
        for (int i = 0; i < argb.length; i++) {
            for (int c = 0; c < 4; c++) {
                if (!constant[c]) {
                    bits.write(
                            Integer.reverse(channels[c][i]) >>> 24, 8); // prefix codes go MSB first
                }
            }
        }
        bits.write(
                0,
                32); // slack: some decoders read whole words ahead even when no pixel bits remain
        return riff(bits.toByteArray());
    }

    private static boolean isConstant(int[] values) {
        for (int value : values) {
            if (value != values[0]) {
                return false;
            }
        }
        return true;
    }

    /** A "simple code length code" with one symbol: reading it consumes no bits. */
    private static void writeSingleSymbolCode(Bits bits, int symbol) {
        bits.write(1, 1); // simple code
        bits.write(0, 1); // one symbol
        if (symbol < 2) {
            bits.write(0, 1); // the symbol in 1 bit
            bits.write(symbol, 1);
        } else {
            bits.write(1, 1); // the symbol in 8 bits
            bits.write(symbol, 8);
        }
    }

    /**
     * A "normal code length code" giving symbols 0..255 length 8 and the others length 0, so symbol
     * s has the canonical code s. The code-length code itself has two symbols of length 1: 0
     * ("length 0") and 8 ("length 8").
     */
    private static void writeFixedEightBitCode(Bits bits, int alphabetSize) {
        bits.write(0, 1); // normal code
        // code-length-code lengths in the order 17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8: twelve of
        // them
        bits.write(12 - 4, 4);
        int[] lengths = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        for (int length : lengths) {
            bits.write(length, 3);
        }
        bits.write(0, 1); // max_symbol = the alphabet size
        for (int symbol = 0; symbol < alphabetSize; symbol++) {
            bits.write(symbol < 256 ? 1 : 0, 1); // code '1' means length 8, '0' length 0
        }
    }

    private static byte[] riff(byte[] vp8l) {
        int padding = vp8l.length % 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(vp8l.length + 21);
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(out, 4 + 8 + vp8l.length + padding);
        out.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(out, vp8l.length);
        out.writeBytes(vp8l);
        if (padding == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write((value >>> (8 * i)) & 0xff);
        }
    }

    /** A bit writer, least significant bit first, as VP8L reads. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long buffer;
        private int count;

        void write(int value, int bitCount) {
            buffer |= ((long) value & ((1L << bitCount) - 1)) << count;
            count += bitCount;
            while (count >= 8) {
                out.write((int) (buffer & 0xff));
                buffer >>>= 8;
                count -= 8;
            }
        }

        byte[] toByteArray() {
            if (count > 0) {
                out.write((int) (buffer & 0xff));
                buffer = 0;
                count = 0;
            }
            return out.toByteArray();
        }
    }
}
