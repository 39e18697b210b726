package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short conditional run in bf16 learns like the same run in fp32: the same seed, data and
 * schedule, and at the end the domain classifier recognises the intended class in the generated
 * images about as often, and the losses of the last third of the run are close. Skipped (with the
 * reason) on a CPU without native bfloat16, where bf16 is refused; {@code OneDnnBf16Test} checks
 * that refusal.
 */
class Bf16TrainingIT {

    @TempDir Path temp;

    @Test
    void aBf16RunLearnsLikeTheFp32Run() throws Exception {
        String spec =
                tinySpec(600)
                                .replace("log_every: 2", "log_every: 10")
                                .replace(
                                        "latent_dim: 4, layers: [4, 8]",
                                        "latent_dim: 8, layers: [16, 32]")
                        + """
                        evaluation:
                          every: 600
                          samples_per_class: 32
                          classifier: {cache: '%s', min_updates: 60, batch_size: 8}
                        """
                                .formatted(temp.resolve("classifiers"));
        Path file = write(temp, "learn.yaml", spec);

        CliFixture.Result bf16 =
                run(
                        "run",
                        file.toString(),
                        "--output",
                        temp.resolve("bf16").toString(),
                        "--set",
                        "training.precision=bf16");
        Assumptions.assumeFalse(
                bf16.exitCode() != 0 && bf16.err().contains("native bfloat16"),
                () -> "this CPU has no native bfloat16: " + bf16.err());
        assertThat(bf16.exitCode()).as(bf16.err()).isZero();
        assertThat(temp.resolve("bf16/spec.yaml")).content().contains("precision: bf16");
        CliFixture.Result fp32 =
                run("run", file.toString(), "--output", temp.resolve("fp32").toString());
        assertThat(fp32.exitCode()).as(fp32.err()).isZero();

        double bf16Accuracy = labelAccuracy(temp.resolve("bf16"));
        double fp32Accuracy = labelAccuracy(temp.resolve("fp32"));
        System.out.printf(
                "bf16 vs fp32: label accuracy %.3f vs %.3f, late d_loss %.3f vs %.3f, late g_loss"
                        + " %.3f vs %.3f%n",
                bf16Accuracy,
                fp32Accuracy,
                lateMean(temp.resolve("bf16"), 2),
                lateMean(temp.resolve("fp32"), 2),
                lateMean(temp.resolve("bf16"), 3),
                lateMean(temp.resolve("fp32"), 3));
        assertThat(fp32Accuracy)
                .as("the fp32 run learns (3 classes: chance is 1/3)")
                .isGreaterThan(0.8);
        assertThat(bf16Accuracy)
                .as("bf16 label accuracy vs fp32's %.3f", fp32Accuracy)
                .isGreaterThan(fp32Accuracy - 0.1);
        for (int column : new int[] {2, 3}) { // d_loss, g_loss
            double bf16Loss = lateMean(temp.resolve("bf16"), column);
            double fp32Loss = lateMean(temp.resolve("fp32"), column);
            assertThat(bf16Loss)
                    .as("mean loss (column %d) over steps 400-600 vs fp32's %.3f", column, fp32Loss)
                    .isBetween(fp32Loss * 0.75 - 0.05, fp32Loss * 1.25 + 0.05);
        }
    }

    private static double labelAccuracy(Path run) throws Exception {
        return Files.readAllLines(run.resolve("eval.csv")).stream()
                .filter(line -> line.startsWith("600,eval/label_accuracy,"))
                .mapToDouble(line -> Double.parseDouble(line.split(",")[2]))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no eval/label_accuracy at step 300 in " + run));
    }

    /** Mean of a metrics.csv column over the rows of steps above 200. */
    private static double lateMean(Path run, int column) throws Exception {
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        return rows.stream()
                .skip(1)
                .map(row -> row.split(","))
                .filter(cells -> Long.parseLong(cells[0]) > 400)
                .mapToDouble(cells -> Double.parseDouble(cells[column]))
                .average()
                .orElseThrow();
    }
}
