package dev.ganforge.cli.sweep;

import dev.ganforge.spi.SpecField;

/**
 * The {@code sweep.scheduler} block: how trials are stopped early or evolved.
 *
 * @param type {@code asha}: asynchronous successive halving ({@link AshaScheduler}); {@code pbt}:
 *     population-based training ({@link PbtScheduler})
 * @param minSteps ASHA: steps of the first rung r_0; later rungs are r_0 · η^k, the last is the
 *     trials' {@code training.steps}
 * @param reductionFactor ASHA: η, the top 1/η of each rung continues to the next, η times longer
 * @param interval PBT: steps between two exploit/explore decisions of a trial
 * @param quantile PBT: the bottom fraction of the population copies a trial of the top fraction
 * @param perturbation PBT: a copied numeric value is multiplied by 1 − p or 1 + p
 */
public record SchedulerSpec(
        @SpecField(
                        doc =
                                "asha (asynchronous successive halving, Li et al. 2018) or pbt"
                                        + " (population-based training, Jaderberg et al. 2017)")
                Type type,
        @SpecField(doc = "asha: steps of the first rung", optional = true, min = 1)
                Integer minSteps,
        @SpecField(
                        doc = "asha: η, the top 1/η of a rung continues, to a rung η times longer",
                        defaultValue = "3",
                        min = 2,
                        max = 64)
                int reductionFactor,
        @SpecField(doc = "pbt: steps between exploit/explore decisions", optional = true, min = 1)
                Integer interval,
        @SpecField(
                        doc = "pbt: bottom fraction that copies a trial of the top fraction",
                        defaultValue = "0.25",
                        min = 0.01,
                        max = 0.5)
                double quantile,
        @SpecField(
                        doc = "pbt: a copied value is multiplied by 1 - p or 1 + p",
                        defaultValue = "0.2",
                        min = 0.01,
                        max = 0.9)
                double perturbation) {

    /** The schedulers. */
    public enum Type {
        /** Asynchronous successive halving. */
        ASHA,
        /** Population-based training. */
        PBT
    }

    /**
     * An ASHA block.
     *
     * @param minSteps the first rung
     * @param reductionFactor η
     * @return the block
     */
    public static SchedulerSpec asha(int minSteps, int reductionFactor) {
        return new SchedulerSpec(Type.ASHA, minSteps, reductionFactor, null, 0.25, 0.2);
    }

    /**
     * @return a readable form, e.g. {@code asha: rungs from step 100, η = 3}
     */
    public String describe() {
        return type == Type.ASHA
                ? "asha: rungs from step " + minSteps + ", η = " + reductionFactor
                : "pbt: every "
                        + interval
                        + " steps the bottom "
                        + Math.round(quantile * 100)
                        + " % copy the top "
                        + Math.round(quantile * 100)
                        + " %, values × (1 ± "
                        + perturbation
                        + ")";
    }
}
