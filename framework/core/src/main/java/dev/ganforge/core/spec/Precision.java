package dev.ganforge.core.spec;

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
    AUTO
}
