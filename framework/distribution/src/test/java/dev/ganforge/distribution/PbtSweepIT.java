package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ganforge sweep} with population-based training on the local executor: a population of four
 * learning rates, decisions every 10 steps. The trials in the bottom half take a top trial's
 * checkpoint and perturbed values ({@code sweep.json} records the lineage), every trial trains to
 * the end, and the script the sweep writes for the best trial's lineage, run as one plain run
 * ({@code run}, then {@code resume --set} at each change), ends with exactly the best trial's
 * weights: the copy, the new optimizer settings and every resume continue bit for bit.
 */
class PbtSweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path temp;

    @Test
    void aPopulationEvolvesAndTheBestLineageReplaysAsOneRun() throws Exception {
        Path sweepFile =
                write(
                        temp,
                        "pbt.yaml",
                        """
                        experiment: pbt
                        seed: 7
                        dataset: {type: synthetic, size: 48, classes: 3, side: 8}
                        model: {type: cgan, latent_dim: 4, layers: [4, 8], kernel_size: 3}
                        training:
                          batch_size: 8
                          steps: 40
                          log_every: 2
                          sample_every: 20
                          checkpoint_every: 5
                          sample_rows: 2
                        sweep:
                          method: grid
                          seed: 3
                          metric: d_loss
                          goal: maximize
                          scheduler: {type: pbt, interval: 10, quantile: 0.5, perturbation: 0.2}
                          parameters:
                            optimizers.discriminator.learning_rate: [0.00002, 0.0002, 0.002, 0.02]
                        """);
        Path folder = temp.resolve("sweep");

        CliFixture.Result result =
                run("sweep", sweepFile.toString(), "--output", folder.toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("PBT population of 4");
        JsonNode sweep = JSON.readTree(folder.resolve("sweep.json").toFile());
        List<JsonNode> trials = new ArrayList<>();
        sweep.path("trials").forEach(trials::add);
        assertThat(trials).extracting(t -> t.path("status").asText()).containsOnly("FINISHED");
        assertThat(trials).extracting(t -> t.path("steps").asLong()).containsOnly(40L);
        long exploits = trials.stream().mapToLong(t -> t.path("lineage").size()).sum();
        assertThat(exploits).as(result.out()).isPositive();
        assertThat(result.out()).contains("takes the weights of trial");

        // the best lineage, replayed as one run, ends with the best trial's weights
        Matcher best = Pattern.compile("best trial ([0-9a-f]{12})").matcher(result.out());
        assertThat(best.find()).as(result.out()).isTrue();
        Path script = folder.resolve("pbt-best-lineage.sh");
        assertThat(result.out()).contains("the best trial's lineage as one run: " + script);
        assertThat(Files.readString(script))
                .as("the best trial's weights came through an exploit")
                .contains("./ganforge resume");
        // the values the best trial ended with, its last exploit's, not the ones it started with
        JsonNode bestState =
                trials.stream()
                        .filter(t -> t.path("id").asText().equals(best.group(1)))
                        .findFirst()
                        .orElseThrow();
        JsonNode lineage = bestState.path("lineage");
        assertThat(lineage.size()).isPositive();
        JsonNode last = lineage.get(lineage.size() - 1).path("values");
        assertThat(last).isNotEqualTo(bestState.path("values"));
        JsonNode summary = JSON.readTree(folder.resolve("summary.json").toFile());
        assertThat(summary.path("best_values")).isEqualTo(last);
        assertThat(result.out())
                .contains(
                        "after "
                                + lineage.size()
                                + (lineage.size() == 1 ? " PBT exploit;" : " PBT exploits;")
                                + " it started with");
        Path replay = temp.resolve("replay");
        for (String line : Files.readAllLines(script)) {
            if (!line.startsWith("./ganforge ")) {
                continue;
            }
            List<String> args =
                    words(
                            line.substring("./ganforge ".length())
                                    .replace("\"$out\"", replay.toString()));
            // as the sweep ran its trials: a JVM each, cores / 1 math threads (the thread count
            // decides oneDNN's summation order, so it must match for equal weights)
            Path log = temp.resolve("replay-" + args.get(0) + "-" + System.nanoTime() + ".log");
            Process step =
                    CliFixture.startProcess(
                            log,
                            args,
                            List.of(),
                            Map.of(
                                    "OMP_NUM_THREADS",
                                    Integer.toString(Runtime.getRuntime().availableProcessors())));
            assertThat(step.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(step.exitValue()).as(line + "\n" + Files.readString(log)).isZero();
        }
        Checkpoint replayed =
                CheckpointStore.read(
                        new CheckpointStore(replay.resolve("checkpoints")).latest().orElseThrow(),
                        true);
        Path bestRun = folder.resolve("trial-" + best.group(1));
        Checkpoint original =
                CheckpointStore.read(
                        new CheckpointStore(bestRun.resolve("checkpoints")).latest().orElseThrow(),
                        true);
        assertThat(replayed.step()).isEqualTo(40);
        String context = Files.readString(script) + "\n" + sweep.toPrettyString();
        // bit for bit: INDArray.equals would allow 1e-5
        assertThat(
                        replayed.generator()
                                .params()
                                .sub(original.generator().params())
                                .amaxNumber()
                                .doubleValue())
                .as(context)
                .isZero();
        assertThat(
                        replayed.discriminator()
                                .params()
                                .sub(original.discriminator().params())
                                .amaxNumber()
                                .doubleValue())
                .isZero();
    }

    /** Splits a command line on spaces, keeping single-quoted words whole. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (word.find()) {
            words.add(word.group(1) != null ? word.group(1) : word.group(2));
        }
        return words;
    }
}
