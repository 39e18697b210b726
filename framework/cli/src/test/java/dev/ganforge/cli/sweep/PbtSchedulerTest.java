package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Population-based training (Jaderberg et al. 2017) driven the way {@link SweepRunner} drives it,
 * with simulated trials: a segment "trains" by writing a checkpoint folder whose content names the
 * weights' history, and the metric is the distance of log10(learning rate) from -3. Checked: a
 * trial in the bottom quarter at a step copies the checkpoint of a trial in the top quarter at that
 * step (the file content moves), its values become the donor's times 0.8 or 1.2 (the seed kept),
 * every trial trains to the end, and the replay script follows the best trial's ancestry.
 */
class PbtSchedulerTest {

    private static final long INTERVAL = 10;
    private static final long LENGTH = 50;

    @TempDir Path folder;

    @Test
    void bottomTrialsCopyTopTrialsAndPerturbTheirValues() throws IOException {
        SweepState state = SweepState.load(folder);
        List<SweepRunner.Trial> trials = new ArrayList<>();
        double[] rates = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2};
        for (int i = 0; i < rates.length; i++) {
            trials.add(
                    trial(
                            i,
                            Map.of(
                                    "optimizers.generator.learning_rate",
                                    Double.toString(rates[i]),
                                    "seed",
                                    "7")));
        }
        PbtScheduler scheduler = quarters(trials, state);
        Random order = new Random(3);
        List<TrialScheduler.Job> running = new ArrayList<>();
        int exploitsSeen = 0;
        while (true) {
            fill(
                    scheduler,
                    state,
                    running,
                    (job, now) -> {
                        if (!job.values().isEmpty()) {
                            assertThat(job.values()).isEqualTo(now.currentValues());
                        }
                    });
            if (running.isEmpty()) {
                break;
            }
            TrialScheduler.Job done = running.remove(order.nextInt(running.size()));
            TrialState before = state.get(done.trial().state().id());
            double metric = train(before, done.targetSteps());
            scheduler.ended(done, 0, metric, "log");
            assertThat(snapshotSteps())
                    .as("snapshots of the generation being decided and the next one only")
                    .hasSizeLessThanOrEqualTo(2);
            TrialState after = state.get(before.id());
            if (after.lineage().size() > before.lineage().size()) {
                exploitsSeen++;
                TrialState.Exploit exploit = after.lineage().get(after.lineage().size() - 1);
                assertThat(exploit.step()).isEqualTo(done.targetSteps());
                TrialState donor = state.get(exploit.donor());
                assertInTopAndBottomQuarter(state, donor, after, exploit.step());
                // the donor's weights at that step are now the trial's latest checkpoint
                Path run = folder.resolve(after.folderName()).resolve("checkpoints");
                assertThat(Files.readString(run.resolve("latest")).trim())
                        .isEqualTo(String.format("step-%08d", exploit.step()));
                assertThat(Files.readString(checkpoint(donor.id(), exploit.step()).resolve("w")))
                        .isEqualTo(
                                Files.readString(
                                        run.resolve(String.format("step-%08d", exploit.step()))
                                                .resolve("w")));
                // explore: the donor's values times 0.8 or 1.2, the seed kept
                double donorRate =
                        Double.parseDouble(
                                donorValuesAt(donor, exploit.step())
                                        .get("optimizers.generator.learning_rate"));
                double rate =
                        Double.parseDouble(
                                exploit.values().get("optimizers.generator.learning_rate"));
                assertThat(rate / donorRate)
                        .isIn(0.8, 1.2)
                        .satisfiesAnyOf(
                                r ->
                                        assertThat(r)
                                                .isCloseTo(
                                                        0.8,
                                                        org.assertj.core.data.Offset.offset(1e-9)),
                                r ->
                                        assertThat(r)
                                                .isCloseTo(
                                                        1.2,
                                                        org.assertj.core.data.Offset.offset(1e-9)));
                assertThat(exploit.values().get("seed")).isEqualTo("7");
            }
        }
        assertThat(exploitsSeen).isPositive();
        assertThat(state.trials()).extracting(TrialState::status).containsOnly("FINISHED");
        assertThat(state.trials()).extracting(TrialState::steps).containsOnly(LENGTH);
        assertThat(folder.resolve(PbtScheduler.SNAPSHOTS))
                .as("snapshots deleted once every trial finished")
                .doesNotExist();

