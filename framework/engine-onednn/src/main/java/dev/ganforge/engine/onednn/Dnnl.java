package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small part of the oneDNN C API (https://oneapi-src.github.io/oneDNN/, v2.5 through the
 * JavaCPP preset {@code org.bytedeco:dnnl}) that {@link OneDnnNetwork} uses: one CPU engine and
 * stream per process, memory descriptors, tensors whose buffers are ND4J arrays, primitives with
 * their argument lists built once, and reorders between layouts (and between float32 and bfloat16,
 * for {@link ComputeType#BFLOAT16}). Buffers are float32 ND4J arrays; a bfloat16 tensor occupies
 * the bytes of one (two values per float).
 */
final class Dnnl {

    /** The CPU engine every primitive of this process runs on. */
    static final dnnl_engine ENGINE = new dnnl_engine();

    /** The in-order stream every primitive executes on; CPU execution is synchronous. */
    static final dnnl_stream STREAM = new dnnl_stream();

    static {
        OneDnnIsa.allowAmx();
        check(dnnl_engine_create(ENGINE, dnnl_cpu, 0), "creating the CPU engine");
        check(dnnl_stream_create(STREAM, ENGINE, dnnl_stream_default_flags), "creating the stream");
    }

    private Dnnl() {}

    /**
     * @param status a oneDNN status code
     * @param what what was being done, for the message
     * @throws OneDnnException if the status is not {@code dnnl_success}
     */
    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new OneDnnException("oneDNN failed " + what + " (status " + status + ")");
        }
    }

    /**
     * @param dims tensor dimensions in oneDNN's logical order (NCHW for activations, OIHW for
     *     weights)
     * @param tag a {@code dnnl_format_tag_t}: a plain layout or {@code dnnl_format_tag_any}
     * @return a new float32 memory descriptor
     */
    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        return desc(dims, tag, dnnl_f32);
    }

    /**
     * @param dims tensor dimensions in oneDNN's logical order
     * @param tag a {@code dnnl_format_tag_t}: a plain layout or {@code dnnl_format_tag_any}
     * @param dataType a {@code dnnl_data_type_t} ({@code dnnl_f32} or {@code dnnl_bf16})
     * @return a new memory descriptor
     */
    static dnnl_memory_desc_t desc(long[] dims, int tag, int dataType) {
        dnnl_memory_desc_t desc = new dnnl_memory_desc_t();
        check(
                dnnl_memory_desc_init_by_tag(desc, dims.length, dims, dataType, tag),
                "describing a tensor");
        return desc;
    }

    /**
     * @return a copy that outlives the primitive descriptor the argument was queried from
     */
    static dnnl_memory_desc_t copy(dnnl_memory_desc_t desc) {
        dnnl_memory_desc_t copy = new dnnl_memory_desc_t();
        Pointer.memcpy(copy, desc, copy.sizeof());
        return copy;
    }

    /**
     * @return whether two descriptors describe the same layout
     */
    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

    /**
     * Creates a primitive descriptor, the implementation oneDNN picks for an operation.
     *
     * @param opDesc an initialised operation descriptor (convolution, batch normalisation, ...)
     * @param hint the forward primitive descriptor for a backward one, else null
     * @param what names the operation in the error message
     * @return the primitive descriptor
     * @throws OneDnnException if oneDNN has no implementation for it
     */
    static dnnl_primitive_desc primitiveDesc(
            Pointer opDesc, dnnl_primitive_desc hint, String what) {
        return primitiveDesc(opDesc, hint, null, what);
    }

    /**
     * Creates a primitive descriptor with attributes.
     *
     * @param opDesc an initialised operation descriptor
     * @param hint the forward primitive descriptor for a backward one, else null
     * @param attr primitive attributes (post-ops), or null for none
     * @param what names the operation in the error message
     * @return the primitive descriptor
     * @throws OneDnnException if oneDNN has no implementation for it
     */
    static dnnl_primitive_desc primitiveDesc(
            Pointer opDesc, dnnl_primitive_desc hint, dnnl_primitive_attr attr, String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(
                dnnl_primitive_desc_create(
                        pd, new const_dnnl_op_desc_t(opDesc), attr, ENGINE, hint),
                what);
        Handles.register(() -> dnnl_primitive_desc_destroy(pd));
        return pd;
    }

    /**
     * @param pd a primitive descriptor
     * @return the name of the implementation oneDNN chose, e.g. {@code jit:uni} or {@code ref:any}
     */
    static String implementation(dnnl_primitive_desc pd) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            check(
                    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name),
                    "asking for an implementation's name");
            return name.get(BytePointer.class, 0).getString();
        }
    }

    /**
     * @param desc a memory descriptor
     * @return the size of its channel (axis 1) block: 16 for {@code aBcd16b}, 1 for a plain layout
     *     or any other blocking
     */
    static long channelBlock(dnnl_memory_desc_t desc) {
        if (desc.format_kind() != dnnl_blocked) {
            return 1;
        }
        var blocking = desc.format_desc_blocking();
        return blocking.inner_nblks() == 1 && blocking.inner_idxs().get(0) == 1
                ? blocking.inner_blks().get(0)
                : 1;
    }

    /**
     * @return attributes with one post-op, a sum with scale 1: the primitive adds its result to
     *     what its destination holds
     *     (https://oneapi-src.github.io/oneDNN/dev_guide_attributes_post_ops.html)
     */
    static dnnl_primitive_attr sumPostOp() {
        dnnl_post_ops postOps = new dnnl_post_ops();
        check(dnnl_post_ops_create(postOps), "creating post-ops");
        Handles.register(() -> dnnl_post_ops_destroy(postOps));
        check(dnnl_post_ops_append_sum(postOps, 1f), "adding a sum post-op");
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "creating primitive attributes");
        Handles.register(() -> dnnl_primitive_attr_destroy(attr));
        check(dnnl_primitive_attr_set_post_ops(attr, postOps), "setting post-ops");
        return attr;
    }

    /**
     * @param desc a descriptor
     * @param permutation axis i of {@code desc} becomes axis {@code permutation[i]}
     * @return a descriptor of the same buffer with its axes reordered (strides permuted)
     */
    static dnnl_memory_desc_t permuted(dnnl_memory_desc_t desc, int[] permutation) {
        dnnl_memory_desc_t permuted = new dnnl_memory_desc_t();
        check(
                dnnl_memory_desc_permute_axes(permuted, desc, permutation),
                "permuting a tensor's axes");
        return permuted;
    }

    /**
     * @param parent a plain descriptor
     * @param dims the sub-tensor's dimensions
     * @param offsets where it starts in {@code parent}, per dimension
     * @return a descriptor of that sub-tensor that reads {@code parent}'s buffer (strided)
     */
    static dnnl_memory_desc_t sub(dnnl_memory_desc_t parent, long[] dims, long[] offsets) {
        dnnl_memory_desc_t sub = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_submemory(sub, parent, dims, offsets), "describing a slice");
        return sub;
    }

    /**
     * The oneDNN objects (primitive descriptors, primitives, memory objects) created on one thread
     * between {@link #open} and {@link #endBuilding}, destroyed together by {@link #close}. Buffers
     * are ND4J arrays and are not touched.
     */
    static final class Handles implements AutoCloseable {
        private static final ThreadLocal<Handles> BUILDING = new ThreadLocal<>();
        private final List<Runnable> destroyers = new ArrayList<>();

        private Handles() {}

        /**
         * @return a registry that collects what this thread creates until {@link #endBuilding}
         */
        static Handles open() {
            Handles handles = new Handles();
            BUILDING.set(handles);
            return handles;
        }

        /** Stops collecting on this thread. */
        void endBuilding() {
            if (BUILDING.get() == this) {
                BUILDING.remove();
            }
        }

        static void register(Runnable destroy) {
            Handles handles = BUILDING.get();
            if (handles != null) {
                handles.destroyers.add(destroy);
            }
        }

        /** Destroys everything collected, newest first; a second call does nothing. */
        @Override
        public void close() {
            for (int i = destroyers.size() - 1; i >= 0; i--) {
                destroyers.get(i).run();
            }
            destroyers.clear();
        }
    }

    /**
     * @param pd a primitive descriptor
     * @param what a {@code dnnl_query_*_md} query
     * @return a copy of the memory descriptor the implementation chose for that argument
     */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what) {
        return query(pd, what, 0);
    }

    /**
     * @param pd a primitive descriptor
     * @param what a {@code dnnl_query_*_md} query
     * @param index which of several arguments of that kind (e.g. 1 for a binary primitive's second
     *     source)
     * @return a copy of the memory descriptor the implementation chose for that argument
     */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what, int index) {
        return copy(dnnl_primitive_desc_query_md(pd, what, index));
    }

    /** A oneDNN memory object over a float32 buffer. */
    static final class Tensor {
        final dnnl_memory_desc_t desc;
        final dnnl_memory memory = new dnnl_memory();
        private INDArray buffer;

        private Tensor(dnnl_memory_desc_t desc, INDArray buffer) {
            this.desc = desc;
            this.buffer = buffer;
            check(
                    dnnl_memory_create(memory, desc, ENGINE, pointer(buffer)),
                    "creating a memory object");
            Handles.register(() -> dnnl_memory_destroy(memory));
        }

        /**
         * @return a tensor with its own zeroed buffer, sized for {@code desc} (padding included; a
         *     float32 array also holds bfloat16 data, rounded up to whole floats)
         */
        static Tensor allocate(dnnl_memory_desc_t desc) {
            long floats =
                    Math.max(1, (dnnl_memory_desc_get_size(desc) + Float.BYTES - 1) / Float.BYTES);
            return new Tensor(desc, Nd4j.create(DataType.FLOAT, floats));
        }

        /**
         * @return a tensor over an existing contiguous float array (a parameter or gradient view)
         */
        static Tensor wrap(dnnl_memory_desc_t desc, INDArray array) {
            requireFloat(array);
            long bytes = dnnl_memory_desc_get_size(desc);
            if (array.length() * Float.BYTES < bytes) {
                throw new IllegalArgumentException(
                        "array of "
                                + array.length()
                                + " floats is smaller than the "
                                + bytes
                                + "-byte tensor it should hold");
            }
            return new Tensor(desc, array);
        }

        /**
         * @return a second tensor over this one's buffer, read with another descriptor of the same
         *     size
         */
        Tensor reinterpret(dnnl_memory_desc_t other) {
            return new Tensor(other, buffer);
        }

        /** Points this tensor at another contiguous float array of the same size. */
        void bind(INDArray array) {
            requireFloat(array);
            buffer = array;
            check(dnnl_memory_set_data_handle(memory, pointer(array)), "binding a buffer");
        }

        /**
         * @return the buffer as a flat float array view (layout as {@link #desc} says)
         */
        INDArray buffer() {
            return buffer;
        }

        private static void requireFloat(INDArray array) {
            if (array.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException(
                        "oneDNN path needs FLOAT arrays, got " + array.dataType());
            }
            if (array.length() > 1 && array.elementWiseStride() != 1) {
                throw new IllegalArgumentException(
                        "oneDNN path needs contiguous arrays (the descriptor gives the layout)");
            }
        }

        private static Pointer pointer(INDArray array) {
            // addressPointer() already points at a view's first element.
            return array.data().addressPointer();
        }
    }

    /** A primitive with its argument list, built once and executed many times. */
    static final class Exec {
        private final dnnl_primitive primitive = new dnnl_primitive();
        private final dnnl_exec_arg_t args;
        private final int count;
        private final String what;

        /** Keeps every argument's memory object (and its buffer) alive as long as the primitive. */
        private final Tensor[] tensors;

        /**
         * @param pd the primitive descriptor
         * @param what names the operation in error messages
         * @param argsAndTensors pairs of {@code DNNL_ARG_*} (Integer) and {@link Tensor}
         */
        Exec(dnnl_primitive_desc pd, String what, Object... argsAndTensors) {
            this.what = what;
            check(dnnl_primitive_create(primitive, pd), "creating " + what);
            Handles.register(() -> dnnl_primitive_destroy(primitive));
            count = argsAndTensors.length / 2;
            args = new dnnl_exec_arg_t(count);
            tensors = new Tensor[count];
            for (int i = 0; i < count; i++) {
                tensors[i] = (Tensor) argsAndTensors[2 * i + 1];
                args.position(i).arg((Integer) argsAndTensors[2 * i]).memory(tensors[i].memory);
            }
            args.position(0);
        }

        void run() {
            check(dnnl_primitive_execute(primitive, STREAM, count, args), "running " + what);
        }
    }

    /**
     * @param from source tensor
     * @param to destination tensor, same dimensions, any layout
     * @return a reorder copying {@code from} into {@code to}
     */
    static Exec reorder(Tensor from, Tensor to) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(
                dnnl_reorder_primitive_desc_create(pd, from.desc, ENGINE, to.desc, ENGINE, null),
                "creating a reorder");
        Handles.register(() -> dnnl_primitive_desc_destroy(pd));
        return new Exec(pd, "reorder", DNNL_ARG_FROM, from, DNNL_ARG_TO, to);
    }

    /**
     * A tensor as an operation wants to see it: the tensor itself when the layouts agree, else a
     * copy in the wanted layout that {@link #refresh()} fills.
     */
    static final class Adapted {
        final Tensor tensor;
        private final Exec reorder;

        private Adapted(Tensor tensor, Exec reorder) {
            this.tensor = tensor;
            this.reorder = reorder;
        }

        /**
         * @return {@code source} read in layout {@code wanted} (copying only if they differ)
         */
        static Adapted of(Tensor source, dnnl_memory_desc_t wanted) {
            if (same(source.desc, wanted)) {
                return new Adapted(source, null);
            }
            Tensor copy = Tensor.allocate(wanted);
            return new Adapted(copy, reorder(source, copy));
        }

        /**
         * @return an output in layout {@code produced} that {@link #refresh()} copies into {@code
         *     target}
         */
        static Adapted into(Tensor target, dnnl_memory_desc_t produced) {
            if (same(target.desc, produced)) {
                return new Adapted(target, null);
            }
            Tensor scratch = Tensor.allocate(produced);
            return new Adapted(scratch, reorder(scratch, target));
        }

        /**
         * @param filled a tensor some other copy already fills before this one is read
         * @return {@code filled}, with nothing to copy
         */
        static Adapted filled(Tensor filled) {
            return new Adapted(filled, null);
        }

        /** Runs the copy, if there is one. */
        void refresh() {
            if (reorder != null) {
                reorder.run();
            }
        }
    }
}
