package dev.ganforge.export.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One protocol-buffers message written field by field in the wire format
 * (https://protobuf.dev/programming-guides/encoding/), through protobuf-java's {@link
 * CodedOutputStream}. ONNX files are {@code onnx.ModelProto} messages; {@link OnnxGraph} names the
 * field numbers of {@code onnx.proto} (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) it
 * writes. Fields are written in the order of the calls; readers accept any order.
 */
final class ProtoMessage {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    /**
     * @param field field number
     * @param value UTF-8 text (length-delimited)
     * @return this message
     */
    ProtoMessage string(int field, String value) {
        return write(() -> out.writeString(field, value));
    }

    /**
     * @param field field number
     * @param value a varint {@code int64} (also used for {@code int32} and enum fields)
     * @return this message
     */
    ProtoMessage int64(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    /**
     * @param field field number
     * @param value a 32-bit {@code float}
     * @return this message
     */
    ProtoMessage float32(int field, float value) {
        return write(() -> out.writeFloat(field, value));
    }

    /**
     * @param field field number
     * @param value raw bytes (length-delimited)
     * @return this message
     */
    ProtoMessage bytes(int field, byte[] value) {
        return write(() -> out.writeBytes(field, ByteString.copyFrom(value)));
    }

    /**
     * @param field field number of a repeated {@code int64}
     * @param values written as one element each (the unpacked form, which every reader accepts)
     * @return this message
     */
    ProtoMessage int64s(int field, long... values) {
        for (long value : values) {
            int64(field, value);
        }
        return this;
    }

    /**
     * @param field field number
     * @param message an embedded message (length-delimited)
     * @return this message
     */
    ProtoMessage message(int field, ProtoMessage message) {
        byte[] encoded = message.toByteArray();
        return write(() -> out.writeByteArray(field, encoded));
    }

    /**
     * @return the encoded message
     */
    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private ProtoMessage write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // a ByteArrayOutputStream does not fail; kept for the checked signature
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
