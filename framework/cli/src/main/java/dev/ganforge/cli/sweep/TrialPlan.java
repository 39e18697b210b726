package dev.ganforge.cli.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Expands a sweep into its trials' parameter values: for grid search the Cartesian product in file
 * order (the last parameter varies fastest); for random search {@code trials} draws from a {@link
 * SplittableRandom} seeded with the sweep's seed, so the same file always gives the same trials.
 */
public final class TrialPlan {

    private TrialPlan() {}

    /**
     * @param sweep the sweep block
     * @return one map per trial from dotted spec path to the value's YAML text, in trial order
     */
    public static List<Map<String, String>> expand(SweepSpec sweep) {
        List<Map<String, String>> trials = new ArrayList<>();
        if (sweep.method() == SweepSpec.Method.GRID) {
            trials.add(new LinkedHashMap<>());
            for (Map.Entry<String, SweepSpec.Domain> parameter : sweep.parameters().entrySet()) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> partial : trials) {
                    for (String value : ((SweepSpec.Values) parameter.getValue()).values()) {
                        Map<String, String> extended = new LinkedHashMap<>(partial);
                        extended.put(parameter.getKey(), value);
                        next.add(extended);
                    }
                }
                trials = next;
            }
            return trials;
        }
        SplittableRandom random = new SplittableRandom(sweep.seed());
        for (int i = 0; i < sweep.trials(); i++) {
            Map<String, String> values = new LinkedHashMap<>();
            sweep.parameters()
                    .forEach((path, domain) -> values.put(path, Domains.sample(domain, random)));
            trials.add(values);
        }
        return trials;
    }

    /**
     * @param values one trial's values
     * @return the same as {@code --set path=value} strings
     */
    public static List<String> overrides(Map<String, String> values) {
        List<String> overrides = new ArrayList<>();
        values.forEach((path, value) -> overrides.add(path + "=" + value));
        return overrides;
    }
}
