package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ganforge bench` prints one JSON line with the PyTorch yardstick's fields, consistent with each
 * other.
 */
class BenchCommandIT {

    private static final String TINY =
            """
            experiment: bench_tiny
            dataset: {type: random, width: 8, height: 8, classes: 3, size: 16}
            model: {type: cgan, latent_dim: 4, layers: [4, 8], kernel_size: 3}
            training: {batch_size: 8, steps: 1}
            """;

    @TempDir Path temp;

    @Test
    void printsOneJsonLineWithTimingFlopsAndMemory() throws Exception {
        Path spec = write(temp, "bench.yaml", TINY);

        CliFixture.Result result = run("bench", spec.toString(), "--steps", "3", "--warmup", "1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(result.out().strip());
        assertThat(line.get("config").asText()).isEqualTo("bench_tiny");
        assertThat(line.get("batch").asInt()).isEqualTo(8);
        assertThat(line.get("steps").asInt()).isEqualTo(3);
        double seconds = line.get("sec_per_step").asDouble();
        assertThat(seconds).isPositive();
        // sec_per_step is rounded to 4 decimals (±0.00005 s) and samples_per_sec to 1 (±0.05):
        // at a few milliseconds per step that rounding alone moves B / sec_per_step by over 2 %
        double rounding = 0.00005;
        assertThat(line.get("samples_per_sec").asDouble())
                .isBetween(8 / (seconds + rounding) - 0.05, 8 / (seconds - rounding) + 0.05);
        assertThat(line.get("threads").asInt()).isPositive();
        assertThat(line.get("peak_rss_mib").asDouble()).isPositive();
        assertThat(line.has("gflop_per_step")).isTrue();
        assertThat(line.get("engine").asText())
                .as("a float32 cGAN trains on ganforge's oneDNN step")
                .isEqualTo("onednn");
        assertThat(line.get("precision").asText()).isEqualTo("fp32");
        assertThat(line.get("isa").asText()).matches("sse4_1|avx2?.*|avx512.*");
    }

    /**
     * With the mode-seeking term the bench pairs its labels as the trainer does, and says so; the
     * LeCam regulariser is named after it.
     */
    @Test
    void benchesTheModeSeekingTermWithPairedLabels() throws Exception {
        Path spec = write(temp, "bench.yaml", TINY);

        CliFixture.Result result =
                run(
                        "bench",
                        spec.toString(),
                        "--steps",
                        "2",
                        "--warmup",
                        "1",
                        "--set",
                        "training.mode_seeking=1",
                        "--set",
                        "training.lecam=0.3");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(result.out().strip());
        assertThat(line.get("recipe").asText()).endsWith(",mode-seeking=1.0,lecam=0.3");
    }

    /**
     * {@code auto} computes in fp32 where the instruction set oneDNN dispatches to has no native
     * bfloat16 and says so; where it has, it times both precisions and names the measured ratio
     * (which of the two it keeps depends on this CPU's timing, so both are accepted); and {@code
     * bf16} elsewhere is refused with that instruction set named (the engine's ISA-cap reruns of
     * {@code OneDnnBf16Test} cover the refusal on a bf16 CPU).
     */
    @Test
    void theBenchLineNamesThePrecisionAndTheInstructionSetThatRanIt() throws Exception {
        Path spec = write(temp, "bench.yaml", TINY);

        CliFixture.Result auto =
                run("bench", spec.toString(), "--steps", "2", "--set", "training.precision=auto");
        assertThat(auto.exitCode()).as(auto.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(auto.out().strip());
        String isa = line.get("isa").asText();
        boolean nativeBf16 = isa.equals("avx512_core_bf16") || isa.equals("avx512_core_amx");
        String detail = line.get("precision_detail").asText();
        if (nativeBf16) {
            // auto times both precisions on this CPU and keeps bf16 only where it is faster
            assertThat(line.get("precision").asText()).isIn("bf16", "fp32");
            assertThat(detail)
                    .startsWith(line.get("precision").asText())
                    .containsPattern("auto: bf16 \\d+\\.\\d\\dx");
        } else {
            assertThat(line.get("precision").asText()).isEqualTo("fp32");
            assertThat(detail).isEqualTo("fp32 (auto: no native bf16 on " + isa + ")");
        }

        CliFixture.Result bf16 =
                run("bench", spec.toString(), "--steps", "2", "--set", "training.precision=bf16");
        if (nativeBf16) {
            assertThat(bf16.exitCode()).as(bf16.err()).isZero();
            assertThat(new ObjectMapper().readTree(bf16.out().strip()).get("precision").asText())
                    .isEqualTo("bf16");
        } else {
            assertThat(bf16.exitCode()).isNotZero();
            assertThat(bf16.err()).contains("native bfloat16").contains(isa);
        }
    }

    @Test
    void rejectsAZeroStepCount() throws Exception {
        Path spec = write(temp, "bench.yaml", TINY);

        CliFixture.Result result = run("bench", spec.toString(), "--steps", "0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--steps");
    }
}
