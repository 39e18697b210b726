package dev.ganforge.engine.onednn;

import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.train.AdversarialStep;
import dev.ganforge.core.train.DiscriminatorHead.Target;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@link TrainingStep} on oneDNN primitives (https://github.com/oneapi-src/oneDNN): both
 * networks are compiled once into {@link OneDnnNetwork}s that read the DL4J networks' parameters in
 * place and write their gradient views, so the step is {@link Dl4jTrainingStep}'s ({@link
 * AdversarialStep} orders the passes for both), and DL4J's updaters apply the updates. What makes
 * it faster: activations stay in oneDNN's blocked layouts between layers, each primitive is created
 * once, the real-batch pass of D skips the gradient with respect to its input, and the generator
 * pass through D skips D's parameter gradients.
 *
 * <p>Loss gradients are written straight into D's output gradient by the step's {@link
 * dev.ganforge.core.train.DiscriminatorHead}. CPU backend only. With {@code training.precision:
 * bf16} (or {@code auto} on a CPU with native bfloat16) the convolutions and dense layers read
 * bfloat16 copies of their operands ({@link ComputeType}); master weights, optimizer state,
 * BatchNorm, losses and the generator average stay float32.
 */
public final class OneDnnTrainingStep extends AdversarialStep {

    private final Precision requested;
    private final ComputeType compute;
    private final OneDnnNetwork generatorNet;
    private final OneDnnNetwork discriminatorNet;

    /**
     * @param setup float32 networks of supported layers ({@link OneDnnNetwork#unsupported}), the
     *     batch shape and the recipe
     * @throws IllegalArgumentException if a network has a layer the oneDNN path does not support
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnTrainingStep(StepSetup setup) {
        super(setup);
        this.requested = setup.recipe().precision();
        this.compute = computeType(requested);
        long[] generatorShape = generatorInputShape();
        this.generatorNet =
                new OneDnnNetwork(generator, generatorShape, generatorShape[1], compute);
        // G needs dLoss/dImage only, not the gradient for the label maps.
        this.discriminatorNet =
                new OneDnnNetwork(
                        discriminator,
                        discriminatorInputShape(),
                        setup.shape().channels(),
                        compute);
    }

    /**
     * Resolves {@code training.precision} on this CPU.
     *
     * @param precision fp32, bf16 or auto
     * @return bfloat16 operands for bf16, and for auto where the CPU has native bfloat16
     *     instructions; float32 otherwise
     * @throws IllegalArgumentException for bf16 on a CPU without native bfloat16 ({@link
     *     #bf16Problem()})
     */
    static ComputeType computeType(Precision precision) {
        return switch (precision) {
            case FP32 -> ComputeType.FLOAT32;
            case AUTO -> OneDnnIsa.nativeBf16() ? ComputeType.BFLOAT16 : ComputeType.FLOAT32;
            case BF16 -> {
                if (!OneDnnIsa.nativeBf16()) {
                    throw new IllegalArgumentException("training.precision: " + bf16Problem());
                }
                yield ComputeType.BFLOAT16;
            }
        };
    }

    /**
     * @return why bf16 cannot run here, naming the instruction set oneDNN dispatches to
     */
    static String bf16Problem() {
        return "bf16 needs a CPU with native bfloat16 instructions (oneDNN's avx512_core_bf16 or"
                + " avx512_core_amx); oneDNN runs on "
                + OneDnnIsa.effectiveName()
                + " here"
                + OneDnnIsa.capSetting()
                        .map(cap -> " (capped by ONEDNN_MAX_CPU_ISA=" + cap + ")")
                        .orElse("")
                + "; use fp32 or auto";
    }

    @Override
    public String engine() {
        return "onednn";
    }

    @Override
    public String instructionSet() {
        return OneDnnIsa.effectiveName();
    }

    @Override
    public String precision() {
        return precisionText(requested, compute);
    }

    /**
     * @param requested the spec's {@code training.precision}
     * @param compute what it resolved to
     * @return {@code "fp32"}, {@code "bf16 (avx512_core_bf16)"}, {@code "bf16 (avx512_core_amx)"};
     *     when {@code auto} found no native bfloat16, {@code "fp32 (auto: no native bf16 on avx2)"}
     */
    static String precisionText(Precision requested, ComputeType compute) {
        if (compute == ComputeType.BFLOAT16) {
            return "bf16 (" + OneDnnIsa.effectiveName() + ")";
        }
        return requested == Precision.AUTO
                ? "fp32 (auto: no native bf16 on " + OneDnnIsa.effectiveName() + ")"
                : "fp32";
    }

    /** Destroys both compiled networks' oneDNN objects; the DL4J networks are untouched. */
    @Override
    public void close() {
        generatorNet.close();
        discriminatorNet.close();
    }

    @Override
    protected void parametersChanged(boolean generatorChanged, boolean discriminatorChanged) {
        if (generatorChanged) {
            generatorNet.parametersChanged();
        }
        if (discriminatorChanged) {
            discriminatorNet.parametersChanged();
        }
    }

    @Override
    protected INDArray generatorForward(INDArray input) {
        return generatorNet.forward(input);
    }

    @Override
    protected double discriminatorPass(
            INDArray input,
            int[] labels,
            Target target,
            float[] logits,
            boolean parameters,
            boolean toInput) {
        INDArray output = discriminatorNet.forward(input);
        double loss = head.apply(output, labels, target, logits, discriminatorNet.outputGradient());
        discriminatorNet.backward(parameters, toInput);
        return loss;
    }

    @Override
    protected INDArray discriminatorImageGradient() {
        return discriminatorNet.inputGradient();
    }

    @Override
    protected Gradient generatorBackward(INDArray imageGradient) {
        generatorNet.outputGradient().assign(imageGradient);
        generatorNet.backward(true, false);
        return generatorNet.gradient();
    }

    @Override
    protected Gradient discriminatorGradient() {
        return discriminatorNet.gradient();
    }
}
