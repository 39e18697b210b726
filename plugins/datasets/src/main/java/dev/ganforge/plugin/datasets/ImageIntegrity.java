package dev.ganforge.plugin.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Finds truncated and damaged PNG and JPEG files before they are decoded.
 *
 * <p>Why: ImageIO's JPEG readers decode a file that was cut off (an interrupted copy) without an
 * error and fill the missing part with grey, and the JDK's PNG reader does not need the final IEND
 * chunk and does not check chunk CRCs. So the file's structure is walked first:
 *
 * <ul>
 *   <li>JPEG (ITU-T T.81, Annex B): marker segments are skipped by their length, entropy-coded data
 *       is scanned for the next marker ({@code FF 00} stuffing and {@code RST0..7} belong to the
 *       data, fill bytes {@code FF} are allowed), until the end-of-image marker {@code FF D9}. No
 *       EOI before the data ends means truncated. Bytes after the EOI are allowed, since phones
 *       append trailers (motion-photo videos, maker data) there.
 *   <li>PNG (ISO/IEC 15948, sections 5.3 and 5.4): chunks are walked by their length until IEND; a
 *       chunk that runs past the end, or no IEND, means truncated; a critical chunk (IHDR, PLTE,
 *       IDAT, IEND) whose CRC-32 does not match means damaged, as libpng decides by default.
 * </ul>
 *
 * <p>Trailing zero bytes are not counted as data: a copy that was interrupted after the file had
 * been given its full size ends in zeros, and a complete file never ends in a zero (EOI ends in
 * {@code D9}, the IEND chunk in its fixed CRC {@code AE 42 60 82}). Damage inside JPEG
 * entropy-coded data is not detected here: the decoder's warnings for it ("extraneous bytes before
 * marker") are also given for many harmless files. Other formats are not checked.
 */
final class ImageIntegrity {

    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };

    private ImageIntegrity() {}

    /**
     * @param data the whole file
     * @throws IOException if the data starts like a PNG or JPEG but is truncated or damaged; the
     *     message starts with "truncated" or "damaged", names the format and says where the data
     *     ends or which chunk or segment is wrong
     */
    static void check(byte[] data) throws IOException {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
            end--;
        }
        String padding =
                end == data.length ? "" : " (followed by " + (data.length - end) + " zero bytes)";
        if (startsWith(data, PNG_SIGNATURE)) {
            checkPng(data, end, padding);
        } else if (data.length >= 3
                && (data[0] & 0xff) == 0xff
                && (data[1] & 0xff) == 0xd8
                && (data[2] & 0xff) == 0xff) {
            checkJpeg(data, end, padding);
        }
    }

    private static void checkJpeg(byte[] data, int end, String padding) throws IOException {
        int pos = 2; // after SOI
        while (pos < end) {
            if ((data[pos] & 0xff) != 0xff) {
                pos++; // entropy-coded data, or stray bytes before a marker (which decoders skip
                // too)
                continue;
            }
            int next = pos + 1;
            while (next < end && (data[next] & 0xff) == 0xff) {
                next++; // fill bytes
            }
            if (next >= end) {
                break;
            }
            int marker = data[next] & 0xff;
            if (marker == 0xd9) {
                return;
            }
            boolean standalone =
                    marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8);
            if (standalone) {
                pos = next + 1; // stuffed FF 00 or RSTn inside a scan, TEM, or a stray SOI
                continue;
            }
            if (next + 3 > end) {
                break; // the data ends inside the segment's length field
            }
            int length = ((data[next + 1] & 0xff) << 8) | (data[next + 2] & 0xff);
            if (next + 1 + length > end) {
                throw new IOException(
                        "truncated JPEG: the marker segment FF "
                                + hex(marker)
                                + " at byte "
                                + (next - 1)
                                + " needs "
                                + length
                                + " bytes but the data ends after "
                                + end
                                + padding
                                + "; the file was probably cut off while being copied");
            }
            pos = next + 1 + length;
        }
        throw new IOException(
                "truncated JPEG: the data ends after "
                        + end
                        + " bytes"
                        + padding
                        + " without the end-of-image marker FF D9; the file was probably cut off"
                        + " while being copied");
    }

    private static void checkPng(byte[] data, int end, String padding) throws IOException {
        int pos = PNG_SIGNATURE.length;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos + 8 > end) {
                throw new IOException(
                        "truncated PNG: the data ends after "
                                + end
                                + " bytes"
                                + padding
                                + " before the IEND chunk; the file was probably cut off while"
                                + " being copied");
            }
            long length = readInt(data, pos) & 0xffffffffL;
            String type = new String(data, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > Integer.MAX_VALUE) {
                throw new IOException(
                        "damaged PNG: the chunk at byte "
                                + pos
                                + " claims a length of "
                                + length
                                + " bytes, more than PNG allows (2^31 - 1)");
            }
            if (pos + 12 + length > end) {
                throw new IOException(
                        "truncated PNG: the "
                                + printable(type)
                                + " chunk at byte "
                                + pos
                                + " needs "
                                + (12 + length)
                                + " bytes but the data ends after "
                                + end
                                + padding
                                + (type.equals("IEND") ? "" : ", before the IEND chunk")
                                + "; the file was probably cut off while being copied");
            }
            boolean critical = (data[pos + 4] & 0x20) == 0;
            if (critical) {
                crc.reset();
                crc.update(data, pos + 4, 4 + (int) length);
                if ((int) crc.getValue() != readInt(data, pos + 8 + (int) length)) {
                    throw new IOException(
                            "damaged PNG: the "
                                    + printable(type)
                                    + " chunk at byte "
                                    + pos
                                    + " fails its CRC-32 check");
                }
            }
            if (type.equals("IEND")) {
                return;
            }
            pos += 12 + (int) length;
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readInt(byte[] data, int pos) {
        return ((data[pos] & 0xff) << 24)
                | ((data[pos + 1] & 0xff) << 16)
                | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
    }

    private static String hex(int value) {
        return String.format("%02X", value);
    }

    /**
     * @return the chunk type, or its bytes in hex when they are not ASCII letters (a damaged
     *     header)
     */
    private static String printable(String type) {
        boolean letters =
                type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
        return letters
                ? type
                : "0x" + type.chars().mapToObj(ImageIntegrity::hex).reduce("", String::concat);
    }
}
