package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped main job, {@code experiments/cgan_fashion_mnist.yaml}, trained for real (5,000 steps
 * on Fashion-MNIST, about 7 minutes on 2 cores, plus about 8 for the classifier's first training):
 * the run finishes and its generator learns the classes, measured by the run's own evaluation.
 * Slow: {@code mvn -Pslow verify}.
 *
 * <p>The bounds are far from what a working run reaches (label accuracy 0.88, step-5000 FD below
 * step 2500's; the file evaluates every 2,500 steps) and far above what a broken one gives (label
 * accuracy about 0.1 = chance for 10 classes, FD that does not fall), so they hold on any CPU.
 */
@Tag("slow")
class FashionMnistTrainingIT {

    @TempDir Path temp;

    @Test
    void theMainJobLearnsTheClasses() throws Exception {
        Path out = temp.resolve("run");
        CliFixture.Result result =
                run(
                        "run",
                        Path.of("../../experiments/cgan_fashion_mnist.yaml").toString(),
                        "--output",
                        out.toString(),
                        "--set",
                        "evaluation.classifier.cache=" + temp.resolve("classifiers"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(new RunDirectory(out).readStatusRecord().orElseThrow().status())
                .isEqualTo(RunStatus.FINISHED);
        Map<String, Map<Long, Double>> metrics = new TreeMap<>();
        List<String> rows = Files.readAllLines(out.resolve(RunDirectory.EVALUATION_FILE));
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            metrics.computeIfAbsent(cells[1], key -> new TreeMap<>())
                    .put(Long.parseLong(cells[0]), Double.parseDouble(cells[2]));
        }
        assertThat(metrics.get("eval/label_accuracy").get(5000L)).isGreaterThan(0.5);
        assertThat(metrics.get("eval/fd_ganforge_cnn").get(5000L))
                .isLessThan(metrics.get("eval/fd_ganforge_cnn").get(2500L));
        assertThat(out.resolve(RunDirectory.SAMPLES_FOLDER).resolve("step-00005000-fake1.png"))
                .exists();
    }
}
