package dev.ganforge.core.train;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning rate that stays at its initial value up to step {@code start}, then falls linearly
 * towards 0, which it would reach at step {@code end} ({@code training.lr_decay_start} and {@code
 * training.steps}): the schedule of WGAN-GP (Gulrajani et al. 2017,
 * https://arxiv.org/abs/1704.00028, its reference code) and SN-GAN (Miyato et al. 2018,
 * https://arxiv.org/abs/1802.05957, section B.2), started late here so most of the run keeps the
 * full rate. It depends on the 0-based step only, so a resumed run continues it exactly; it is
 * saved with the networks' configuration in every checkpoint.
 *
 * <p>At step s ≥ start the value is {@code initialValue · (end - s) / (end - start)}: step {@code
 * start} is the last at the full rate, and the run's last update (step {@code end - 1}) uses {@code
 * initialValue / (end - start)}. Steps at or past {@code end} get 0 (only {@code bench}, which may
 * time steps past {@code training.steps}, reaches them).
 */
public final class LinearDecaySchedule implements ISchedule {

    private final double initialValue;
    private final long start;
    private final long end;

    /**
     * @param initialValue the learning rate before {@code start}, &gt; 0
     * @param start the last 0-based step at the full rate; the decay follows it, ≥ 0
     * @param end the step at which the rate reaches 0 (the run's total steps), &gt; {@code start}
     * @throws IllegalArgumentException if the values are outside these ranges
     */
    public LinearDecaySchedule(
            @JsonProperty("initialValue") double initialValue,
            @JsonProperty("start") long start,
            @JsonProperty("end") long end) {
        if (!(initialValue > 0) || start < 0 || end <= start) {
            throw new IllegalArgumentException(
                    "a linear decay needs initialValue > 0 and 0 <= start < end, got initialValue "
                            + initialValue
                            + ", start "
                            + start
                            + ", end "
                            + end);
        }
        this.initialValue = initialValue;
        this.start = start;
        this.end = end;
    }

    /**
     * @param iteration the 0-based step (DL4J passes the step ganforge gives its updaters)
     * @param epoch unused
     * @return the learning rate for that step's update, in [0, initialValue]
     */
    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < start) {
            return initialValue;
        }
        return initialValue * Math.max(0, end - iteration) / (end - start);
    }

    /**
     * @return this schedule; it has no mutable state
     */
    @Override
    public ISchedule clone() {
        return this;
    }

    /**
     * @return the learning rate before the decay
     */
    public double getInitialValue() {
        return initialValue;
    }

    /**
     * @return the last step at the full rate
     */
    public long getStart() {
        return start;
    }

    /**
     * @return the step at which the rate reaches 0
     */
    public long getEnd() {
        return end;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinearDecaySchedule that
                && Double.compare(initialValue, that.initialValue) == 0
                && start == that.start
                && end == that.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialValue, start, end);
    }

    @Override
    public String toString() {
        return "linear decay from step " + start + " to 0 at step " + end;
    }
}
