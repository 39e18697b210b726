package dev.ganforge.cli.sweep;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Trains every trial to its end, in plan order: the full grid (or every random draw). A trial that
 * finished earlier is skipped; one that fails is started again once (from its last checkpoint if it
 * has one); one that was stopped resumes.
 */
final class GridScheduler implements TrialScheduler {

    private final SweepState state;
    private final Deque<Job> queue = new ArrayDeque<>();
    private final java.io.PrintWriter out;

    /**
     * @param trials the plan
     * @param state the sweep's recorded state
     * @param out where skipped trials are reported
     */
    GridScheduler(List<SweepRunner.Trial> trials, SweepState state, java.io.PrintWriter out) {
        this.state = state;
        this.out = out;
        for (SweepRunner.Trial trial : trials) {
            TrialState current = state.recorded(trial.state());
            if (current.status().equals("FINISHED")) {
                out.println(
                        "trial "
                                + current.id()
                                + " "
                                + current.values()
                                + ": finished earlier, skipped");
                continue;
            }
            if (current.status().equals("FAILED")
                    && current.attempts() >= SweepRunner.MAX_ATTEMPTS) {
                out.println(
                        "trial "
                                + current.id()
                                + " "
                                + current.values()
                                + ": failed "
                                + current.attempts()
                                + " times, not retried ("
                                + current.reason()
                                + ")");
                continue;
            }
            queue.add(new Job(trial, 0, true));
        }
    }

    @Override
    public Optional<Job> next() {
        return Optional.ofNullable(queue.poll());
    }

    @Override
    public void ended(Job job, int exitCode, Double metric, String log) {
        TrialState now = state.get(job.trial().state().id());
        String status = SweepRunner.statusOf(exitCode);
        if (status.equals("FINISHED")) {
            state.put(now.reached("FINISHED", now.target(), metric));
        } else {
            state.put(
                    now.with(
                            status,
                            now.attempts(),
                            metric,
                            status.equals("FAILED")
                                    ? "exit code " + exitCode + ", see " + log
                                    : null));
        }
    }

    @Override
    public void finish() {
        // every trial ended with its own status
    }
}
