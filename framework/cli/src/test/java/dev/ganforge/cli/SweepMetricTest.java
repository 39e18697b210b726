package dev.ganforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which metric ranks a sweep's trials, and what a user is told about it. */
class SweepMetricTest {

    @TempDir Path temp;
    private final StringWriter said = new StringWriter();
    private final PrintWriter out = new PrintWriter(said, true);

    private SweepFile sweep(String metricLines) throws Exception {
        Path file =
                Files.writeString(
                        temp.resolve("sweep.yaml"),
                        """
                        experiment: s
                        dataset: {type: fashion-mnist}
                        model: {type: cgan}
                        training: {steps: 10}
                        sweep:
                          method: grid
                        %s
                          parameters:
                            model.latent_dim: [8, 16]
                        """
                                .formatted(metricLines));
        return SweepFile.read(file);
    }

    @Test
    void evaluatedTrialsAreRankedByTheFrechetDistanceByDefault() throws Exception {
        SweepFile ranked = SweepCommand.withRankingMetric(sweep(""), true, out);

        assertThat(ranked.sweep().metric()).isEqualTo("eval/fd_ganforge_cnn");
        assertThat(ranked.sweep().goal()).isEqualTo(SweepSpec.Goal.MINIMIZE);
        assertThat(said.toString())
                .contains("sweep metric: eval/fd_ganforge_cnn (minimize; the default");
    }

    @Test
    void withoutEvaluationNothingRanksAndTheNoteSaysWhatToAdd() throws Exception {
        SweepFile ranked = SweepCommand.withRankingMetric(sweep(""), false, out);

        assertThat(ranked.sweep().metric()).isNull();
        assertThat(said.toString()).contains("no trial is named best").contains("evaluation:");
    }

    @Test
    void aRawLossIsKeptButWarnedAbout() throws Exception {
        SweepFile ranked = SweepCommand.withRankingMetric(sweep("  metric: g_loss"), true, out);

        assertThat(ranked.sweep().metric()).isEqualTo("g_loss");
        assertThat(said.toString())
                .contains("warning: sweep.metric g_loss ranks trials by a training loss")
                .contains("eval/fd_ganforge_cnn");
    }

    @Test
    void anEvaluationMetricIsUsedAsWrittenWithoutWarning() throws Exception {
        SweepFile ranked =
                SweepCommand.withRankingMetric(
                        sweep("  metric: eval/cas\n  goal: maximize"), true, out);

        assertThat(ranked.sweep().metric()).isEqualTo("eval/cas");
        assertThat(ranked.sweep().goal()).isEqualTo(SweepSpec.Goal.MAXIMIZE);
        assertThat(said.toString()).isEmpty();
    }
}
