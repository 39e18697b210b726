package dev.ganforge.spi.layer;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's BatchNorm layer (with gamma 1 and beta 0 locked, so it computes x̂) followed by the
 * class-conditional scale and shift of {@link ConditionalBatchNormalization}. Backward: dγ =
 * Yᵀ·Σ_hw(ε·x̂), dβ = Yᵀ·Σ_hw ε with Y the one-hot rows {@code [B, K]}, and ε·γ[y] back through
 * DL4J's normalisation.
 */
final class ConditionalBatchNormalizationLayer extends BatchNormalization {

    private static final List<String> STATISTICS =
            List.of(
                    BatchNormalizationParamInitializer.GLOBAL_MEAN,
                    BatchNormalizationParamInitializer.GLOBAL_VAR,
                    BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    /** One-hot rows {@code [B, K]} of the last training forward pass. */
    private INDArray oneHot;

    /** γ[y] {@code [B, C]} of the last training forward pass. */
    private INDArray scale;

    /** x̂ of the last training forward pass. */
    private INDArray normalized;

    ConditionalBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        int classes = ((ConditionalBatchNormalization) conf().getLayer()).getNumClasses();
        INDArray labels = ForwardPassLabels.oneHot(input.size(0), classes);
        INDArray xHat = super.activate(training, workspaceMgr);
        INDArray shift;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray rows = labels.castTo(xHat.dataType()).dup('c');
            INDArray rowScale = rows.mmul(getParam(ConditionalBatchNormalization.GAMMA_TABLE));
            shift = rows.mmul(getParam(ConditionalBatchNormalization.BETA_TABLE));
            if (training) {
                oneHot = rows;
                scale = rowScale;
                normalized = xHat.dup('c');
            }
            INDArray out =
                    workspaceMgr.createUninitialized(
                            ArrayType.ACTIVATIONS, xHat.dataType(), xHat.shape(), 'c');
            return affine(xHat, rowScale, shift, out);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (normalized == null) {
            throw new IllegalStateException(
                    "conditional BatchNorm: backpropagation needs a training forward pass first");
        }
        INDArray dScale;
        INDArray dShift;
        if (epsilon.rank() == 4) {
            dScale = epsilon.mul(normalized).sum(2, 3);
            dShift = epsilon.sum(2, 3);
        } else {
            dScale = epsilon.mul(normalized);
            dShift = epsilon.dup();
        }
        INDArray gammaGradient = gradientViews.get(ConditionalBatchNormalization.GAMMA_TABLE);
        INDArray betaGradient = gradientViews.get(ConditionalBatchNormalization.BETA_TABLE);
        INDArray labelsT = oneHot.transpose();
        gammaGradient.assign(labelsT.mmul(dScale));
        betaGradient.assign(labelsT.mmul(dShift));
        INDArray dNormalized = multiply(epsilon, scale);
        Pair<Gradient, INDArray> inner = super.backpropGradient(dNormalized, workspaceMgr);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConditionalBatchNormalization.GAMMA_TABLE, gammaGradient);
        gradient.setGradientFor(ConditionalBatchNormalization.BETA_TABLE, betaGradient);
        for (String key : STATISTICS) {
            INDArray statistic = inner.getFirst().getGradientFor(key);
            if (statistic != null && gradientViews.containsKey(key)) {
                gradient.setGradientFor(key, statistic);
            }
        }
        return new Pair<>(gradient, inner.getSecond());
    }

    @Override
    public void clear() {
        super.clear();
        oneHot = null;
        scale = null;
        normalized = null;
    }

    /** out = x̂ · scale + shift, scale and shift {@code [B, C]} broadcast over H and W. */
    private static INDArray affine(INDArray xHat, INDArray scale, INDArray shift, INDArray out) {
        if (xHat.rank() == 2) {
            return out.assign(xHat).muli(scale).addi(shift);
        }
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xHat, scale, out, 0, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(out, shift, out, 0, 1));
        return out;
    }

    private static INDArray multiply(INDArray epsilon, INDArray scale) {
        if (epsilon.rank() == 2) {
            return epsilon.mul(scale);
        }
        INDArray out = Nd4j.createUninitialized(epsilon.dataType(), epsilon.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, scale, out, 0, 1));
        return out;
    }
}
