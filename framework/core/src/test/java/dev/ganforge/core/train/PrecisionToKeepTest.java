package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.Precision;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A resume with {@code training.precision: auto} keeps the precision its checkpoint recorded, or
 * run-info.json's for a checkpoint without one; a pinned precision in the resumed spec wins, and
 * nothing usable recorded lets auto choose again.
 */
class PrecisionToKeepTest {

    private static final Supplier<String> NOT_ASKED =
            () -> {
                throw new AssertionError("run-info.json read although the checkpoint has a record");
            };

    @Test
    void autoKeepsTheCheckpointsPrecision() {
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "bf16", NOT_ASKED))
                .isEqualTo(Precision.BF16);
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "fp32", NOT_ASKED))
                .isEqualTo(Precision.FP32);
    }

    @Test
    void theCheckpointWinsOverRunInfo() {
        // after a PBT exploit the checkpoint is the donor's, run-info.json the trial's own
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "fp32", () -> "bf16"))
                .isEqualTo(Precision.FP32);
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "bf16", () -> "fp32"))
                .isEqualTo(Precision.BF16);
    }

    @Test
    void anOlderCheckpointFallsBackToRunInfo() {
        assertThat(Trainer.precisionToKeep(Precision.AUTO, null, () -> "bf16"))
                .isEqualTo(Precision.BF16);
        assertThat(Trainer.precisionToKeep(Precision.AUTO, null, () -> "fp32"))
                .isEqualTo(Precision.FP32);
    }

    @Test
    void recordNamesRoundTripAndAutoIsNeverRecorded() {
        for (Precision precision : new Precision[] {Precision.FP32, Precision.BF16}) {
            assertThat(Precision.ofRecord(precision.recordName())).isEqualTo(precision);
        }
        assertThat(Precision.BF16.recordName()).isEqualTo("bf16");
        assertThat(Precision.ofRecord("auto")).isNull();
        assertThatThrownBy(Precision.AUTO::recordName).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPinnedPrecisionIsUsedAsWritten() {
        assertThat(Trainer.precisionToKeep(Precision.FP32, "bf16", NOT_ASKED)).isNull();
        assertThat(Trainer.precisionToKeep(Precision.BF16, "fp32", NOT_ASKED)).isNull();
        assertThat(Trainer.precisionToKeep(Precision.FP32, null, NOT_ASKED)).isNull();
    }

    @Test
    void autoChoosesAgainWhenNothingUsableWasRecorded() {
        assertThat(Trainer.precisionToKeep(Precision.AUTO, null, () -> null))
                .as("older checkpoint and run-info")
                .isNull();
        assertThat(Trainer.precisionToKeep(Precision.AUTO, "fp16", NOT_ASKED)).isNull();
        assertThat(Trainer.precisionToKeep(Precision.AUTO, null, () -> "fp16")).isNull();
    }
}
