package dev.ganforge.core.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * The console's progress bars (the <a
 * href="https://github.com/ctongfei/progressbar">progressbar</a> library): on a terminal a bar
 * redrawn in place every second; when the output goes to a file or a pipe (no console), a plain
 * line every 10 s instead of carriage-return redraws, each line printed once. Both redraw while the
 * count stands still (the elapsed time and the message move on), so a long evaluation between two
 * training steps never leaves the output silent.
 *
 * <p>A line reads {@code train 42% [=====> ] 840/2000 (0:14:02 / 0:19:20) 0.98/s d 0.512 …}: the
 * task, the percentage, the bar, units done of planned, the wall time since the bar opened and the
 * estimated time left, the rate in units per second, then the message. The bar's width depends only
 * on the task name, the planned count and the line's room, never on the message or the figures, so
 * it does not jump when an evaluation's progress replaces the losses. The rate and the time left
 * count the time of the units only, not the pauses between them (an evaluation between two training
 * steps, see {@link Clock}); the time left adds the pauses still to come at the length of the last
 * one.
 */
public final class ConsoleProgress {

    private ConsoleProgress() {}

    /**
     * The system property that says whether the bars' stream (standard error) is a terminal: {@code
     * true} or {@code false}. The {@code ganforge} launcher sets it from {@code [ -t 2 ]}, because
     * Java cannot ask that of standard error itself; without it {@link System#console()} decides,
     * which reports a terminal when standard input and output are one, even with standard error
     * redirected to a file ({@code 2> log}), which would then fill with carriage-return redraws.
     */
    public static final String TERMINAL_PROPERTY = "ganforge.progress.terminal";

    /**
     * @param console where the bar goes
     * @param task the bar's name, e.g. {@code "train"}
     * @param total units planned (steps, updates), ≥ 1
     * @param start units already done (a resumed run's step); the rate counts the units after it
     * @return a started bar, redrawn in place if {@link #TERMINAL_PROPERTY} (or, without it, {@link
     *     System#console()}) says the output is a terminal, else printed as plain lines; the caller
     *     closes it
     */
    public static ProgressBar bar(PrintStream console, String task, long total, long start) {
        return bar(console, task, total, start, new Clock(System::nanoTime));
    }

    /**
     * As {@link #bar(PrintStream, String, long, long)}, timed by {@code clock}, which the caller
     * pauses while work other than the bar's units runs.
     */
    static ProgressBar bar(PrintStream console, String task, long total, long start, Clock clock) {
        String told = System.getProperty(TERMINAL_PROPERTY);
        boolean terminal = told != null ? Boolean.parseBoolean(told) : System.console() != null;
        return bar(console, task, total, start, terminal, terminal ? 1000 : 10_000, clock);
    }

    /**
     * @param terminal whether to redraw in place ({@code false}: plain lines)
     * @param intervalMillis time between two redraws or lines, ms
     */
    static ProgressBar bar(
            PrintStream console,
            String task,
            long total,
            long start,
            boolean terminal,
            int intervalMillis) {
        return bar(
                console, task, total, start, terminal, intervalMillis, new Clock(System::nanoTime));
    }

