package dev.ganforge.export.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one ONNX model (https://onnx.ai/onnx/repo-docs/IR.html): a graph of operator nodes in
 * topological order, float32 and int64 initializers (raw little-endian data), typed inputs and
 * outputs, and the model's metadata. Written as {@code onnx.ModelProto} with IR version {@value
 * #IR_VERSION} and the default-domain opset {@value #OPSET}; field numbers are those of {@code
 * onnx.proto} (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 */
final class OnnxGraph {

    /** IR version 8, the one that goes with opset 17. */
    static final int IR_VERSION = 8;

    /** Default-domain operator set: every operator is used as specified at opset 17. */
    static final int OPSET = 17;

    /** {@code TensorProto.DataType} FLOAT. */
    static final int FLOAT = 1;

    /** {@code TensorProto.DataType} UINT8. */
    static final int UINT8 = 2;

    /** {@code TensorProto.DataType} INT64. */
    static final int INT64 = 7;

    // AttributeProto.AttributeType
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;

    private final String name;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    /**
     * @param name the graph's name
     */
    OnnxGraph(String name) {
        this.name = name;
    }

    /**
     * @param prefix readable start of the name
     * @return a value name not used before in this graph
     */
    String fresh(String prefix) {
        return prefix + "_" + counter++;
    }

    /**
     * Declares a graph input whose first dimension is the symbolic batch size {@code N}.
     *
     * @param name input name
     * @param elementType {@link #FLOAT} or {@link #INT64}
     * @param dims the dimensions after the batch dimension
     */
    void input(String name, int elementType, long... dims) {
        inputs.add(valueInfo(name, elementType, dims));
    }

    /**
     * Declares a graph output whose first dimension is the symbolic batch size {@code N}.
     *
     * @param name output name
     * @param elementType element type
     * @param dims the dimensions after the batch dimension
     */
    void output(String name, int elementType, long... dims) {
        outputs.add(valueInfo(name, elementType, dims));
    }

    /**
     * Adds a float32 constant.
     *
     * @param prefix readable start of its name
     * @param dims its shape
     * @param values row-major values, as many as the shape holds
     * @return its name
     * @throws IllegalArgumentException if the count does not match the shape
     */
    String floats(String prefix, long[] dims, float[] values) {
        requireCount(dims, values.length);
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        return initializer(prefix, FLOAT, dims, data.array());
    }

    /**
     * Adds an int64 constant.
     *
     * @param prefix readable start of its name
     * @param values a 1-D tensor
     * @return its name
     */
    String int64s(String prefix, long... values) {
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            data.putLong(value);
        }
        return initializer(prefix, INT64, new long[] {values.length}, data.array());
    }

    /**
     * Adds a node with one output.
     *
     * @param opType the operator, e.g. {@code ConvTranspose}
     * @param inputs its inputs' names, in the operator's order
     * @param attributes integer, float and integer-list attributes ({@code Long}, {@code Float},
     *     {@code long[]})
     * @return the output's name
     * @throws IllegalArgumentException for an attribute of another type
     */
    String node(String opType, List<String> inputs, Map<String, Object> attributes) {
        String output = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        node(opType, inputs, attributes, output);
        return output;
    }

    /**
     * Adds a node whose output has a given name (a graph output).
     *
     * @param opType the operator
     * @param inputs its inputs' names
     * @param attributes as for {@link #node(String, List, Map)}
     * @param output the output's name
     */
    void node(String opType, List<String> inputs, Map<String, Object> attributes, String output) {
        ProtoMessage node = new ProtoMessage();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, output).string(3, output + "_node").string(4, opType);
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            node.message(5, attribute(attribute.getKey(), attribute.getValue()));
        }
        nodes.add(node);
    }

    /**
     * @param key metadata key, e.g. {@code ganforge.latent_dim}
     * @param value its value
     */
    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /**
     * @param producerVersion ganforge's version
     * @param docString what the model is, shown by model viewers
     * @return the encoded {@code onnx.ModelProto}
     */
    byte[] toModel(String producerVersion, String docString) {
        ProtoMessage graph = new ProtoMessage();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        ProtoMessage model =
                new ProtoMessage()
                        .int64(1, IR_VERSION)
                        .string(2, "ganforge")
                        .string(3, producerVersion)
                        .string(6, docString)
                        .message(7, graph)
                        .message(8, new ProtoMessage().string(1, "").int64(2, OPSET));
        metadata.forEach(
                (key, value) ->
                        model.message(14, new ProtoMessage().string(1, key).string(2, value)));
        return model.toByteArray();
    }

    private String initializer(String prefix, int type, long[] dims, byte[] raw) {
        String tensorName = fresh(prefix);
        initializers.add(
                new ProtoMessage()
                        .int64s(1, dims)
                        .int64(2, type)
                        .string(8, tensorName)
                        .bytes(9, raw));
        return tensorName;
    }

    private static ProtoMessage valueInfo(String name, int elementType, long... dims) {
        ProtoMessage shape = new ProtoMessage().message(1, new ProtoMessage().string(2, "N"));
        for (long dim : dims) {
            shape.message(1, new ProtoMessage().int64(1, dim));
        }
        ProtoMessage tensorType = new ProtoMessage().int64(1, elementType).message(2, shape);
        return new ProtoMessage()
                .string(1, name)
                .message(2, new ProtoMessage().message(1, tensorType));
    }

    private static ProtoMessage attribute(String name, Object value) {
        ProtoMessage attribute = new ProtoMessage().string(1, name);
        if (value instanceof Float f) {
            return attribute.float32(2, f).int64(20, ATTRIBUTE_FLOAT);
        }
        if (value instanceof Long i) {
            return attribute.int64(3, i).int64(20, ATTRIBUTE_INT);
        }
        if (value instanceof long[] ints) {
            return attribute.int64s(8, ints).int64(20, ATTRIBUTE_INTS);
        }
        throw new IllegalArgumentException(
                "attribute " + name + " has an unsupported type " + value.getClass());
    }

    private static void requireCount(long[] dims, int count) {
        long expected = 1;
        for (long dim : dims) {
            expected *= dim;
        }
        if (expected != count) {
            throw new IllegalArgumentException(
                    "a tensor of shape "
                            + java.util.Arrays.toString(dims)
                            + " needs "
                            + expected
                            + " values, got "
                            + count);
        }
    }
}
