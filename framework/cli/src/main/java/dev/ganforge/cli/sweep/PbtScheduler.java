package dev.ganforge.cli.sweep;

import dev.ganforge.core.io.Folders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Population-based training, PBT (Jaderberg et al. 2017, "Population Based Training of Neural
 * Networks", https://arxiv.org/abs/1711.09846, used there for GANs), asynchronous. The sweep's
 * trials are the population. Each trains in segments of {@code interval} steps. When a trial ends a
 * segment at step k, it is ranked by the sweep metric at k among the trials that have reached k so
 * far (a trial without a value there, one that logged none or NaN, ranks last: it is exploited,
 * never copied):
 *
 * <ul>
 *   <li><b>exploit</b>: a trial in the bottom {@code quantile} copies the checkpoint at step k of a
 *       trial drawn from the top {@code quantile} (every trial's checkpoint at each interval is
 *       kept in {@code pbt/<trial>-<step>/} of the sweep folder for this);
 *   <li><b>explore</b>: it takes that trial's swept values and multiplies each numeric one by 1 − p
 *       or 1 + p (drawn), then continues with {@code resume --set …}: the weights, optimizer state
 *       and weight average are the donor's, the new settings apply from step k on.
 * </ul>
 *
 * Only values a resume can change are swept ({@code optimizers.*}, {@code training.*} such as the
 * EMA decay and loss; {@code seed}); {@link Schedulers} refuses others. Every exploit is recorded
 * in the trial's lineage ({@code sweep.json}, the MLflow tag {@code ganforge.pbt_lineage}), and
 * {@link #replayScript} writes the best trial's lineage as one plain run: {@code ganforge run} then
 * {@code resume --set} at each step where its ancestry changed values.
 */
final class PbtScheduler implements TrialScheduler, Schedulers.Replayable {

    /** The sweep folder's subfolder with each trial's checkpoint at each interval. */
    static final String SNAPSHOTS = "pbt";

    private final List<SweepRunner.Trial> trials;
    private final Path folder;
    private final long interval;
    private final long length;
    private final double quantile;
    private final double perturbation;
    private final SweepSpec.Goal goal;
    private final long seed;
    private final SweepState state;
    private final PrintWriter out;
    private final Deque<Job> ready = new ArrayDeque<>();
    private final Deque<SweepRunner.Trial> fresh = new ArrayDeque<>();
    private final java.util.Set<String> running = new HashSet<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    private final java.util.Set<Long> paused = new java.util.TreeSet<>();

    /**
     * @param trials the population
     * @param folder the sweep folder
     * @param interval steps between decisions
     * @param length the trials' {@code training.steps}
     * @param quantile bottom/top fraction
     * @param perturbation p of the 1 ± p factors
     * @param goal whether a smaller metric is better
     * @param seed the sweep's seed (the draws of donors and factors)
     * @param state the sweep's recorded state
     * @param out where exploits are reported
     */
    PbtScheduler(
            List<SweepRunner.Trial> trials,
            Path folder,
            long interval,
            long length,
            double quantile,
            double perturbation,
            SweepSpec.Goal goal,
            long seed,
            SweepState state,
            PrintWriter out) {
        this.trials = List.copyOf(trials);
        this.folder = folder;
        this.interval = interval;
        this.length = length;
        this.quantile = quantile;
        this.perturbation = perturbation;
        this.goal = goal;
        this.seed = seed;
        this.state = state;
        this.out = out;
        for (SweepRunner.Trial trial : trials) {
            TrialState current = state.recorded(trial.state());
            switch (current.status()) {
                case "PENDING" -> fresh.add(trial);
                case "RUNNING", "KILLED" -> ready.add(next(trial, current));
                case "PAUSED" -> paused.add(current.steps());
                case "FAILED" -> {
                    if (current.attempts() < SweepRunner.MAX_ATTEMPTS) {
                        ready.add(next(trial, current));
                    }
                }
                default -> {
                    // FINISHED
                }
            }
        }
        // generations that were complete when the sweep process died are decided again (the same
        // way: the draws depend on the seed, the trial and the step only)
        paused.forEach(this::decideWhenAllReached);
    }

    /** The segment that continues a trial from where it is, with its current values. */
    private Job next(SweepRunner.Trial trial, TrialState current) {
        long target =
                current.target() > current.steps()
                        ? current.target()
                        : Math.min(length, current.steps() + interval);
        return new Job(
                trial,
                target,
                false,
                current.lineage().isEmpty() ? Map.of() : current.currentValues());
    }

    /**
     * The whole population first, then the trial that is furthest behind, so that the population
     * moves in step and each decision compares trials at the same step.
     */
    @Override
    public synchronized Optional<Job> next() {
        Job job = null;
        if (!fresh.isEmpty()) {
            job = new Job(fresh.poll(), Math.min(length, interval), false);
        } else if (!ready.isEmpty()) {
            job = ready.stream().min(Comparator.comparingLong(Job::targetSteps)).orElseThrow();
            ready.remove(job);
        }
        if (job != null) {
            running.add(job.trial().state().id());
        }
        return Optional.ofNullable(job);
    }

    @Override
    public synchronized void ended(Job job, int exitCode, Double metric, String log) {
        String id = job.trial().state().id();
        running.remove(id);
        TrialState now = state.get(id);
        String status = SweepRunner.statusOf(exitCode);
        if (!status.equals("FINISHED")) {
            if (status.equals("FAILED")
                    && failures.merge(id, 1, Integer::sum) < SweepRunner.MAX_ATTEMPTS) {
                ready.add(job);
            }
            state.put(
                    now.with(
                            status,
                            now.attempts(),
                            now.metric(),
                            status.equals("FAILED")
                                    ? "exit code " + exitCode + ", see " + log
                                    : null));
            return;
        }
        long step = job.targetSteps();
        boolean last = step >= length;
        TrialState reached = now.reached(last ? "FINISHED" : "PAUSED", step, metric);
        state.put(reached);
        if (last) {
            if (state.trials().stream().allMatch(t -> t.status().equals("FINISHED"))) {
                // no decision is left that could copy a snapshot
                deleteFolder(folder.resolve(SNAPSHOTS));
            }
            return;
        }
        snapshot(reached, step);
        decideWhenAllReached(step);
    }

    /**
     * When every trial of the population (those not failed for good) has reached {@code step}, the
     * bottom quantile there copies the top quantile and all continue: a synchronous generation, so
     * each decision compares the whole population at one step.
     */
    private void decideWhenAllReached(long step) {
        List<SweepRunner.Trial> waiting = new ArrayList<>();
        for (SweepRunner.Trial trial : trials) {
            TrialState s = state.get(trial.state().id());
            if (s.status().equals("FAILED")
                    && failures.getOrDefault(s.id(), 0) >= SweepRunner.MAX_ATTEMPTS) {
                continue; // out of the population
            }
            if (s.steps() < step || running.contains(s.id()) || !s.status().equals("PAUSED")) {
                if (s.steps() < step || running.contains(s.id())) {
                    return; // the generation is not complete yet
                }
                continue;
            }
            if (s.steps() == step) {
                waiting.add(trial);
            }
        }
        for (SweepRunner.Trial trial : waiting) {
            ready.add(exploitOrContinue(trial, state.get(trial.state().id()), step));
        }
        // Every trial is at this generation: no decision at an earlier step can run again, not
        // even after a restart, so those snapshots (one checkpoint per trial each) are garbage.
        pruneSnapshotsBefore(step);
    }

    /** Deletes the snapshots taken at steps before {@code step}. */
    private void pruneSnapshotsBefore(long step) {
        Path snapshots = folder.resolve(SNAPSHOTS);
        if (!Files.isDirectory(snapshots)) {
            return;
        }
        try (Stream<Path> entries = Files.list(snapshots)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                int dash = name.lastIndexOf('-');
                if (dash > 0
                        && name.substring(dash + 1).chars().allMatch(Character::isDigit)
                        && Long.parseLong(name.substring(dash + 1)) < step) {
                    deleteFolder(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + snapshots, e);
        }
    }

    /** Keeps the trial's checkpoint at {@code step} for trials that copy it later. */
    private void snapshot(TrialState trial, long step) {
        Path checkpoint = checkpointAt(folder.resolve(trial.folderName()), step);
        Path target = snapshotOf(trial.id(), step);
        if (Files.isDirectory(checkpoint) && !Files.isDirectory(target)) {
            copyFolder(checkpoint, target);
        }
    }

    /** Decides, at the end of an interval, whether the trial copies another one. */
    private Job exploitOrContinue(SweepRunner.Trial trial, TrialState now, long step) {
        long next = Math.min(length, step + interval);
        Optional<TrialState.Exploit> decided =
                now.lineage().stream().filter(e -> e.step() == step).findFirst();
        if (decided.isPresent()) { // decided before the sweep process died: the same again
            install(
                    snapshotOf(decided.get().donor(), step),
                    folder.resolve(now.folderName()),
                    step);
            return new Job(trial, next, false, now.currentValues());
        }
        List<TrialState> members = new ArrayList<>();
        for (SweepRunner.Trial other : trials) {
            TrialState s = state.get(other.state().id());
            // a trial without a value at this step (none logged, or NaN) is a member too: it ranks
            // last, so a diverged trial takes a better one's weights
            if (s.steps() >= step && Files.isDirectory(snapshotOf(s.id(), step))) {
                members.add(s);
            }
        }
        int cut = (int) Math.floor(members.size() * quantile);
        members.sort(ranking(step));
        // only members with a value can be donors, however few of the top quantile have one
        List<TrialState> top =
                members.subList(0, cut).stream().filter(s -> s.rungs().get(step) != null).toList();
        List<TrialState> bottom = members.subList(members.size() - cut, members.size());
        boolean isBottom = bottom.stream().anyMatch(s -> s.id().equals(now.id()));
        Map<String, String> own = now.lineage().isEmpty() ? Map.of() : now.currentValues();
        if (top.isEmpty() || !isBottom) {
            return new Job(trial, next, false, own);
        }
        SplittableRandom random =
                new SplittableRandom(seed * 1_000_003L + now.id().hashCode() * 31L + step);
        TrialState donor = top.get(random.nextInt(top.size()));
        Map<String, String> values = perturb(donor.currentValues(), random);
        install(snapshotOf(donor.id(), step), folder.resolve(now.folderName()), step);
        state.put(now.exploited(step, donor.id(), values));
        out.printf(
                Locale.ROOT,
                "trial %s: at step %d in the bottom %d %% (metric %s); takes the weights of trial"
                        + " %s (%s) and continues with %s%n",
                now.id(),
                step,
                Math.round(quantile * 100),
                now.rungs().containsKey(step) ? now.rungs().get(step) : "none",
                donor.id(),
                donor.rungs().get(step),
                values);
        return new Job(trial, next, false, values);
    }

    /** Best first; a trial without a value at {@code step} ranks last. */
    private Comparator<TrialState> ranking(long step) {
        Comparator<Double> byValue =
                goal == SweepSpec.Goal.MINIMIZE
                        ? Comparator.naturalOrder()
                        : Comparator.<Double>naturalOrder().reversed();
        return Comparator.comparing(
                        (TrialState s) -> s.rungs().get(step), Comparator.nullsLast(byValue))
                .thenComparing(TrialState::id);
    }

    /**
     * The donor's values with every numeric one except {@code seed} multiplied by 1 − p or 1 + p;
     * integers stay integers (at least 1), values named {@code beta…} or {@code …decay} stay below
     * 1.
     */
    Map<String, String> perturb(Map<String, String> values, SplittableRandom random) {
        Map<String, String> perturbed = new LinkedHashMap<>();
        values.forEach(
                (key, text) -> {
                    if (key.equals("seed")) {
                        perturbed.put(key, text);
                        return;
                    }
                    double factor = random.nextBoolean() ? 1 + perturbation : 1 - perturbation;
                    try {
                        if (text.matches("-?[0-9]+")) {
                            long value = Math.max(1, Math.round(Long.parseLong(text) * factor));
                            perturbed.put(key, Long.toString(value));
                        } else {
                            double value = Double.parseDouble(text) * factor;
                            String leaf = key.substring(key.lastIndexOf('.') + 1);
                            if (leaf.startsWith("beta") || leaf.endsWith("decay")) {
                                value = Math.min(value, 0.9999);
                            }
                            perturbed.put(key, Double.toString(value));
                        }
                    } catch (NumberFormatException notNumeric) {
                        perturbed.put(key, text);
                    }
                });
        return perturbed;
    }

    private Path snapshotOf(String trial, long step) {
        return folder.resolve(SNAPSHOTS).resolve(trial + "-" + String.format("%08d", step));
    }

    private static Path checkpointAt(Path run, long step) {
        return run.resolve("checkpoints").resolve(String.format("step-%08d", step));
    }

    /**
     * Makes the donor's checkpoint the trial's checkpoint at {@code step}: copied beside it, moved
     * into place, then the pointer {@code checkpoints/latest} written, so a crash leaves either
     * checkpoint whole.
     */
    private static void install(Path snapshot, Path run, long step) {
        Path target = checkpointAt(run, step);
        Path staged = target.resolveSibling(target.getFileName() + ".pbt.tmp");
        deleteFolder(staged);
        copyFolder(snapshot, staged);
        deleteFolder(target);
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + snapshot + " as " + target, e);
        }
        Folders.writeAtomically(
                run.resolve("checkpoints").resolve("latest"),
                target.getFileName().toString() + "\n");
    }

    private static void copyFolder(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void deleteFolder(Path folder) {
        try {
            Folders.deleteTree(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    @Override
    public void finish() {
        // every trial trains to the end; the best lineage is written by replayScript
    }

    /**
     * The best trial's history as one plain run: for each stretch of steps, the trial whose weights
     * trained then and the values it trained with, oldest first.
     *
     * @param best the trial
     * @return stretches (to step, values), in order
     */
    List<Map.Entry<Long, Map<String, String>>> lineageOf(TrialState best) {
        return stretches(best, best.steps());
    }

    /**
     * The stretches that produced {@code trial}'s weights at {@code upTo}. Only exploits before
     * {@code upTo} count: a checkpoint at step k is kept for donors before the trial's own exploit
     * at k replaces it.
     */
    private List<Map.Entry<Long, Map<String, String>>> stretches(TrialState trial, long upTo) {
        List<TrialState.Exploit> before =
                trial.lineage().stream().filter(e -> e.step() < upTo).toList();
        if (before.isEmpty()) {
            List<Map.Entry<Long, Map<String, String>>> own = new ArrayList<>();
            own.add(Map.entry(upTo, trial.values()));
            return own;
        }
        TrialState.Exploit last = before.get(before.size() - 1);
        List<Map.Entry<Long, Map<String, String>>> chain =
                new ArrayList<>(stretches(state.get(last.donor()), last.step()));
        if (upTo > last.step()) {
            chain.add(Map.entry(upTo, last.values()));
        }
        return chain;
    }

    /**
     * Writes {@code pbt-best-lineage.sh} into the sweep folder: the commands that train the best
     * trial's lineage again as one run ({@code ganforge run} with the root trial's spec, then
     * {@code resume --set} where the values changed).
     *
     * @param best the best trial
     * @param trialSpec the spec file of the trial whose weights started the lineage, by trial id
     * @return the script
     * @throws UncheckedIOException if it cannot be written
     */
    @Override
    public Path replayScript(TrialState best, java.util.function.Function<String, Path> trialSpec) {
        List<Map.Entry<Long, Map<String, String>>> chain = lineageOf(best);
        String root = rootOf(best, best.steps());
        StringBuilder script = new StringBuilder();
        script.append("#!/bin/sh\n")
                .append("# The lineage of PBT trial ")
                .append(best.id())
                .append(" as one run (")
                .append(chain.size())
                .append(" stretches): ganforge run, then resume --set at each change.\n")
                .append("set -e\n")
                .append("out=${1:-")
                .append(folder.resolve("pbt-best-lineage"))
                .append("}\n");
        boolean first = true;
        for (Map.Entry<Long, Map<String, String>> stretch : chain) {
            script.append(
                    first
                            ? "./ganforge run " + trialSpec.apply(root) + " --output \"$out\""
                            : "./ganforge resume \"$out\"");
            script.append(" --set training.steps=").append(stretch.getKey());
            for (String override : TrialPlan.overrides(stretch.getValue())) {
                script.append(" --set '").append(override).append("'");
            }
            script.append('\n');
            first = false;
        }
        Path file = folder.resolve("pbt-best-lineage.sh");
        try {
            Files.writeString(file, script.toString(), StandardCharsets.UTF_8);
            file.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The trial whose initial weights the lineage of {@code trial} up to a step started from. */
    private String rootOf(TrialState trial, long upTo) {
        List<TrialState.Exploit> before =
                trial.lineage().stream().filter(e -> e.step() < upTo).toList();
        if (before.isEmpty()) {
            return trial.id();
        }
        TrialState.Exploit last = before.get(before.size() - 1);
        return rootOf(state.get(last.donor()), last.step());
    }
}
