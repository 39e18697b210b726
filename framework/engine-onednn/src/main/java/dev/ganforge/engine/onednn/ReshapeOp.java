package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.ganforge.engine.onednn.Dnnl.Tensor;

/**
 * DL4J's feed-forward → CNN preprocessor: the same buffer read as {@code [B, C, H, W]}. No
 * primitive runs; the output and the input gradient are second memory objects over the neighbours'
 * buffers, which is why both sides must be plain row-major. {@link OneDnnNetwork} adds it for a
 * {@code FeedForwardToCnnPreProcessor}, not through {@link OpRegistry} (it is no layer).
 */
final class ReshapeOp extends OneDnnOp {

    /**
     * @param src a plain {@code [B, F]} tensor
     * @param dims {@code [B, C, H, W]} with {@code C·H·W = F}
     * @throws IllegalStateException if {@code src} is not plain {@code [B, F]}
     */
    ReshapeOp(Tensor src, long[] dims) {
        super(src);
        if (!Dnnl.same(src.desc, Dnnl.desc(dims(src.desc), dnnl_ab))) {
            throw new IllegalStateException("reshape needs a plain [B, F] input");
        }
        dst = src.reinterpret(Dnnl.desc(dims, dnnl_abcd));
    }

    @Override
    void forward() {}

    @Override
    Tensor link(Tensor diffDst) {
        if (!Dnnl.same(diffDst.desc, dst.desc)) {
            throw new IllegalStateException("reshape needs a plain gradient");
        }
        diffSrc = diffDst.reinterpret(src.desc);
        return diffSrc;
    }

    @Override
    void backward(boolean parameters, boolean data) {}
}
