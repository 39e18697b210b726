package dev.ganforge.core.spec;

import java.util.Locale;

/**
 * The arithmetic of the training step's convolutions, transposed convolutions and dense layers
 * ({@code training.precision}). Master weights, optimizer state, BatchNorm statistics, activations
 * between layers, losses and the generator average stay float32 in every mode (mixed precision as
 * in Micikevicius et al. 2018, https://arxiv.org/abs/1710.03740, with bfloat16 instead of float16,
 * so no loss scaling: Kalamkar et al. 2019, https://arxiv.org/abs/1905.12322).
 */
public enum Precision {
    /** Float32 everywhere (8-bit exponent, 24-bit significand). */
    FP32,
    /**
     * The layers' inputs, weights and output gradients are rounded to bfloat16 (8-bit exponent,
     * 8-bit significand, unit roundoff 2^-8) and multiplied with float32 accumulation; their
     * outputs and weight gradients are float32. Needs the oneDNN engine and a CPU with native
     * bfloat16 instructions (AVX512_BF16 or AMX); refused elsewhere.
     */
    BF16,
    /**
     * BF16 where the CPU has native bfloat16 instructions and the oneDNN engine runs; else FP32.
     */
    AUTO;

    /**
     * @return how run-info.json and a checkpoint's state.properties record this precision: {@code
     *     "fp32"} or {@code "bf16"}
     * @throws IllegalStateException for {@link #AUTO}, which a run resolves before recording
     */
    public String recordName() {
        if (this == AUTO) {
            throw new IllegalStateException(
                    "auto is resolved to fp32 or bf16 before it is recorded");
        }
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param recorded a precision as run-info.json or state.properties recorded it, or null
     * @return {@link #FP32} or {@link #BF16}; null for null or any other text
     */
    public static Precision ofRecord(String recorded) {
        if (FP32.recordName().equals(recorded)) {
            return FP32;
        }
        return BF16.recordName().equals(recorded) ? BF16 : null;
    }
}
