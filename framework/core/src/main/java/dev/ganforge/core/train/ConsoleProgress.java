package dev.ganforge.core.train;

import java.io.PrintStream;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console's progress bars (the <a
 * href="https://github.com/ctongfei/progressbar">progressbar</a> library): on a terminal a bar
 * redrawn in place every second; when the output goes to a file or a pipe (no console), a plain
 * line every 10 s instead of carriage-return redraws, each line printed once. Both redraw while the
 * count stands still (the elapsed time and the message move on), so a long evaluation between two
 * training steps never leaves the output silent.
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
     * @param start units already done (a resumed run's step)
     * @return a started bar, redrawn in place if {@link #TERMINAL_PROPERTY} (or, without it, {@link
     *     System#console()}) says the output is a terminal, else printed as plain lines; the caller
     *     closes it
     */
    public static ProgressBar bar(PrintStream console, String task, long total, long start) {
        String told = System.getProperty(TERMINAL_PROPERTY);
        boolean terminal = told != null ? Boolean.parseBoolean(told) : System.console() != null;
        return bar(console, task, total, start, terminal, terminal ? 1000 : 10_000);
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
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(start, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(intervalMillis)
                .continuousUpdate()
                .showSpeed(speedFormat())
                .setConsumer(
                        terminal
                                ? new ConsoleProgressBarConsumer(console)
                                : new DelegatingProgressBarConsumer(withoutRepeats(console), 120))
                .build();
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
     * Units per second with a leading zero and one decimal ({@code 0.9/s}, not {@code .9/s}). The
     * bar's timer thread and {@link #onBar}'s immediate redraw on the caller's thread may render
     * the same bar at once, and a plain {@link DecimalFormat} is not thread-safe, so formatting is
     * synchronized.
     */
    static DecimalFormat speedFormat() {
        return new SynchronizedDecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    private static final class SynchronizedDecimalFormat extends DecimalFormat {
        private static final long serialVersionUID = 1L;

        SynchronizedDecimalFormat(String pattern, DecimalFormatSymbols symbols) {
            super(pattern, symbols);
        }

        @Override
        public synchronized StringBuffer format(
                double number, StringBuffer result, FieldPosition position) {
            return super.format(number, result, position);
        }

        @Override
        public synchronized StringBuffer format(
                long number, StringBuffer result, FieldPosition position) {
            return super.format(number, result, position);
        }
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
