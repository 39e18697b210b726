package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grid order and the reproducibility and ranges of random search. */
class TrialPlanTest {

    @Test
    void gridIsTheProductInFileOrderWithTheLastParameterFastest() {
        Map<String, SweepSpec.Domain> parameters = new LinkedHashMap<>();
        parameters.put("a", new SweepSpec.Values(List.of("1", "2")));
        parameters.put("b", new SweepSpec.Values(List.of("x", "y", "z")));

        List<Map<String, String>> trials =
                TrialPlan.expand(
                        new SweepSpec(
                                SweepSpec.Method.GRID,
                                parameters,
                                null,
                                0,
                                null,
                                SweepSpec.Goal.MINIMIZE));

        assertThat(trials)
                .extracting(t -> t.get("a") + t.get("b"))
                .containsExactly("1x", "1y", "1z", "2x", "2y", "2z");
        assertThat(TrialPlan.overrides(trials.get(4))).containsExactly("a=2", "b=y");
    }

    @Test
    void randomSearchIsReproducibleAndStaysInItsDomains() {
        Map<String, SweepSpec.Domain> parameters = new LinkedHashMap<>();
        parameters.put("lr", new SweepSpec.Range("log_uniform", 1e-5, 1e-3));
        parameters.put("width", new SweepSpec.Range("int", 16, 18));
        parameters.put("beta", new SweepSpec.Range("uniform", 0.1, 0.2));
        parameters.put("sampler", new SweepSpec.Values(List.of("uniform", "normal")));
        SweepSpec spec =
                new SweepSpec(
                        SweepSpec.Method.RANDOM, parameters, 200, 7, null, SweepSpec.Goal.MINIMIZE);

        List<Map<String, String>> first = TrialPlan.expand(spec);
        List<Map<String, String>> again = TrialPlan.expand(spec);

        assertThat(first).hasSize(200).isEqualTo(again);
        assertThat(first)
                .allSatisfy(
                        trial -> {
                            assertThat(Double.parseDouble(trial.get("lr"))).isBetween(1e-5, 1e-3);
                            assertThat(Integer.parseInt(trial.get("width"))).isBetween(16, 18);
                            assertThat(Double.parseDouble(trial.get("beta"))).isBetween(0.1, 0.2);
                            assertThat(trial.get("sampler")).isIn("uniform", "normal");
                        });
        assertThat(first).extracting(t -> t.get("width")).contains("16", "17", "18");
        long belowGeometricMiddle =
                first.stream().filter(t -> Double.parseDouble(t.get("lr")) < 1e-4).count();
        assertThat(belowGeometricMiddle).isBetween(60L, 140L); // log-uniform: about half below 1e-4
        assertThat(
                        TrialPlan.expand(
                                new SweepSpec(
                                        SweepSpec.Method.RANDOM,
                                        parameters,
                                        200,
                                        8,
                                        null,
                                        SweepSpec.Goal.MINIMIZE)))
                .isNotEqualTo(first);
    }
}
