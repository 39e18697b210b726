package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.spec.Precision;
import org.junit.jupiter.api.Test;

/**
 * A resume with {@code training.precision: auto} keeps the precision run-info.json recorded; a
 * pinned precision in the resumed spec wins, and nothing usable recorded lets auto choose again.
 */
class PrecisionToKeepTest {

    @Test
    void autoKeepsTheRecordedPrecision() {
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "bf16")).isEqualTo(Precision.BF16);
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "fp32")).isEqualTo(Precision.FP32);
    }

    @Test
    void aPinnedPrecisionIsUsedAsWritten() {
        assertThat(Trainer.precisionToKeep(Precision.FP32, "bf16")).isNull();
        assertThat(Trainer.precisionToKeep(Precision.BF16, "fp32")).isNull();
    }

    @Test
    void autoChoosesAgainWhenNothingUsableWasRecorded() {
        assertThat(Trainer.precisionToKeep(Precision.AUTO, null)).as("older run-info").isNull();
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "fp16")).isNull();
    }
}
