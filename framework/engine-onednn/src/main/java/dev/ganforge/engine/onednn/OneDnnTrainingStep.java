package dev.ganforge.engine.onednn;

import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.train.AdversarialStep;
import dev.ganforge.core.train.DiscriminatorHead.Target;
import dev.ganforge.core.train.Dl4jTrainingStep;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * bf16} the convolutions and dense layers read bfloat16 copies of their operands ({@link
 * ComputeType}); master weights, optimizer state, BatchNorm, losses and the generator average stay
 * float32. {@code auto} trains in fp32 on a CPU without native bfloat16; with it, the constructor
 * compiles both precisions, times a step's passes in each and keeps bf16 only where it is at least
 * {@link #AUTO_MIN_SPEEDUP} times as fast ({@link #precision()} gives the measured ratio), because
 * native bfloat16 instructions alone do not make it faster on every CPU.
 */
public final class OneDnnTrainingStep extends AdversarialStep {

    /**
     * How much faster bf16 must be than fp32 in {@link #probe} for {@code auto} to pick it: fp32 is
     * the more precise of the two, so a difference within timing noise keeps it.
     */
    static final double AUTO_MIN_SPEEDUP = 1.05;

    private final Precision requested;
    private final ComputeType compute;
    private final OneDnnNetwork generatorNet;
    private final OneDnnNetwork discriminatorNet;
    private final String autoChoice;

    /**
     * @param setup float32 networks of supported layers ({@link OneDnnNetwork#unsupported}), the
     *     batch shape and the recipe
     * @throws IllegalArgumentException if a network has a layer the oneDNN path does not support
     * @throws OneDnnException if oneDNN cannot create a primitive
     */
    public OneDnnTrainingStep(StepSetup setup) {
        super(setup, true);
        this.requested = setup.recipe().precision();
        long imageChannels = setup.shape().channels();
        if (requested == Precision.AUTO && OneDnnIsa.nativeBf16()) {
            // Native bfloat16 is not always faster (measured slower than fp32 on an Intel Xeon
            // with AVX512_BF16 and no AMX): time both and keep the faster.
            Compiled fp32 = compile(ComputeType.FLOAT32, imageChannels);
            Compiled bf16;
            try {
                bf16 = compile(ComputeType.BFLOAT16, imageChannels);
            } catch (RuntimeException e) {
                fp32.close();
                throw e;
            }
            double speedup = probe(fp32, bf16);
            boolean useBf16 = speedup >= AUTO_MIN_SPEEDUP;
            Compiled kept = useBf16 ? bf16 : fp32;
            (useBf16 ? fp32 : bf16).close();
            this.compute = useBf16 ? ComputeType.BFLOAT16 : ComputeType.FLOAT32;
            this.generatorNet = kept.generator();
            this.discriminatorNet = kept.discriminator();
            this.autoChoice = String.format(java.util.Locale.ROOT, "auto: bf16 %.2fx", speedup);
        } else {
            this.compute = computeType(requested);
            Compiled compiled = compile(compute, imageChannels);
            this.generatorNet = compiled.generator();
            this.discriminatorNet = compiled.discriminator();
            this.autoChoice = null;
        }
    }

    /** Both networks compiled for one operand type. */
    private record Compiled(OneDnnNetwork generator, OneDnnNetwork discriminator) {
        void close() {
            generator.close();
            discriminator.close();
        }
    }

    private Compiled compile(ComputeType type, long imageChannels) {
        long[] generatorShape = generatorInputShape();
        OneDnnNetwork g = new OneDnnNetwork(generator, generatorShape, generatorShape[1], type);
        try {
            // G needs dLoss/dImage only, not the gradient for the label maps.
            return new Compiled(
                    g,
                    new OneDnnNetwork(
                            discriminator, discriminatorInputShape(), imageChannels, type));
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /**
     * Times the passes of a step (G forward, D forward and backward to its parameters and image, G
     * backward) in both operand types on random inputs: one warm-up pass each, then three
     * alternating timed passes each, best of three. Parameters are read, never updated, and the
     * gradient views the passes write are overwritten by the first training step, so training is
     * unchanged by the probe.
     *
     * @return fp32 time / bf16 time: above 1 where bf16 is faster
     */
    private double probe(Compiled fp32, Compiled bf16) {
        INDArray generatorInput = Nd4j.rand(DataType.FLOAT, generatorInputShape());
        INDArray discriminatorInput = Nd4j.rand(DataType.FLOAT, discriminatorInputShape());
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        Compiled[] both = {fp32, bf16};
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 2; i++) {
                double seconds = passSeconds(both[i], generatorInput, discriminatorInput);
                if (round > 0) {
                    best[i] = Math.min(best[i], seconds);
                }
            }
        }
        return best[0] / best[1];
    }

    private static double passSeconds(
            Compiled compiled, INDArray generatorInput, INDArray discriminatorInput) {
        long start = System.nanoTime();
        compiled.generator().forward(generatorInput);
        compiled.discriminator().forward(discriminatorInput);
        compiled.discriminator().outputGradient().assign(1e-2);
        compiled.discriminator().backward(true, true);
        compiled.generator().outputGradient().assign(compiled.discriminator().inputGradient());
        compiled.generator().backward(true, false);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Resolves {@code training.precision} on this CPU.
     *
     * @param precision fp32, bf16 or auto
     * @return bfloat16 operands for bf16, and for auto where the CPU has native bfloat16
     *     instructions (a candidate: the constructor then times both and may keep float32); float32
     *     otherwise
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
        return precisionText(requested, compute, autoChoice);
    }

    /**
     * @param requested the spec's {@code training.precision}
     * @param compute what it resolved to
     * @return {@code "fp32"}, {@code "bf16 (avx512_core_bf16)"}, {@code "bf16 (avx512_core_amx)"};
     *     when {@code auto} found no native bfloat16, {@code "fp32 (auto: no native bf16 on avx2)"}
     */
    static String precisionText(Precision requested, ComputeType compute) {
        return precisionText(requested, compute, null);
    }

    /**
     * @param requested the spec's {@code training.precision}
     * @param compute what it resolved to
     * @param autoChoice for {@code auto} on a CPU with native bfloat16, what the speed probe
     *     measured ({@code "auto: bf16 1.31x"}: fp32 time / bf16 time), else null
     * @return as {@link #precisionText(Precision, ComputeType)}, with the probe's figure: {@code
     *     "bf16 (avx512_core_bf16, auto: bf16 1.31x)"} or {@code "fp32 (auto: bf16 0.74x on
     *     avx512_core_bf16)"}
     */
    static String precisionText(Precision requested, ComputeType compute, String autoChoice) {
        if (autoChoice != null) {
            return compute == ComputeType.BFLOAT16
                    ? "bf16 (" + OneDnnIsa.effectiveName() + ", " + autoChoice + ")"
                    : "fp32 (" + autoChoice + " on " + OneDnnIsa.effectiveName() + ")";
        }
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
