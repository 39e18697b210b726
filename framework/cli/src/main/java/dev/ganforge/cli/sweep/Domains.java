package dev.ganforge.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.config.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Parses and samples parameter domains. Grid search takes a YAML list of values. Random search
 * takes a list (same as {@code choice}), or one of {@code {choice: [...]}}, {@code {uniform: [low,
 * high]}}, {@code {log_uniform: [low, high]}} (low &gt; 0; the logarithm is uniform), {@code {int:
 * [low, high]}} (both inclusive).
 */
final class Domains {

    private static final List<String> RANGES = List.of("uniform", "log_uniform", "int");

    private Domains() {}

    static SweepSpec.Domain parse(
            String path, JsonNode node, SweepSpec.Method method, Problems problems) {
        if (node.isArray()) {
            return values(path, node, problems);
        }
        if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> entry = node.fields().next();
            String kind = entry.getKey();
            if (method == SweepSpec.Method.GRID) {
                problems.add(
                        path,
                        node,
                        "grid search takes a list of values; distributions need method: random");
                return null;
            }
            if (kind.equals("choice")) {
                return entry.getValue().isArray()
                        ? values(path + ".choice", entry.getValue(), problems)
                        : invalid(path, node, "choice takes a list of values", problems);
            }
            if (RANGES.contains(kind)) {
                JsonNode bounds = entry.getValue();
                if (!bounds.isArray()
                        || bounds.size() != 2
                        || !bounds.get(0).isNumber()
                        || !bounds.get(1).isNumber()) {
                    return invalid(path, node, kind + " takes [low, high]", problems);
                }
                double low = bounds.get(0).asDouble();
                double high = bounds.get(1).asDouble();
                if (!(high > low) || (kind.equals("log_uniform") && low <= 0)) {
                    return invalid(
                            path,
                            node,
                            "needs low < high" + (kind.equals("log_uniform") ? " and low > 0" : ""),
                            problems);
                }
                return new SweepSpec.Range(kind, low, high);
            }
        }
        return invalid(
                path,
                node,
                "expected a list of values"
                        + (method == SweepSpec.Method.RANDOM
                                ? " or one of {choice|uniform|log_uniform|int: ...}"
                                : ""),
                problems);
    }

    private static SweepSpec.Domain values(String path, JsonNode list, Problems problems) {
        if (list.isEmpty()) {
            return invalid(path, list, "needs at least one value", problems);
        }
        List<String> values = new ArrayList<>();
        list.forEach(value -> values.add(value.isTextual() ? value.asText() : value.toString()));
        return new SweepSpec.Values(values);
    }

    private static SweepSpec.Domain invalid(
            String path, JsonNode node, String rule, Problems problems) {
        problems.add(path, node, rule);
        return null;
    }

    /** Draws one value as override text. */
    static String sample(SweepSpec.Domain domain, SplittableRandom random) {
        if (domain instanceof SweepSpec.Values values) {
            return values.values().get(random.nextInt(values.values().size()));
        }
        SweepSpec.Range range = (SweepSpec.Range) domain;
        return switch (range.kind()) {
            case "int" ->
                    Long.toString(
                            (long) range.low()
                                    + random.nextLong(
                                            (long) range.high() - (long) range.low() + 1));
            case "log_uniform" ->
                    Double.toString(
                            Math.exp(
                                    Math.log(range.low())
                                            + random.nextDouble()
                                                    * (Math.log(range.high())
                                                            - Math.log(range.low()))));
            default ->
                    Double.toString(
                            range.low() + random.nextDouble() * (range.high() - range.low()));
        };
    }
}
