package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Tensor;
import org.bytedeco.dnnl.dnnl_memory_desc_t;

/**
 * One step of a compiled {@link OneDnnNetwork}: oneDNN primitives
 * (https://oneapi-src.github.io/oneDNN/) that read {@link #src} and write {@link #dst} forward, and
 * read the gradient with respect to {@link #dst} and write {@link #diffSrc} backward. Ops are
 * chained: an op's {@code src} is the previous op's {@code dst} and its {@code diffSrc} is the
 * previous op's {@code diffDst}, each in whatever layout the primitives chose, so no copy is made
 * between two ops that agree on a layout.
 *
 * <p>An op creates its forward primitive in its constructor and its backward primitives in {@link
 * #link}, which {@link OneDnnNetwork} calls from the last op to the first once every forward layout
 * is known. All buffers are allocated then; {@link #forward} and {@link #backward} only execute
 * primitives. Not thread-safe. {@link OpFactory} says how a DL4J layer becomes an op.
 */
abstract class OneDnnOp {
    /**
     * The input, {@code [B, F]} or NCHW {@code [B, C, H, W]} in some layout; the previous op's
     * {@link #dst}.
     */
    final Tensor src;

    /** The output; set by the subclass constructor, in the layout its forward primitive chose. */
    Tensor dst;

    /** Gradient with respect to {@link #src}, same layout; created by {@link #link}. */
    Tensor diffSrc;

    /**
     * @param src the input tensor, which this op reads and does not own
     */
    OneDnnOp(Tensor src) {
        this.src = src;
    }

    /** Runs the forward primitive(s) in training mode: reads {@link #src}, writes {@link #dst}. */
    abstract void forward();

    /**
     * Creates the backward primitives.
     *
     * @param diffDst gradient with respect to {@link #dst}, same layout
     * @return {@link #diffSrc}
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    abstract Tensor link(Tensor diffDst);

    /**
     * Runs the backward primitive(s) for the last forward pass.
     *
     * @param parameters whether to write the parameter gradients (into the network's gradient view)
     * @param data whether to write {@link #diffSrc}; false for the first op when nobody reads it
     */
    abstract void backward(boolean parameters, boolean data);

    /** The parameters changed since the last pass: copies of them must be made again. */
    void parametersChanged() {}

    /**
     * @param desc a memory descriptor
     * @return its dimensions in oneDNN's logical order (NCHW for activations, OIHW for weights)
     */
    static long[] dims(dnnl_memory_desc_t desc) {
        long[] dims = new long[desc.ndims()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = desc.dims().get(i);
        }
        return dims;
    }

    /**
     * @param rank 1, 2 or 4
     * @return the row-major format tag of that rank ({@code a}, {@code ab}, {@code abcd}): DL4J's
     *     layout
     * @throws IllegalArgumentException for another rank
     */
    static int plainTag(int rank) {
        return switch (rank) {
            case 1 -> dnnl_a;
            case 2 -> dnnl_ab;
            case 4 -> dnnl_abcd;
            default -> throw new IllegalArgumentException("rank " + rank);
        };
    }

    /**
     * @param dims tensor dimensions
     * @return a descriptor with {@code format_tag_any}: the primitive picks the layout it runs
     *     fastest in
     */
    static dnnl_memory_desc_t any(long[] dims) {
        return Dnnl.desc(dims, dnnl_format_tag_any);
    }
}
