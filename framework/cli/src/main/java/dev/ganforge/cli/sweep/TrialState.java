package dev.ganforge.cli.sweep;

import java.util.Map;

/**
 * One trial as recorded in the sweep folder's {@code sweep.json}.
 *
 * @param id first 12 hex digits of the SHA-256 of the trial's resolved spec: the trial's identity
 * @param values the swept parameters' values (dotted path → YAML text)
 * @param status PENDING, RUNNING, FINISHED, FAILED or KILLED
 * @param attempts how many times the trial was started
 * @param metric the sweep metric's final value, or null when unknown
 * @param reason why the last attempt failed, or null
 */
public record TrialState(
        String id,
        Map<String, String> values,
        String status,
        int attempts,
        Double metric,
        String reason) {

    /**
     * @return the trial's folder name inside the sweep folder
     */
    public String folderName() {
        return "trial-" + id;
    }

    TrialState with(String newStatus, int newAttempts, Double newMetric, String newReason) {
        return new TrialState(id, values, newStatus, newAttempts, newMetric, newReason);
    }
}
