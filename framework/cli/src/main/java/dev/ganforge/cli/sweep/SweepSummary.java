package dev.ganforge.cli.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end-of-sweep summary: trials finished and failed, the best trial by the sweep metric and
 * goal, and, when {@code seed} is one of the swept parameters, the spread of the metric across
 * seeds for each combination of the other parameters (single GAN runs are noisy).
 *
 * @param finished trials that finished
 * @param failed trials that failed (after their retry)
 * @param pending trials not finished: killed, interrupted or not started
 * @param best the best finished trial with a metric value, if any
 * @param seedSpread per combination of the non-seed parameters: mean, min, max and count of the
 *     metric
 * @param pruned trials a scheduler stopped early (ASHA)
 * @param stepsTrained training steps of all trials together, as far as each got
 */
public record SweepSummary(
        int finished,
        int failed,
        int pending,
        Optional<TrialState> best,
        Map<String, Spread> seedSpread,
        int pruned,
        long stepsTrained) {

    /**
     * @param mean arithmetic mean
     * @param min smallest value
     * @param max largest value
     * @param count number of seeds with a value
     */
    public record Spread(double mean, double min, double max, int count) {}

    /**
     * @param trials the recorded trials
     * @param goal which way the metric should go
     * @return the summary
     */
    public static SweepSummary of(List<TrialState> trials, SweepSpec.Goal goal) {
        int finished = 0;
        int failed = 0;
        int pruned = 0;
        long steps = 0;
        List<TrialState> scored = new ArrayList<>();
        Map<String, List<Double>> bySetting = new LinkedHashMap<>();
        for (TrialState trial : trials) {
            steps += trial.steps();
            switch (trial.status()) {
                case "FINISHED" -> finished++;
                case "FAILED" -> failed++;
                case "PRUNED" -> pruned++;
                default -> {}
            }
            if (trial.status().equals("FINISHED") && trial.metric() != null) {
                scored.add(trial);
                if (trial.values().containsKey("seed")) {
                    Map<String, String> others = new LinkedHashMap<>(trial.values());
                    others.remove("seed");
                    bySetting
                            .computeIfAbsent(others.toString(), key -> new ArrayList<>())
                            .add(trial.metric());
                }
            }
        }
        Comparator<TrialState> order = Comparator.comparingDouble(TrialState::metric);
        Optional<TrialState> best =
                goal == SweepSpec.Goal.MINIMIZE
                        ? scored.stream().min(order)
                        : scored.stream().max(order);
        Map<String, Spread> spread = new LinkedHashMap<>();
        bySetting.forEach(
                (setting, values) ->
                        spread.put(
                                setting,
                                new Spread(
                                        values.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .average()
                                                .orElse(Double.NaN),
                                        values.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .min()
                                                .orElse(Double.NaN),
                                        values.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .max()
                                                .orElse(Double.NaN),
                                        values.size())));
        return new SweepSummary(
                finished,
                failed,
                trials.size() - finished - failed - pruned,
                best,
                spread,
                pruned,
                steps);
    }
}
