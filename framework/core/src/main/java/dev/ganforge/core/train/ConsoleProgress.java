package dev.ganforge.core.train;

import java.io.PrintStream;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
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
 * line every 10 s instead of carriage-return redraws, each line printed once.
 */
public final class ConsoleProgress {

    private ConsoleProgress() {}

    /**
     * @param console where the bar goes
     * @param task the bar's name, e.g. {@code "train"}
     * @param total units planned (steps, updates), ≥ 1
     * @param start units already done (a resumed run's step)
     * @return a started bar; the caller closes it
     */
    public static ProgressBar bar(PrintStream console, String task, long total, long start) {
        boolean terminal = System.console() != null;
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(start, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 1000 : 10_000)
                .showSpeed(speedFormat())
                .setConsumer(
                        terminal
                                ? new ConsoleProgressBarConsumer(console)
                                : new DelegatingProgressBarConsumer(withoutRepeats(console), 120))
                .build();
    }

    /**
     * Progress of work before training starts (the domain classifier): one bar per task, opened at
     * its first update and closed at its last; a stop request cancels at the next update.
     *
     * @param console where the bars go
     * @param stopRequested whether the run was asked to stop
     * @return the reporter; {@link WorkProgress#update} throws {@link CancellationException} (after
     *     closing the open bar) once {@code stopRequested} is true
     */
    public static WorkProgress bars(PrintStream console, BooleanSupplier stopRequested) {
        return new WorkProgress() {
            private ProgressBar open;
            private String openTask;

            @Override
            public void update(String task, long done, long total) {
                if (open != null && !task.equals(openTask)) {
                    open.close();
                    open = null;
                }
                if (open == null) {
                    open = bar(console, task, total, 0);
                    openTask = task;
                }
                open.stepTo(done);
                if (done >= total) {
                    open.close();
                    open = null;
                }
                if (stopRequested.getAsBoolean()) {
                    if (open != null) {
                        open.close();
                        open = null;
                    }
                    throw new CancellationException("stopped by signal during " + task);
                }
            }
        };
    }

    /** Units per second with a leading zero and one decimal ({@code 0.9/s}, not {@code .9/s}). */
    static DecimalFormat speedFormat() {
        return new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /**
     * @return a line printer for the plain-line mode that drops a line equal to the one before it
     *     (the library prints the final line twice when the bar closes)
     */
    private static Consumer<String> withoutRepeats(PrintStream console) {
        String[] last = {null};
        return line -> {
            if (!line.equals(last[0])) {
                last[0] = line;
                console.println(line);
            }
        };
    }
}
