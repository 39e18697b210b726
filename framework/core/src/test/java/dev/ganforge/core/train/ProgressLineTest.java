package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A progress bar's line, on a clock the test moves: the rate and the time left must leave out the
 * evaluations between steps (a face run's evaluation takes as long as a hundred steps), the wall
 * time must not, and the bar must keep its width whatever message follows it.
 */
class ProgressLineTest {

    private static final long SECOND = 1_000_000_000L;

    // System.nanoTime's origin is arbitrary: it may be negative
    private final long[] now = {-100 * SECOND};
    private final ConsoleProgress.Clock clock = new ConsoleProgress.Clock(() -> now[0]);

    @Test
    void theRateAndTimeLeftLeaveOutEvaluationsButTheElapsedTimeDoesNot() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += 10 * SECOND; // 10 steps of 1 s
        assertThat(renderer.render("train", 0, 10, 100, "", 132))
                .contains("(0:00:10 / 0:01:30)")
                .contains(" 1.0/s");
        clock.pause(); // a 60-s evaluation after step 10
        now[0] += 60 * SECOND;
        // during it the clock runs on, the estimate does not: no evaluation has ended yet
        assertThat(renderer.render("train", 0, 10, 100, " evaluating: eval/cas 3/40", 132))
                .contains("(0:01:10 / 0:01:30)")
                .contains(" 1.0/s");
        clock.resume();
        clock.pausesLeft(2);
        now[0] += 10 * SECOND; // 10 more steps
        // 80 steps at 1 s and two more evaluations at the 60 s the first one took
        assertThat(renderer.render("train", 0, 20, 100, "", 132))
                .contains("(0:01:20 / 0:03:20)")
                .contains(" 1.0/s");
        clock.pause(); // a 30-s evaluation: the first one also paid one-off work
        now[0] += 30 * SECOND;
        clock.resume();
        clock.pausesLeft(1);
        now[0] += 10 * SECOND;
        // 70 steps at 1 s and one evaluation at the last one's 30 s, not the mean 45 s
        assertThat(renderer.render("train", 0, 30, 100, "", 132))
                .contains("(0:02:00 / 0:01:40)")
                .contains(" 1.0/s");
    }

    @Test
    void aResumedBarRatesOnlyTheStepsSinceItOpened() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += 20 * SECOND;
        // 500 steps came from the checkpoint; 10 in 20 s since
        assertThat(renderer.render("train", 500, 510, 2000, "", 132))
                .contains("510/2000 (0:00:20 / 0:49:40)")
                .contains(" 0.50/s");
    }

    @Test
    void beforeTheFirstStepTheEstimateIsUnknown() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += 3 * SECOND;
        assertThat(renderer.render("train", 0, 0, 100, "", 132))
                .contains("(0:00:03 /       ?)")
                .contains("?/s");
    }

    @Test
    void theBarKeepsItsWidthWhateverTheMessage() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += 10 * SECOND;
        String losses = " d 1.234 g 0.567 D(x) 0.52 D(G(z)) 0.31";
        String evaluating = " evaluating: eval/generate 256/3000";
        String withLosses = renderer.render("train", 0, 840, 2000, losses, 132);
        String withEvaluation = renderer.render("train", 0, 840, 2000, evaluating, 132);
        String bare = renderer.render("train", 0, 840, 2000, "", 132);
        assertThat(withLosses.indexOf(']')).isEqualTo(bare.indexOf(']'));
        // nor when the rate passes 1,000/s (a GPU's image generation): 1,999 steps in 1.5 s
        long[] fastNow = {0};
        ConsoleProgress.Clock fastClock = new ConsoleProgress.Clock(() -> fastNow[0]);
        fastNow[0] = 1_500_000_000L;
        String fast =
                new ConsoleProgress.Renderer(fastClock, false)
                        .render("train", 0, 1999, 2000, "", 132);
        assertThat(fast).contains("1332.7/s");
        assertThat(fast.indexOf(']')).isEqualTo(bare.indexOf(']'));
        assertThat(withEvaluation.indexOf(']')).isEqualTo(bare.indexOf(']'));
        assertThat(withLosses).endsWith(losses).hasSizeLessThanOrEqualTo(132);
        // 840 of 2000 is 42 %: the filled part is 42 % of the bar, rounded down
        int open = bare.indexOf('[');
        int width = bare.indexOf(']') - open - 1;
        assertThat(bare.substring(open + 1, open + 1 + width * 42 / 100)).matches("=+");
        assertThat(bare.charAt(open + 1 + width * 42 / 100)).isEqualTo('>');
    }

    @Test
    void aLongMessageIsCutAtTheRoomAndATerminalLineFillsIt() {
        now[0] += 10 * SECOND;
        String tooLong = " evaluating: " + "x".repeat(200);
        assertThat(
                        new ConsoleProgress.Renderer(clock, false)
                                .render("train", 0, 5, 10, tooLong, 80))
                .hasSize(80);
        // a redraw in place must cover the longer line before it
        assertThat(new ConsoleProgress.Renderer(clock, true).render("train", 0, 5, 10, "", 100))
                .hasSize(100)
                .endsWith("  ");
        assertThat(new ConsoleProgress.Renderer(clock, false).render("train", 0, 5, 10, "", 100))
                .hasSizeLessThan(100)
                .endsWith("/s");
    }

    @Test
    void aBarOpenedWithWorkDoneClaimsNoRateUntilASecondOfWork() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += 1_000_000L; // an evaluation's bar opens at its first update, 256 images done
        assertThat(renderer.render("eval/generate", 0, 256, 3000, "", 132))
                .contains("(0:00:00 /       ?)     ?/s");
        now[0] += 2 * SECOND;
        assertThat(renderer.render("eval/generate", 0, 1024, 3000, "", 132))
                .contains("(0:00:02 / 0:00:03) 511.7/s");
    }

    @Test
    void aStateDrawnAgainWithinTheSameSecondGivesTheSameLine() {
        ConsoleProgress.Renderer renderer = new ConsoleProgress.Renderer(clock, false);
        now[0] += SECOND + 500_000L;
        String closing = renderer.render("eval/cas", 0, 31, 31, "", 132);
        assertThat(closing).contains("(0:00:01 / 0:00:00)  31.0/s");
        // the library draws a closing bar's last line twice, here 3 ms apart: 30.9/s by then
        now[0] += 3_000_000L;
        assertThat(renderer.render("eval/cas", 0, 31, 31, "", 132)).isEqualTo(closing);
        now[0] += SECOND;
        assertThat(renderer.render("eval/cas", 0, 31, 31, "", 132))
                .contains("(0:00:02 / 0:00:00)  15.5/s");
    }

    @Test
    void ratesBelowOneKeepTwoDecimalsAndNoLocaleChangesTheDecimalPoint() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(ConsoleProgress.rate(0.344)).isEqualTo("0.34");
            assertThat(ConsoleProgress.rate(9.0)).isEqualTo("9.0");
            assertThat(ConsoleProgress.rate(1234.56)).isEqualTo("1234.6");
            assertThat(ConsoleProgress.duration(3_723 * SECOND + 999_999_999L))
                    .isEqualTo("1:02:03");
        } finally {
            Locale.setDefault(before);
        }
    }
}
