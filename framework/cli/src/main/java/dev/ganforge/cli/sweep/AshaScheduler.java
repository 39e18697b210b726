package dev.ganforge.cli.sweep;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving, ASHA (Li et al. 2018, "A System for Massively Parallel
 * Hyperparameter Tuning", https://arxiv.org/abs/1810.05934, Algorithm 2). Trials train in segments
 * that end at rungs r_k = {@code min_steps} · η^k (the last rung is the trials' own {@code
 * training.steps}). Whenever a slot is free the scheduler looks, from the highest rung down, for a
 * trial in the top 1/η (by the sweep metric, among the trials that have reached that rung so far)
 * that was not promoted yet, and continues it to the next rung (a {@code resume} from its
 * checkpoint, bit-exact as for any resume); if there is none it starts the next new trial at rung
 * 0. No slot ever waits for a rung to fill. When nothing is left to promote or start and no trial
 * has reached the last rung (a rung with fewer than η trials has an empty top 1/η), the best trial
 * of the highest rung reached continues, until one trial reaches the last rung. Then trials that
 * stopped below the last rung are PRUNED; those that reached it are FINISHED.
 *
 * <p>A rung's ranking uses the metric logged at that rung's step; a trial whose metric is missing
 * (it never logged the sweep metric, or only non-finite values) ranks last and is never promoted:
 * the top 1/η is counted over every trial at the rung, but only trials with a value can fill it,
 * and when no trial at the highest rung reached has one, none is continued to the last rung and the
 * sweep ends without a winner (each such trial's PRUNED reason says so). Restarted after its
 * process died, the scheduler rebuilds the rungs from {@code sweep.json} and first continues the
 * segments that were running.
 */
final class AshaScheduler implements TrialScheduler {

    private final List<SweepRunner.Trial> trials;
    private final long[] rungs;
    private final int eta;
    private final SweepSpec.Goal goal;
    private final SweepState state;
    private final PrintWriter out;
    private final Deque<Job> interrupted = new ArrayDeque<>();
    private final Deque<SweepRunner.Trial> fresh = new ArrayDeque<>();
    private final Set<String> running = new HashSet<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();

    /**
     * @param trials the plan
     * @param rungs the rung steps, increasing; the last is the trials' {@code training.steps}
     * @param eta the reduction factor η ≥ 2: the top 1/η of a rung is promoted
     * @param goal whether a smaller or a larger metric is better
     * @param seed the order in which new trials start is a permutation drawn with this seed: a
     *     plan's order (learning rates rising, say) must not decide which trials are promoted early
     * @param state the sweep's recorded state
     * @param out where promotions and pruning are reported
     */
    AshaScheduler(
            List<SweepRunner.Trial> trials,
            long[] rungs,
            int eta,
            SweepSpec.Goal goal,
            long seed,
            SweepState state,
            PrintWriter out) {
        this.trials = List.copyOf(trials);
        this.rungs = rungs.clone();
        this.eta = eta;
        this.goal = goal;
        this.state = state;
        this.out = out;
        for (SweepRunner.Trial trial : trials) {
            TrialState current = state.recorded(trial.state());
            switch (current.status()) {
                case "PENDING" -> fresh.add(trial);
                case "RUNNING", "KILLED" -> {
                    long target = current.target() > 0 ? current.target() : this.rungs[0];
                    interrupted.add(new Job(trial, target, false));
                }
                case "FAILED" -> {
                    if (current.attempts() < SweepRunner.MAX_ATTEMPTS) {
                        long target = current.target() > 0 ? current.target() : this.rungs[0];
                        interrupted.add(new Job(trial, target, false));
                    }
                }
                default -> {
                    // PAUSED, FINISHED, PRUNED: their rung values are in the state
                }
            }
        }
        // ASHA promotes early arrivals more easily (Li et al. 2018, section 3.3): start new trials
        // in a random order, so that a grid listed from worst to best does not promote them all
        List<SweepRunner.Trial> order = new ArrayList<>(fresh);
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        fresh.clear();
        fresh.addAll(order);
    }

    /**
     * The rungs for a sweep: {@code minSteps} · η^k below {@code maxSteps}, then {@code maxSteps}.
     *
     * @param minSteps steps of the first rung, at least 1
     * @param eta the reduction factor, at least 2
     * @param maxSteps the trials' {@code training.steps}, more than {@code minSteps}
     * @return the rung steps, increasing
     * @throws IllegalArgumentException if the numbers do not make at least two rungs
     */
    static long[] rungs(long minSteps, int eta, long maxSteps) {
        if (minSteps < 1 || eta < 2 || maxSteps <= minSteps) {
            throw new IllegalArgumentException(
                    "ASHA needs min_steps ≥ 1, reduction_factor ≥ 2 and training.steps >"
                            + " min_steps; found min_steps "
                            + minSteps
                            + ", reduction_factor "
                            + eta
                            + ", training.steps "
                            + maxSteps);
        }
        List<Long> steps = new ArrayList<>();
        for (long r = minSteps; r < maxSteps; r *= eta) {
            steps.add(r);
        }
        steps.add(maxSteps);
        return steps.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public synchronized Optional<Job> next() {
        Job job = interrupted.poll();
        if (job == null) {
            job = promotion();
        }
        if (job == null && !fresh.isEmpty()) {
            job = new Job(fresh.poll(), rungs[0], false);
        }
        if (job == null && running.isEmpty()) {
            job = finalPromotion();
        }
        if (job != null) {
            running.add(job.trial().state().id());
        }
        return Optional.ofNullable(job);
    }

    /** The best not-yet-promoted trial in the top 1/η of the highest rung that has one. */
    private Job promotion() {
        for (int k = rungs.length - 2; k >= 0; k--) {
            long step = rungs[k];
            List<TrialState> members = members(step);
            int top = members.size() / eta;
            if (top == 0) {
                continue;
            }
            members.sort(ranking(step));
            for (TrialState candidate : members.subList(0, top)) {
                if (candidate.rungs().get(step) == null) {
                    break; // ranked last: nobody from here on has a value to be promoted for
                }
                boolean promoted = candidate.steps() > step || running.contains(candidate.id());
                if (!promoted) {
                    out.printf(
                            "trial %s %s: promoted from rung %d (step %d) to step %d%n",
                            candidate.id(), candidate.values(), k, step, rungs[k + 1]);
                    return new Job(trialOf(candidate.id()), rungs[k + 1], false);
                }
            }
        }
        return null;
    }

    /**
     * When nothing else is left to run and no trial has reached the last rung (a sweep with fewer
     * than η trials at some rung, where the top 1/η is nobody), the best trial of the highest rung
     * reached continues, so the sweep ends with a winner trained to {@code training.steps}: as in
     * Ray Tune's ASHA, where a rung's cut-off with one result is that result.
     */
    private Job finalPromotion() {
        long last = rungs[rungs.length - 1];
        for (int k = rungs.length - 2; k >= 0; k--) {
            List<TrialState> members = members(rungs[k]);
            if (members.stream().anyMatch(s -> s.steps() >= last)) {
                return null;
            }
            if (members.isEmpty()) {
                continue;
            }
            members.sort(ranking(rungs[k]));
            TrialState best = members.get(0);
            if (best.rungs().get(rungs[k]) == null) {
                // no metric to say which is best: nothing to continue
                out.printf(
                        "no trial at rung %d (step %d) logged a value of the sweep metric; none"
                                + " continues to step %d, so the sweep ends without a best trial%n",
                        k, rungs[k], last);
                return null;
            }
            out.printf(
                    "trial %s %s: continues from rung %d (step %d) to step %d: the best there, and"
                            + " the rung has %d trial%s, fewer than the %d a top 1/%d needs%n",
                    best.id(),
                    best.values(),
                    k,
                    rungs[k],
                    rungs[k + 1],
                    members.size(),
                    members.size() == 1 ? "" : "s",
                    eta,
                    eta);
            return new Job(trialOf(best.id()), rungs[k + 1], false);
        }
        return null;
    }

    /** The trials that reached {@code step} and did not fail. */
    private List<TrialState> members(long step) {
        List<TrialState> members = new ArrayList<>();
        for (SweepRunner.Trial trial : trials) {
            TrialState s = state.get(trial.state().id());
            if (s.steps() >= step && !s.status().equals("FAILED")) {
                members.add(s);
            }
        }
        return members;
    }

    /** Best first; a trial without a value at {@code step} ranks last. */
    private Comparator<TrialState> ranking(long step) {
        Comparator<Double> byValue =
                goal == SweepSpec.Goal.MINIMIZE
                        ? Comparator.naturalOrder()
                        : Comparator.<Double>naturalOrder().reversed();
        return Comparator.comparing(
                (TrialState s) -> s.rungs().get(step), Comparator.nullsLast(byValue));
    }

    private SweepRunner.Trial trialOf(String id) {
        return trials.stream().filter(t -> t.state().id().equals(id)).findFirst().orElseThrow();
    }

    @Override
    public synchronized void ended(Job job, int exitCode, Double metric, String log) {
        String id = job.trial().state().id();
        running.remove(id);
        TrialState now = state.get(id);
        String status = SweepRunner.statusOf(exitCode);
        if (status.equals("FINISHED")) {
            boolean last = job.targetSteps() >= rungs[rungs.length - 1];
            state.put(now.reached(last ? "FINISHED" : "PAUSED", job.targetSteps(), metric));
            return;
        }
        if (status.equals("FAILED")) {
            int failed = failures.merge(id, 1, Integer::sum);
            if (failed < SweepRunner.MAX_ATTEMPTS) {
                interrupted.add(job); // once more, from its last checkpoint
            }
        }
        state.put(
                now.with(
                        status,
                        now.attempts(),
                        now.metric(),
                        status.equals("FAILED") ? "exit code " + exitCode + ", see " + log : null));
    }

    @Override
    public synchronized void finish() {
        long last = rungs[rungs.length - 1];
        for (SweepRunner.Trial trial : trials) {
            TrialState s = state.get(trial.state().id());
            if (s.status().equals("PAUSED") && s.steps() < last) {
                String why;
                if (s.rungs().get(s.steps()) == null) {
                    why = "it logged no value of the sweep metric there, so it could not be ranked";
                } else {
                    List<TrialState> members = members(s.steps());
                    members.sort(ranking(s.steps()));
                    int rank = members.stream().map(TrialState::id).toList().indexOf(s.id()) + 1;
                    why =
                            "ranked "
                                    + rank
                                    + " of the "
                                    + members.size()
                                    + " trials at that rung, where the top 1/"
                                    + eta
                                    + " continue";
                }
                state.put(
                        s.with(
                                "PRUNED",
                                s.attempts(),
                                s.metric(),
                                "stopped by ASHA at step " + s.steps() + ": " + why));
            }
        }
    }
}
