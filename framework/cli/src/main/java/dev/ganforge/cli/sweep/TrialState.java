package dev.ganforge.cli.sweep;

import java.util.Map;
import java.util.TreeMap;

/**
 * One trial as recorded in the sweep folder's {@code sweep.json}.
 *
 * @param id the trial's identity: 12 hex digits of a SHA-256 of the values its sweep file,
 *     overrides and swept values give ({@link SweepRunner#identity}); sweeps recorded before
 *     2026-12-04 keep the hash of the whole resolved spec
 * @param values the swept parameters' values (dotted path → YAML text)
 * @param status PENDING, RUNNING, PAUSED (at an ASHA rung, waiting for a promotion), FINISHED,
 *     PRUNED (stopped early by the scheduler), FAILED or KILLED
 * @param attempts how many segments of the trial were started
 * @param metric the sweep metric's last value, or null when unknown
 * @param reason why the last attempt failed or the trial was pruned, or null
 * @param steps the steps the trial has trained (its last finished segment's target), 0 before
 * @param target the step its running (or interrupted) segment trains to, 0 when none
 * @param rungs the sweep metric at each step where a segment of the trial ended (step → value; null
 *     values, where the metric was missing, are left out)
 * @param lineage population-based training: each time the trial took another trial's weights and
 *     perturbed values, in order (empty otherwise)
 */
public record TrialState(
        String id,
        Map<String, String> values,
        String status,
        int attempts,
        Double metric,
        String reason,
        long steps,
        long target,
        Map<Long, Double> rungs,
        java.util.List<Exploit> lineage) {

    /**
     * One exploit/explore step of population-based training.
     *
     * @param step the step at which the weights were copied
     * @param donor the trial whose checkpoint at that step was copied
     * @param values the swept values the trial trains with from then on (the donor's, perturbed)
     */
    public record Exploit(long step, String donor, Map<String, String> values) {

        /** Copies the values, keeping their order. */
        public Exploit {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
    }

    /** Copies the maps (keeping the order of the values); missing maps and lists are empty. */
    public TrialState {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        rungs = rungs == null ? Map.of() : Map.copyOf(rungs);
        lineage = lineage == null ? java.util.List.of() : java.util.List.copyOf(lineage);
    }

    /**
     * A trial after its last segment, before population-based training's changes.
     *
     * @param id the identity
     * @param values the swept values
     * @param status its status
     * @param attempts segments started
     * @param metric the last metric, or null
     * @param reason the failure reason, or null
     * @param steps steps trained
     * @param target the running segment's target, or 0
     * @param rungs metric per segment end
     */
    public TrialState(
            String id,
            Map<String, String> values,
            String status,
            int attempts,
            Double metric,
            String reason,
            long steps,
            long target,
            Map<Long, Double> rungs) {
        this(id, values, status, attempts, metric, reason, steps, target, rungs, null);
    }

    /**
     * @return the values the trial trains with now: those of its last exploit, else its own
     */
    public Map<String, String> currentValues() {
        return lineage.isEmpty() ? values : lineage.get(lineage.size() - 1).values();
    }

    /**
     * A trial without segments yet.
     *
     * @param id the identity
     * @param values the swept values
     * @param status its status
     * @param attempts segments started
     * @param metric the last metric, or null
     * @param reason the failure reason, or null
     */
    public TrialState(
            String id,
            Map<String, String> values,
            String status,
            int attempts,
            Double metric,
            String reason) {
        this(id, values, status, attempts, metric, reason, 0, 0, Map.of(), null);
    }

    /**
     * @return the trial's folder name inside the sweep folder
     */
    public String folderName() {
        return "trial-" + id;
    }

    TrialState with(String newStatus, int newAttempts, Double newMetric, String newReason) {
        return new TrialState(
                id,
                values,
                newStatus,
                newAttempts,
                newMetric,
                newReason,
                steps,
                target,
                rungs,
                lineage);
    }

    /**
     * @return this trial with a segment to {@code newTarget} started
     */
    TrialState started(long newTarget) {
        return new TrialState(
                id,
                values,
                "RUNNING",
                attempts + 1,
                metric,
                null,
                steps,
                newTarget,
                rungs,
                lineage);
    }

    /**
     * @return this trial after a segment that ended well at {@code step} with {@code value}
     */
    TrialState reached(String newStatus, long step, Double value) {
        Map<Long, Double> more = new TreeMap<>(rungs);
        if (value != null) {
            more.put(step, value);
        }
        return new TrialState(id, values, newStatus, attempts, value, null, step, 0, more, lineage);
    }

    /**
     * @return this trial after it took {@code donor}'s weights at {@code step} and new values
     */
    TrialState exploited(long step, String donor, Map<String, String> newValues) {
        java.util.List<Exploit> more = new java.util.ArrayList<>(lineage);
        more.add(new Exploit(step, donor, newValues));
        return new TrialState(
                id, values, status, attempts, metric, reason, steps, target, rungs, more);
    }
}
