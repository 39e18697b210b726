package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The progress bar's steps-per-second figure: a face run makes about one step per second, which the
 * library's default pattern printed as {@code .9/s}.
 */
class ProgressSpeedFormatTest {

    @Test
    void ratesBelowOneKeepTheirLeadingZeroAndNoLocaleChangesTheDecimalPoint() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(ConsoleProgress.speedFormat().format(0.34)).isEqualTo("0.3");
            assertThat(ConsoleProgress.speedFormat().format(9.0)).isEqualTo("9.0");
            assertThat(ConsoleProgress.speedFormat().format(1234.56)).isEqualTo("1234.6");
        } finally {
            Locale.setDefault(before);
        }
    }
}
