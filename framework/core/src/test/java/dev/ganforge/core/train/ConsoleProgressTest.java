package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

/**
 * The console's plain-line mode (output to a file or a pipe, as in CI logs and {@code nohup}): a
 * bar whose count stands still during an evaluation must keep printing, with the evaluation's
 * progress in its line, and a stop request must cancel the work reporting on it.
 */
class ConsoleProgressTest {

    private static final int INTERVAL_MILLIS = 40;

    @Test
    void aStandingBarKeepsPrintingTheEvaluationsProgressInPlainLines() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar =
                ConsoleProgress.bar(console, "train", 10, 0, false, INTERVAL_MILLIS)) {
            bar.stepTo(5);
            WorkProgress progress = ConsoleProgress.onBar(bar, () -> false);
            progress.update("eval/cas", 3, 40);
            // the first update of a task is shown at once, not at the next redraw
            assertThat(lines(bytes)).anyMatch(line -> line.contains("evaluating: eval/cas 3/40"));
            // the count stays at 5; the bar's clock moves on and must still be printed, with the
            // evaluation's progress (generous deadline: a loaded CI machine may delay the timer)
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (lines(bytes).stream().noneMatch(ConsoleProgressTest::standingAfterOneSecond)
                    && System.nanoTime() < deadline) {
                Thread.sleep(INTERVAL_MILLIS);
            }
            assertThat(lines(bytes)).anyMatch(ConsoleProgressTest::standingAfterOneSecond);
        }
        List<String> all = lines(bytes);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i))
                    .as("line %d repeats the one before it", i)
                    .isNotEqualTo(all.get(i - 1));
        }
    }

    @Test
    void theLaunchersTerminalPropertyChoosesRedrawsOrPlainLines() {
        String before = System.getProperty(ConsoleProgress.TERMINAL_PROPERTY);
        try {
            System.setProperty(ConsoleProgress.TERMINAL_PROPERTY, "true");
            String redrawn = closedBar();
            System.setProperty(ConsoleProgress.TERMINAL_PROPERTY, "false");
            String plain = closedBar();
            assertThat(redrawn).contains("\r").contains("train");
            assertThat(plain).doesNotContain("\r").contains("train");
        } finally {
            if (before == null) {
                System.clearProperty(ConsoleProgress.TERMINAL_PROPERTY);
            } else {
                System.setProperty(ConsoleProgress.TERMINAL_PROPERTY, before);
            }
        }
    }

    /**
     * @return what a bar printed from start to close, through the public factory
     */
    private static String closedBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = ConsoleProgress.bar(console, "train", 4, 0)) {
            bar.stepTo(4);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStopRequestCancelsTheWorkOnTheBarAtItsNextUpdate() {
        PrintStream console =
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        try (ProgressBar bar = ConsoleProgress.bar(console, "train", 10, 0, false, 10_000)) {
            WorkProgress progress = ConsoleProgress.onBar(bar, stop::get);
            progress.update("eval/cas", 1, 40);
            stop.set(true);
            assertThatThrownBy(() -> progress.update("eval/cas", 2, 40))
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("eval/cas");
        }
    }

    @Test
    void aStopRequestCancelsWorkWithABarOfItsOwnAndClosesThatBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        try (ConsoleProgress.Bars bars = ConsoleProgress.bars(console, stop::get)) {
            bars.update("domain classifier", 1, 100);
            stop.set(true);
            assertThatThrownBy(() -> bars.update("domain classifier", 2, 100))
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("domain classifier");
            // closed by the cancellation: its last line, with the count it reached, is printed
            assertThat(lines(bytes))
                    .last()
                    .asString()
                    .contains("domain classifier")
                    .contains("2/100");
        }
    }

    /** A line drawn a second or more after the start, the count still at 5, the message shown. */
    private static boolean standingAfterOneSecond(String line) {
        return !line.contains("(0:00:00 /")
                && line.contains(" 5/10 ")
                && line.contains("evaluating: eval/cas 3/40");
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }
}
