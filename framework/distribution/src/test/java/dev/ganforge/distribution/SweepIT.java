package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps end to end: every trial a run, the best one named, invalid trials found first, resumable.
 */
class SweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path temp;

    private Path sweepFile(int steps, String parameters) throws Exception {
        return write(
                temp,
                "sweep.yaml",
                tinySpec(steps)
                        + """
                        sweep:
                          method: grid
                          metric: g_loss
                          goal: minimize
                          parameters:
                        """
                        + parameters);
    }

    @Test
    void gridSweepRunsEveryTrialInParallelAndNamesTheBest() throws Exception {
        Path file =
                sweepFile(
                        4,
                        "    model.latent_dim: [2, 4]\n"
                                + "    optimizers.generator.learning_rate: [0.001, 0.002]\n");
        Path folder = temp.resolve("sweep");

        CliFixture.Result result =
                run("sweep", file.toString(), "--parallel", "2", "--output", folder.toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        JsonNode state = JSON.readTree(folder.resolve("sweep.json").toFile());
        assertThat(state.get("trials")).hasSize(4);
        for (JsonNode trial : state.get("trials")) {
            assertThat(trial.get("status").asText()).isEqualTo("FINISHED");
            assertThat(trial.get("metric").isNumber()).isTrue();
            assertThat(folder.resolve("trial-" + trial.get("id").asText()).resolve("metrics.csv"))
                    .exists();
        }
        JsonNode summary = JSON.readTree(folder.resolve("summary.json").toFile());
        assertThat(summary.get("finished").asInt()).isEqualTo(4);
        double best = summary.get("best").get("metric").asDouble();
        for (JsonNode trial : state.get("trials")) {
            assertThat(best).isLessThanOrEqualTo(trial.get("metric").asDouble());
        }
        assertThat(result.out()).contains("best trial");
    }

    @Test
    void anInvalidTrialFailsTheSweepBeforeAnyTrialStarts() throws Exception {
        Path file = sweepFile(4, "    training.batch_size: [8, -2]\n");
        Path folder = temp.resolve("sweep");

        CliFixture.Result result = run("sweep", file.toString(), "--output", folder.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("training.batch_size")
                .contains("-2")
                .contains("{training.batch_size=-2}");
        assertThat(folder).doesNotExist();
    }

    @Test
    void badSchedulerAndExecutorSettingsAreRefusedBeforeAnyTrialStarts() throws Exception {
        Path folder = temp.resolve("sweep");
        String[][] cases = {
            // sweep block lines, extra arguments, expected message
            {"  scheduler: {type: asha, min_steps: 10}\n", "", "training.steps > min_steps"},
            {"  scheduler: {type: pbt}\n", "", "pbt needs interval"},
            {
                "  scheduler: {type: asha, min_steps: 2}\n",
                "--set training.lr_decay_start=2",
                "training.lr_decay_start cannot be used with sweep.scheduler"
            },
            {
                "  scheduler: {type: pbt, interval: 2}\n",
                "",
                "[model.latent_dim] would change the networks"
            },
            {
                "",
                "--executor yarn",
                "'yarn' is not installed; the executors here are [local, spark]"
            },
            {"", "--executor spark", "needs --master URL"},
            {"", "--master local[2]", "--master and --conf are for a cluster executor"},
        };
        for (String[] c : cases) {
            Path file =
                    write(
                            temp,
                            "bad.yaml",
                            tinySpec(4)
                                    + "sweep:\n  metric: g_loss\n"
                                    + c[0]
                                    + "  parameters:\n    model.latent_dim: [2, 4]\n");
            List<String> args =
                    new ArrayList<>(
                            List.of("sweep", file.toString(), "--output", folder.toString()));
            if (!c[1].isEmpty()) {
                args.addAll(List.of(c[1].split(" ")));
            }

            CliFixture.Result result = run(args.toArray(String[]::new));

            assertThat(result.exitCode()).as(c[2] + "\n" + result.out()).isEqualTo(2);
            assertThat(result.err()).as(c[2]).contains(c[2]);
            assertThat(folder.resolve("sweep.json")).as(c[2]).doesNotExist();
        }
    }

    @Test
    void seedSweepReportsTheSpreadAcrossSeeds() throws Exception {
        Path file = sweepFile(2, "    seed: [1, 2, 3]\n");
        Path folder = temp.resolve("sweep");

        CliFixture.Result result = run("sweep", file.toString(), "--output", folder.toString());

        assertThat(result.exitCode()).as(result.out()).isZero();
        JsonNode spread =
                JSON.readTree(folder.resolve("summary.json").toFile()).get("seed_spread").get("{}");
        assertThat(spread.get("count").asInt()).isEqualTo(3);
        assertThat(spread.get("min").asDouble()).isLessThanOrEqualTo(spread.get("mean").asDouble());
        assertThat(spread.get("mean").asDouble()).isLessThanOrEqualTo(spread.get("max").asDouble());
    }

    @Test
    void anInterruptedSweepResumesWithoutRedoingFinishedTrials() throws Exception {
        Path file = sweepFile(40, "    model.latent_dim: [2, 3, 4]\n");
        Path folder = temp.resolve("sweep");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.ganforge.cli.Main",
                                "sweep",
                                file.toString(),
                                "--output",
                                folder.toString()));
        Process sweep =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(temp.resolve("sweep.log").toFile())
                        .start();
        Path state = folder.resolve("sweep.json");
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline
                && !(Files.exists(state) && Files.readString(state).contains("FINISHED"))) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(state))
                .as(Files.readString(temp.resolve("sweep.log")))
                .contains("FINISHED");
        sweep.destroy(); // SIGTERM: running trials checkpoint and stop
        assertThat(sweep.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(temp.resolve("sweep.log"));
        assertThat(sweep.exitValue()).as(log).isEqualTo(143);
        // the sweep waited for its trials: none is left RUNNING, and it wrote its summary
        assertThat(log).contains("sweep stopped by a signal").contains("continue it with");
        JsonNode interrupted = JSON.readTree(state.toFile());
        String finishedId = null;
        for (JsonNode trial : interrupted.get("trials")) {
            assertThat(trial.get("status").asText()).as(log).isIn("FINISHED", "KILLED", "PENDING");
            if (trial.get("status").asText().equals("FINISHED")) {
                finishedId = trial.get("id").asText();
            }
        }
        JsonNode summary = JSON.readTree(folder.resolve("summary.json").toFile());
        assertThat(summary.get("finished").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(summary.get("not_finished").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(folder.resolve("contact-sheet.png")).isRegularFile();
        Path finishedMetrics = folder.resolve("trial-" + finishedId).resolve("metrics.csv");
        FileTime before = Files.getLastModifiedTime(finishedMetrics);

        CliFixture.Result result = run("sweep", file.toString(), "--output", folder.toString());

        assertThat(result.exitCode()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("trial " + finishedId)
                .contains("finished earlier, skipped");
        assertThat(Files.getLastModifiedTime(finishedMetrics)).isEqualTo(before);
        JsonNode after = JSON.readTree(state.toFile());
        assertThat(after.get("trials")).hasSize(3);
        for (JsonNode trial : after.get("trials")) {
            assertThat(trial.get("status").asText()).isEqualTo("FINISHED");
        }
    }
}
