package dev.ganforge.core.spec;

/** Which implementation runs the training step ({@code training.engine}). */
public enum TrainingEngine {
    /** oneDNN when the ND4J backend is the CPU and every layer is supported, else DL4J. */
    AUTO,
    /** ganforge's own step on oneDNN primitives; an error if the networks cannot use it. */
    ONEDNN,
    /**
     * DL4J's layers and backprop (any network, any backend); the reference the oneDNN step is
     * tested against.
     */
    DL4J
}
