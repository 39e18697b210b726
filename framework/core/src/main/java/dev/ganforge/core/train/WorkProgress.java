package dev.ganforge.core.train;

import java.util.concurrent.CancellationException;

/**
 * What long work outside the training step (training the domain classifier, an evaluation's
 * Classification Accuracy Score) reports while it runs, and how it learns that the run was asked to
 * stop: {@link #update} throws {@link CancellationException} then, so a SIGTERM is honoured within
 * one update instead of after the work ends.
 */
@FunctionalInterface
public interface WorkProgress {

    /** Reports nothing and never cancels. */
    WorkProgress NONE = (task, done, total) -> {};

    /**
     * @param task what runs, e.g. {@code "domain classifier"} or {@code "eval/cas"}
     * @param done units done so far (classifier updates), 0 ≤ done ≤ total
     * @param total units planned, ≥ 1
     * @throws CancellationException if the run was asked to stop; the work must then end without
     *     leaving a half-made result behind (a classifier is not cached, an evaluation not logged)
     */
    void update(String task, long done, long total);
}
