package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASHA (Li et al. 2018) driven the way {@link SweepRunner} drives it, with simulated trials whose
 * metric at step s is {@code quality + 1/s} (lower is better): slots are refilled whenever a
 * segment ends, segments end in an order set by a seeded random generator, and the checks are those
 * of the algorithm: no slot waits while a new trial or a promotable one exists, only the top 1/η of
 * a rung is promoted, the best trial reaches the last rung, far fewer steps than the full grid are
 * trained, every trial ends FINISHED or PRUNED, and a scheduler rebuilt from sweep.json continues
 * the interrupted segments first.
 */
class AshaSchedulerTest {

    private static final long[] RUNGS = {10, 30, 90};
    private static final int ETA = 3;

    @TempDir Path folder;

    @Test
    void rungsGrowByEtaAndEndAtTheTrialLength() {
        assertThat(AshaScheduler.rungs(10, 3, 90)).containsExactly(10, 30, 90);
        assertThat(AshaScheduler.rungs(10, 3, 100)).containsExactly(10, 30, 90, 100);
        assertThat(AshaScheduler.rungs(50, 2, 120)).containsExactly(50, 100, 120);
        assertThatThrownBy(() -> AshaScheduler.rungs(100, 3, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training.steps > min_steps");
    }

    @Test
    void promotesOnlyTheTopThirdTrainsFarLessThanTheGridAndKeepsTheBest() {
        for (long seed = 1; seed <= 5; seed++) {
            SweepState state = SweepState.load(folder.resolve("s" + seed));
            List<SweepRunner.Trial> trials = trials(16);
            Map<String, Double> quality = qualities(trials, seed);
            AshaScheduler scheduler = minimizing(trials, seed, state, quiet());

            Simulation run = simulate(scheduler, state, quality, 2, new Random(seed), -1);

            scheduler.finish();
            String best = bestOf(quality);
            assertThat(state.get(best).status()).as("seed " + seed).isEqualTo("FINISHED");
            long steps = state.trials().stream().mapToLong(TrialState::steps).sum();
            assertThat(steps).as("steps trained").isLessThanOrEqualTo((long) (0.4 * 16 * 90));
            assertThat(state.trials())
                    .extracting(TrialState::status)
                    .containsOnly("FINISHED", "PRUNED");
            assertThat(run.idleWhileWorkWasLeft).as("a slot waited for a rung to fill").isZero();
            for (TrialState trial : state.trials()) {
                if (trial.status().equals("PRUNED")) {
                    assertThat(trial.reason()).contains("top 1/3");
                    assertThat(trial.steps()).isLessThan(90);
                }
            }
            // each promotion came from the top third of its rung as it stood at that moment
            assertThat(run.promotionOutsideTheTop).isZero();
        }
    }

    @Test
    void aGridListedFromWorstToBestDoesNotPromoteEveryNewArrival() {
        // plan order = quality order, worst first: without a shuffled start order every new trial
        // would beat the ones before it and be promoted
        long worstCase = 0;
        for (long seed = 1; seed <= 5; seed++) {
            SweepState state = SweepState.load(folder.resolve("w" + seed));
            List<SweepRunner.Trial> trials = trials(16);
            Map<String, Double> quality = new HashMap<>();
            for (int i = 0; i < trials.size(); i++) {
                quality.put(trials.get(i).state().id(), 1.0 - i / 16.0);
            }
            AshaScheduler scheduler = minimizing(trials, seed, state, quiet());
            simulate(scheduler, state, quality, 1, new Random(seed), -1);
            scheduler.finish();
            worstCase =
                    Math.max(worstCase, state.trials().stream().mapToLong(TrialState::steps).sum());
            assertThat(state.get(trials.get(15).state().id()).status()).isEqualTo("FINISHED");
        }
        assertThat(worstCase).as("steps trained").isLessThanOrEqualTo((long) (0.4 * 16 * 90));
    }

    @Test
    void aScheduleRebuiltFromSweepJsonContinuesTheInterruptedSegmentsFirst() {
        SweepState state = SweepState.load(folder);
        List<SweepRunner.Trial> trials = trials(9);
        Map<String, Double> quality = qualities(trials, 7);
        AshaScheduler first = minimizing(trials, 7, state, quiet());
        // the sweep process dies while two segments run
        simulate(first, state, quality, 2, new Random(7), 5);
        List<String> interrupted =
                state.trials().stream()
                        .filter(t -> t.status().equals("RUNNING"))
                        .map(TrialState::id)
                        .toList();
        assertThat(interrupted).hasSize(2);

        SweepState reloaded = SweepState.load(folder);
        AshaScheduler second = minimizing(trials, 7, reloaded, quiet());
        List<String> firstTwo = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TrialScheduler.Job job = second.next().orElseThrow();
            firstTwo.add(job.trial().state().id());
            assertThat(job.targetSteps())
                    .isEqualTo(reloaded.get(job.trial().state().id()).target());
            second.ended(job, 0, metric(quality, job), "log");
        }
        assertThat(firstTwo).containsExactlyInAnyOrderElementsOf(interrupted);
        simulate(second, reloaded, quality, 2, new Random(8), -1);
        second.finish();
        assertThat(reloaded.get(bestOf(quality)).status()).isEqualTo("FINISHED");
        assertThat(reloaded.trials())
                .extracting(TrialState::status)
                .containsOnly("FINISHED", "PRUNED");
    }

    @Test
    void withFewerTrialsThanARungNeedsTheBestStillTrainsToTheEnd() {
        // 4 trials, η = 3: rung 0 promotes 4/3 = 1 trial, and rung 1's top 1/3 of that one trial
        // is nobody; the sweep must still end with its best trial trained to training.steps
        for (long seed = 1; seed <= 3; seed++) {
            SweepState state = SweepState.load(folder.resolve("few" + seed));
            List<SweepRunner.Trial> trials = trials(4);
            Map<String, Double> quality = qualities(trials, seed);
            StringWriter printed = new StringWriter();
            AshaScheduler scheduler =
                    minimizing(trials, seed, state, new PrintWriter(printed, true));

            simulate(scheduler, state, quality, 2, new Random(seed), -1);
            scheduler.finish();

            String best = bestOf(quality);
            assertThat(state.get(best).status()).as(printed.toString()).isEqualTo("FINISHED");
            assertThat(state.get(best).steps()).isEqualTo(90);
            assertThat(printed.toString()).contains("trial " + best).contains("fewer than the 3");
            assertThat(state.trials())
                    .extracting(TrialState::status)
                    .containsExactlyInAnyOrder("FINISHED", "PRUNED", "PRUNED", "PRUNED");
            for (TrialState trial : state.trials()) {
                if (trial.status().equals("PRUNED")) {
                    // each pruned trial ranked below the best at rung 0
                    assertThat(trial.steps()).isEqualTo(10);
                    assertThat(trial.reason()).matches(".*ranked [234] of the 4 trials.*top 1/3.*");
                }
            }
            // three stopped at 10 steps, the best alone on to 30 and then 90
            assertThat(state.trials().stream().mapToLong(TrialState::steps).sum())
                    .isEqualTo(3 * 10 + 90);
        }
    }

    @Test
    void aTrialWithoutAMetricIsNeverPromoted() {
        // 9 trials, η = 3: rung 0's top 1/3 has 3 places, but only 2 trials log the metric (the
        // others diverged, say); the places of the 7 without a value stay empty
        for (long seed = 1; seed <= 3; seed++) {
            SweepState state = SweepState.load(folder.resolve("nan" + seed));
            List<SweepRunner.Trial> trials = trials(9);
            Map<String, Double> quality = new HashMap<>();
            for (SweepRunner.Trial trial : trials) {
                quality.put(trial.state().id(), Double.NaN);
            }
            quality.put(trials.get(3).state().id(), 0.2);
            quality.put(trials.get(6).state().id(), 0.1);
            AshaScheduler scheduler = minimizing(trials, seed, state, quiet());

            simulate(scheduler, state, quality, 2, new Random(seed), -1);
            scheduler.finish();

            assertThat(state.get(trials.get(6).state().id()).status()).isEqualTo("FINISHED");
            for (SweepRunner.Trial trial : trials) {
                TrialState s = state.get(trial.state().id());
                if (Double.isNaN(quality.get(s.id()))) {
                    assertThat(s.steps()).as("trained without a value").isEqualTo(10);
                    assertThat(s.status()).isEqualTo("PRUNED");
                    assertThat(s.reason()).contains("no value of the sweep metric");
                }
            }
        }
    }

    @Test
    void whenNoTrialLogsTheMetricTheSweepEndsWithoutAWinnerAndSaysWhy() {
        SweepState state = SweepState.load(folder);
        List<SweepRunner.Trial> trials = trials(2);
        Map<String, Double> quality = new HashMap<>();
        trials.forEach(t -> quality.put(t.state().id(), Double.NaN));
        StringWriter printed = new StringWriter();
        AshaScheduler scheduler = minimizing(trials, 7, state, new PrintWriter(printed, true));

        simulate(scheduler, state, quality, 2, new Random(7), -1);
        scheduler.finish();

        assertThat(printed.toString())
                .contains("no trial at rung 0 (step 10) logged a value of the sweep metric")
                .contains("without a best trial");
        assertThat(state.trials()).extracting(TrialState::steps).containsOnly(10L);
        assertThat(state.trials()).extracting(TrialState::status).containsOnly("PRUNED");
    }

    @Test
    void aFailedSegmentIsRetriedOnceThenTheTrialStaysFailed() {
        SweepState state = SweepState.load(folder);
        List<SweepRunner.Trial> trials = trials(1);
        AshaScheduler scheduler = minimizing(trials, 7, state, quiet());
        TrialScheduler.Job job = scheduler.next().orElseThrow();
        state.put(state.get(job.trial().state().id()).started(job.targetSteps()));
        scheduler.ended(job, 1, null, "trial.log");
        TrialScheduler.Job again = scheduler.next().orElseThrow();
        assertThat(again.targetSteps()).isEqualTo(10);
        state.put(state.get(again.trial().state().id()).started(again.targetSteps()));
        scheduler.ended(again, 1, null, "trial.log");

        assertThat(scheduler.next()).isEmpty();
        assertThat(state.get(job.trial().state().id()).status()).isEqualTo("FAILED");
        assertThat(state.get(job.trial().state().id()).reason()).contains("exit code 1");
    }

    /** What happened while the scheduler was driven. */
    private static final class Simulation {
        int idleWhileWorkWasLeft;
        int promotionOutsideTheTop;
    }

    /**
     * Drives the scheduler like SweepRunner: fill the slots, end one running segment (chosen at
     * random), repeat; stops after {@code endings} endings (-1: until nothing is left).
     */
    private static Simulation simulate(
            AshaScheduler scheduler,
            SweepState state,
            Map<String, Double> quality,
            int slots,
            Random random,
            int endings) {
        Simulation run = new Simulation();
        List<TrialScheduler.Job> running = new ArrayList<>();
        int ended = 0;
        while (true) {
            while (running.size() < slots) {
                Optional<TrialScheduler.Job> job = scheduler.next();
                if (job.isEmpty()) {
                    if (hasWork(state, running)) {
                        run.idleWhileWorkWasLeft++;
                    }
                    break;
                }
                TrialState now = state.get(job.get().trial().state().id());
                if (now.steps() > 0 && !inTop(state, now, job.get(), quality)) {
                    run.promotionOutsideTheTop++;
                }
                state.put(now.started(job.get().targetSteps()));
                running.add(job.get());
            }
            if (running.isEmpty() || ended == endings) {
                return run;
            }
            TrialScheduler.Job done = running.remove(random.nextInt(running.size()));
            scheduler.ended(done, 0, metric(quality, done), "log");
            ended++;
        }
    }

    /** A new trial is pending (nothing else can be known without the scheduler's ranking). */
    private static boolean hasWork(SweepState state, List<TrialScheduler.Job> running) {
        return state.trials().stream().anyMatch(t -> t.status().equals("PENDING"));
    }

    private static boolean inTop(
            SweepState state,
            TrialState trial,
            TrialScheduler.Job job,
            Map<String, Double> quality) {
        long step = trial.steps();
        List<Double> values = new ArrayList<>();
        for (TrialState other : state.trials()) {
            Double value = other.rungs().get(step);
            if (value != null) {
                values.add(value);
            }
        }
        values.sort(null);
        // the top 1/η counts every trial at the rung, those without a value too
        long atRung = state.trials().stream().filter(t -> t.steps() >= step).count();
        int top = (int) (atRung / ETA);
        Double value = trial.rungs().get(step);
        return top > 0 && value != null && value <= values.get(Math.min(top, values.size()) - 1);
    }

    /** The trial's metric after the job; null (never logged) for a quality of NaN. */
    private static Double metric(Map<String, Double> quality, TrialScheduler.Job job) {
        double q = quality.get(job.trial().state().id());
        return Double.isNaN(q) ? null : q + 1.0 / job.targetSteps();
    }

    private static String bestOf(Map<String, Double> quality) {
        return quality.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static Map<String, Double> qualities(List<SweepRunner.Trial> trials, long seed) {
        Random random = new Random(seed * 31);
        Map<String, Double> quality = new HashMap<>();
        for (SweepRunner.Trial trial : trials) {
            quality.put(trial.state().id(), random.nextDouble());
        }
        return quality;
    }

    private static List<SweepRunner.Trial> trials(int count) {
        List<SweepRunner.Trial> trials = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%012d", i);
            trials.add(
                    new SweepRunner.Trial(
                            new TrialState(
                                    id, Map.of("i", Integer.toString(i)), "PENDING", 0, null, null),
                            null,
                            "trial " + i));
        }
        return trials;
    }

    /** ASHA over {@link #RUNGS} with η = {@link #ETA}, a smaller metric being better. */
    private static AshaScheduler minimizing(
            List<SweepRunner.Trial> trials, long seed, SweepState state, PrintWriter out) {
        return new AshaScheduler(trials, RUNGS, ETA, SweepSpec.Goal.MINIMIZE, seed, state, out);
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter());
    }
}
