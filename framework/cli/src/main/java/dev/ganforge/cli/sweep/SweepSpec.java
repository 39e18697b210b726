package dev.ganforge.cli.sweep;

import java.util.List;
import java.util.Map;

/**
 * The {@code sweep:} block of a sweep file.
 *
 * @param method grid (every combination of the listed values) or random (samples from the domains)
 * @param parameters dotted spec paths (as for {@code --set}) to their domains, in file order
 * @param trials number of random trials (random search only; null for grid)
 * @param seed seed of the random search (the trials' own seeds come from their specs)
 * @param metric the metric that names the best trial (a column of metrics.csv such as {@code
 *     g_loss}, or an evaluation metric such as {@code eval/label_accuracy}), or null
 * @param goal whether a smaller or a larger metric is better
 * @param scheduler how trials are stopped early ({@code asha}), or null to train every trial to its
 *     end
 */
public record SweepSpec(
        Method method,
        Map<String, Domain> parameters,
        Integer trials,
        long seed,
        String metric,
        Goal goal,
        SchedulerSpec scheduler) {

    /**
     * A sweep that trains every trial to its end.
     *
     * @param method grid or random
     * @param parameters the domains
     * @param trials random trials, or null
     * @param seed random-search seed
     * @param metric ranking metric, or null
     * @param goal its direction
     */
    public SweepSpec(
            Method method,
            Map<String, Domain> parameters,
            Integer trials,
            long seed,
            String metric,
            Goal goal) {
        this(method, parameters, trials, seed, metric, goal, null);
    }

    /** How trials are chosen. */
    public enum Method {
        /** The Cartesian product of every parameter's value list. */
        GRID,
        /** {@code trials} independent draws, one value per parameter. */
        RANDOM
    }

    /** Which way the metric should go. */
    public enum Goal {
        /** Smaller is better (losses, distances). */
        MINIMIZE,
        /** Larger is better (accuracies). */
        MAXIMIZE
    }

    /** The values one parameter may take. */
    public sealed interface Domain {
        /**
         * @return a readable form for messages, e.g. {@code log_uniform[1e-05, 0.001]}
         */
        String describe();
    }

    /**
     * A fixed list of values (grid search, or {@code choice} in random search).
     *
     * @param values YAML scalar or flow values, as written (e.g. {@code "0.0002"}, {@code "[32,
     *     64]"})
     */
    public record Values(List<String> values) implements Domain {
        @Override
        public String describe() {
            return values.toString();
        }
    }

    /**
     * A continuous or integer range for random search.
     *
     * @param kind uniform, log_uniform or int
     * @param low lower bound (inclusive)
     * @param high upper bound (inclusive for int, exclusive otherwise)
     */
    public record Range(String kind, double low, double high) implements Domain {
        @Override
        public String describe() {
            return kind + "[" + low + ", " + high + "]";
        }
    }
}