        TrialState best =
                state.trials().stream()
                        .min(java.util.Comparator.comparing(TrialState::metric))
                        .orElseThrow();
        Path script = scheduler.replayScript(best, id -> folder.resolve("trial-" + id + ".yaml"));
        List<String> lines = Files.readAllLines(script);
        List<String> commands = lines.stream().filter(l -> l.startsWith("./ganforge")).toList();
        assertThat(commands.get(0)).startsWith("./ganforge run ").contains("training.steps=");
        assertThat(commands.get(commands.size() - 1))
                .contains("training.steps=" + LENGTH)
                .contains(
                        "optimizers.generator.learning_rate="
                                + best.currentValues().get("optimizers.generator.learning_rate"));
        // the stretches end at increasing steps
        long previous = 0;
        for (Map.Entry<Long, Map<String, String>> stretch : scheduler.lineageOf(best)) {
            assertThat(stretch.getKey()).isGreaterThan(previous);
            previous = stretch.getKey();
        }
    }

    @Test
    void aTrialWithoutAValueIsExploitedButNeverCopied() throws IOException {
        // 8 trials, quantile 0.25: a top quarter of 2 places, but only trial 0 logs the metric
        // (the others diverged to NaN, say), so trial 0 must be every exploit's donor
        SweepState state = SweepState.load(folder);
        List<SweepRunner.Trial> trials = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            trials.add(trial(i, Map.of("optimizers.generator.learning_rate", "1.0E-4")));
        }
        PbtScheduler scheduler = quarters(trials, state);
        String valued = trials.get(0).state().id();
        List<TrialScheduler.Job> running = new ArrayList<>();
        Random order = new Random(5);
        int exploits = 0;
        while (true) {
            fill(scheduler, state, running, (job, now) -> {});
            if (running.isEmpty()) {
                break;
            }
            TrialScheduler.Job done = running.remove(order.nextInt(running.size()));
            TrialState before = state.get(done.trial().state().id());
            train(before, done.targetSteps());
            scheduler.ended(done, 0, before.id().equals(valued) ? 0.5 : null, "log");
            TrialState after = state.get(before.id());
            if (after.lineage().size() > before.lineage().size()) {
                exploits++;
                assertThat(after.lineage().get(after.lineage().size() - 1).donor())
                        .as("the donor of an exploit")
                        .isEqualTo(valued);
            }
        }
        assertThat(exploits).isPositive();
        assertThat(state.trials()).extracting(TrialState::steps).containsOnly(LENGTH);
    }

    /**
     * Starts jobs until 3 run or the scheduler has none, as SweepRunner does; {@code check} sees
     * each job with its trial's state before the start.
     */
    private static void fill(
            PbtScheduler scheduler,
            SweepState state,
            List<TrialScheduler.Job> running,
            java.util.function.BiConsumer<TrialScheduler.Job, TrialState> check) {
        while (running.size() < 3) {
            var job = scheduler.next();
            if (job.isEmpty()) {
                return;
            }
            TrialState now = state.get(job.get().trial().state().id());
            check.accept(job.get(), now);
            state.put(now.started(job.get().targetSteps()));
            running.add(job.get());
        }
    }

    /** A PENDING trial with id {@code i} in 12 digits. */
    private static SweepRunner.Trial trial(int i, Map<String, String> values) {
        return new SweepRunner.Trial(
                new TrialState(String.format("%012d", i), values, "PENDING", 0, null, null),
                null,
                "");
    }

    /** PBT with quantile 0.25 and perturbation 0.2, a smaller metric being better, seed 11. */
    private PbtScheduler quarters(List<SweepRunner.Trial> trials, SweepState state) {
        return new PbtScheduler(
                trials,
                folder,
                INTERVAL,
                LENGTH,
                0.25,
                0.2,
                SweepSpec.Goal.MINIMIZE,
                11,
                state,
                new PrintWriter(new StringWriter()));
    }

    /**
     * Writes the trial's checkpoint at {@code step}: its history so far, and returns the metric.
     */
    private double train(TrialState trial, long step) throws IOException {
        Path checkpoints = folder.resolve(trial.folderName()).resolve("checkpoints");
        Path latest = checkpoints.resolve("latest");
        String history =
                Files.exists(latest)
                        ? Files.readString(
                                checkpoints.resolve(Files.readString(latest).trim()).resolve("w"))
                        : "";
        Path target = checkpoints.resolve(String.format("step-%08d", step));
        Files.createDirectories(target);
        Map<String, String> values = trial.currentValues();
        Files.writeString(target.resolve("w"), history + "|" + trial.id() + "@" + step + values);
        Files.writeString(latest, target.getFileName() + "\n");
        double rate = Double.parseDouble(values.get("optimizers.generator.learning_rate"));
        return Math.abs(Math.log10(rate) + 3) + 1.0 / step;
    }

    /** The distinct steps of the snapshots the scheduler keeps. */
    private java.util.Set<String> snapshotSteps() throws IOException {
        Path snapshots = folder.resolve(PbtScheduler.SNAPSHOTS);
        if (!Files.isDirectory(snapshots)) {
            return java.util.Set.of();
        }
        try (var entries = Files.list(snapshots)) {
            return entries.map(p -> p.getFileName().toString().replaceAll(".*-", ""))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private Path checkpoint(String trial, long step) {
        return folder.resolve("trial-" + trial)
                .resolve("checkpoints")
                .resolve(String.format("step-%08d", step));
    }

    private static Map<String, String> donorValuesAt(TrialState donor, long step) {
        Map<String, String> values = donor.values();
        for (TrialState.Exploit exploit : donor.lineage()) {
            if (exploit.step() < step) {
                values = exploit.values();
            }
        }
        return values;
    }

    private static void assertInTopAndBottomQuarter(
            SweepState state, TrialState donor, TrialState trial, long step) {
        List<Double> values = new ArrayList<>();
        for (TrialState other : state.trials()) {
            Double value = other.rungs().get(step);
            if (value != null) {
                values.add(value);
            }
        }
        values.sort(null);
        int cut = values.size() / 4;
        assertThat(cut).isPositive();
        assertThat(donor.rungs().get(step)).isLessThanOrEqualTo(values.get(cut - 1));
        assertThat(trial.rungs().get(step)).isGreaterThanOrEqualTo(values.get(values.size() - cut));
    }
}