    private static ProgressBar bar(
            PrintStream console,
            String task,
            long total,
            long start,
            boolean terminal,
            int intervalMillis,
            Clock clock) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(start, Duration.ZERO)
                .setRenderer(new Renderer(clock, terminal))
                .setUpdateIntervalMillis(intervalMillis)
                .continuousUpdate()
                .setConsumer(
                        terminal
                                ? new ConsoleProgressBarConsumer(console)
                                : new DelegatingProgressBarConsumer(
                                        withoutRepeats(console), PLAIN_LINE_LENGTH))
                .build();
    }

    /** The length of a plain line, characters: room for the bar, the counts and the losses. */
    static final int PLAIN_LINE_LENGTH = 132;

    /**
     * A bar's clock: the wall time since the bar opened, and the part of it spent in pauses, the
     * work between two units that is not a unit's (an evaluation between two training steps).
     * Thread-safe: the bar's timer thread reads it while the caller pauses and resumes it.
     */
    static final class Clock {
        private final LongSupplier nanoTime;
        private final long openedAt;
        private long pausedNanos;
        private boolean paused;
        private long pausedSince;
        private long lastPauseNanos = -1;
        private long pausesLeft;

        /**
         * @param nanoTime the time source, ns ({@link System#nanoTime} outside tests); the clock
         *     starts at its first reading
         */
        Clock(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.openedAt = nanoTime.getAsLong();
        }

        /** Starts a pause; a second call before {@link #resume} changes nothing. */
        synchronized void pause() {
            if (!paused) {
                paused = true;
                pausedSince = nanoTime.getAsLong();
            }
        }

        /** Ends the pause, if one runs, and counts it. */
        synchronized void resume() {
            if (paused) {
                paused = false;
                lastPauseNanos = nanoTime.getAsLong() - pausedSince;
                pausedNanos += lastPauseNanos;
            }
        }

        /**
         * @param count pauses still to come (evaluations after this one), ≥ 0; the time left adds
         *     them at the length of the last pause
         */
        synchronized void pausesLeft(long count) {
            pausesLeft = Math.max(0, count);
        }

        /**
         * @return the wall time since the clock started, ns
         */
        synchronized long elapsedNanos() {
            return nanoTime.getAsLong() - openedAt;
        }

        /**
         * @return the wall time since the clock started less its pauses (also a running one), ns
         */
        synchronized long workingNanos() {
            long now = nanoTime.getAsLong();
            long running = paused ? now - pausedSince : 0;
            return now - openedAt - pausedNanos - running;
        }

        /**
         * @param done units done since the clock started
         * @param left units still to do
         * @return the estimated time left, ns: {@code left} units at the mean working time of the
         *     {@code done} ones, plus the pauses to come at the length of the last one (none before
         *     the first ends; the last, not the mean, because a run's first evaluation also pays
         *     one-off work such as {@code eval/cas_real}); -1 when units are left and none was done
         *     yet
         */
        synchronized long remainingNanos(long done, long left) {
            if (left > 0 && done <= 0) {
                return -1;
            }
            double perUnit = left > 0 ? (double) workingNanos() / done : 0;
            double perPause = Math.max(0, lastPauseNanos);
            return Math.round(perUnit * Math.max(0, left) + perPause * pausesLeft);
        }
    }

    /**
     * Draws a bar's line from its state and {@link Clock}. The bar's width is a function of the
     * task name, the planned count and the line's room only, 10–50 characters, leaving {@link
     * #MESSAGE_ROOM} for the message where the room allows (lines of about 100 characters or more);
     * a longer line is cut at the room. For a terminal the line is padded with spaces to the room,
     * so a shorter redraw leaves nothing of the longer one before it. The rate and the time left
     * are shown after a second of work ({@code ?} before: a bar opened with units already done, as
     * an evaluation's, would claim millions per second). Within one second of the clock, a state
     * drawn before gives the same line, so the plain-line mode, which drops repeated lines, prints
     * a closing bar's last line once.
     */
    static final class Renderer implements ProgressBarRenderer {
        /** Characters kept for the message (the losses need 38). */
        static final int MESSAGE_ROOM = 40;

        private static final long SECOND_NANOS = 1_000_000_000L;
        private static final int MIN_BAR = 10;
        private static final int MAX_BAR = 50;

        private final Clock clock;
        private final boolean fillLine;
        private String lastState;
        private String lastLine;

        /**
         * @param clock the bar's clock
         * @param fillLine whether to pad every line to the room (redraws in place)
         */
        Renderer(Clock clock, boolean fillLine) {
            this.clock = clock;
            this.fillLine = fillLine;
        }

        @Override
        public String render(ProgressState state, int maxLength) {
            return render(
                    state.getTaskName(),
                    state.getStart(),
                    state.getCurrent(),
                    state.getMax(),
                    state.getExtraMessage(),
                    maxLength);
        }

        /**
         * @param task the bar's name
         * @param start units done before the bar opened
         * @param current units done
         * @param max units planned, ≥ 1
         * @param message what follows the rate, may be empty
         * @param maxLength the line's room, characters; ≤ 0 gives an empty line
         * @return the line, at most {@code maxLength} characters
         */
        synchronized String render(
                String task, long start, long current, long max, String message, int maxLength) {
            if (maxLength <= 0) {
                return "";
            }
            long elapsed = clock.elapsedNanos();
            String state =
                    String.join(
                            "\u0000",
                            task,
                            Long.toString(start),
                            Long.toString(current),
                            Long.toString(max),
                            String.valueOf(message),
                            Integer.toString(maxLength),
                            Long.toString(elapsed / SECOND_NANOS));
            if (state.equals(lastState)) {
                return lastLine;
            }
            long done = current - start;
            long working = clock.workingNanos();
            boolean measured = working >= SECOND_NANOS && done > 0;
            long remaining =
                    measured || current >= max ? clock.remainingNanos(done, max - current) : -1;
            String rate = measured ? rate(done * 1e9 / working) : "?";
            String total = Long.toString(max);
            String head = String.format(Locale.ROOT, "%s %3d%% [", task, percent(current, max));
            String tail =
                    String.format(
                            Locale.ROOT,
                            "] %" + total.length() + "d/%s (%s / %7s) %7s",
                            current,
                            total,
                            duration(elapsed),
                            remaining < 0 ? "?" : duration(remaining),
                            rate + "/s");
            // "] " count "/" total " (" 7 " / " 7 ") " 7: the tail at its usual width, so the
            // bar's width does not move when a rate passes 1000/s or a time 10 hours
            int usualTail = 2 * total.length() + 31;
            int width =
                    Math.max(
                            MIN_BAR,
                            Math.min(
                                    MAX_BAR, maxLength - head.length() - usualTail - MESSAGE_ROOM));
            StringBuilder line = new StringBuilder(maxLength + MAX_BAR);
            line.append(head);
            int filled = max > 0 ? (int) (Math.min(1.0, (double) current / max) * width) : 0;
            line.append("=".repeat(filled));
            if (filled < width) {
                line.append('>').append(" ".repeat(width - filled - 1));
            }
            line.append(tail).append(message == null ? "" : message);
            if (line.length() > maxLength) {
                line.setLength(maxLength);
            } else if (fillLine) {
                line.append(" ".repeat(maxLength - line.length()));
            }
            lastState = state;
            lastLine = line.toString();
            return lastLine;
        }

        private static int percent(long current, long max) {
            return max > 0 ? (int) Math.min(100, 100 * current / max) : 0;
        }
    }

    /**
     * @param perSecond units per second, ≥ 0
     * @return the rate with two decimals below 1 ({@code 0.34}, a face step on a slow CPU) and one
     *     from 1 on ({@code 12.3}), with a decimal point in every locale
     */
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond < 1 ? "%.2f" : "%.1f", perSecond);
    }

    /**
     * @return {@code nanos} as H:MM:SS, rounded down to the second
     */
    static String duration(long nanos) {
        long seconds = Math.max(0, nanos) / 1_000_000_000L;
        return String.format(
                Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /**
     * Progress of work outside the training bar (the domain classifier's training, an evaluation
     * after the last step, the {@code evaluate} and {@code classifier} commands): one bar per task,
     * opened at its first update and closed at its last; a stop request cancels at the next update.
     *
     * @param console where the bars go
     * @param stopRequested whether the run was asked to stop
     * @return the reporter; {@link WorkProgress#update} throws {@link CancellationException} (after
     *     closing the open bar) once {@code stopRequested} is true; closing it closes a bar left
     *     open by work that ended with another exception
     */
    public static Bars bars(PrintStream console, BooleanSupplier stopRequested) {
        return new Bars(console, stopRequested);
    }

    /** The reporter of {@link #bars}: one bar per task; close it when the work ends. */
    public static final class Bars implements WorkProgress, AutoCloseable {
        private final PrintStream console;
        private final BooleanSupplier stopRequested;
        private ProgressBar open;
        private String openTask;

        private Bars(PrintStream console, BooleanSupplier stopRequested) {
            this.console = console;
            this.stopRequested = stopRequested;
        }

        /**
         * @throws CancellationException once a stop was requested
         */
        @Override
        public void update(String task, long done, long total) {
            if (open != null && !task.equals(openTask)) {
                close();
            }
            if (open == null) {
                open = bar(console, task, total, 0);
                openTask = task;
            }
            open.stepTo(done);
            if (done >= total) {
                close();
            }
            if (stopRequested.getAsBoolean()) {
                close();
                throw cancelled(task);
            }
        }

        /** Closes the open bar, if any (its last line is printed). */
        @Override
        public void close() {
            if (open != null) {
                open.close();
                open = null;
                openTask = null;
            }
        }
    }

    /**
     * Progress of work that runs while a bar stands still (an evaluation between two training
     * steps): it becomes the bar's message ({@code " evaluating: eval/cas 40/180"}), redrawn at
     * once when a task starts and then with the bar's own redraws (every second on a terminal,
     * every 10 s as a plain line otherwise).
     *
     * @param bar the standing bar
     * @param stopRequested whether the run was asked to stop
     * @return the reporter; it throws {@link CancellationException} once {@code stopRequested} is
     *     true
     */
    public static WorkProgress onBar(ProgressBar bar, BooleanSupplier stopRequested) {
        String[] shownTask = {null};
        return (task, done, total) -> {
            bar.setExtraMessage(" evaluating: " + task + " " + done + "/" + total);
            if (!task.equals(shownTask[0])) {
                shownTask[0] = task;
                bar.refresh();
            }
            if (stopRequested.getAsBoolean()) {
                throw cancelled(task);
            }
        };
    }

    private static CancellationException cancelled(String task) {
        return new CancellationException("stopped by signal during " + task);
    }

    /**
     * @return a line printer for the plain-line mode that drops a line equal to the one before it
     *     (the library prints the final line twice when the bar closes)
     */
    private static Consumer<String> withoutRepeats(PrintStream console) {
        String[] last = {null};
        return line -> {
            // the library's timer thread and the caller's refresh() may print at once
            synchronized (last) {
                if (!line.equals(last[0])) {
                    last[0] = line;
                    console.println(line);
                }
            }
        };
    }
}
