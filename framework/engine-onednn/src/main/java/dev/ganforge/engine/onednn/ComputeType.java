package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;

/**
 * The data type a weighted primitive (convolution, transposed convolution, inner product) reads its
 * input, weights and output gradient in. Its outputs (activations, input gradients, weight and bias
 * gradients) are float32 in both cases, and every other op (BatchNorm, activations) computes in
 * float32, so bfloat16 only enters through the reorders that round a primitive's operands: see
 * https://oneapi-src.github.io/oneDNN/v2.5/dev_guide_data_types.html and the bf16 rows of the
 * convolution and inner product guides.
 */
enum ComputeType {
    /** Operands in float32. */
    FLOAT32(dnnl_f32),
    /**
     * Operands rounded to bfloat16 (round to nearest even), products accumulated in float32 by the
     * AVX512_BF16 dot-product instructions or AMX tiles.
     */
    BFLOAT16(dnnl_bf16);

    /** The {@code dnnl_data_type_t} of the operands. */
    final int dataType;

    ComputeType(int dataType) {
        this.dataType = dataType;
    }
}
