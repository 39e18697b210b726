package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A trial's JVM inherits the sweep's options, but never its agents or its terminal. */
class TrialJvmArgumentsTest {

    @Test
    void aSweepStartedOnATerminalStillGivesItsTrialsPlainProgressLines() {
        List<String> trial =
                SweepRunner.trialJvmArguments(
                        List.of(
                                "-Dganforge.progress.terminal=true",
                                "-Xmx1g",
                                "-javaagent:/tmp/agent.jar",
                                "-agentlib:jdwp=transport=dt_socket",
                                "-XX:StartFlightRecording=filename=a.jfr",
                                "-Dorg.bytedeco.javacpp.maxbytes=4g"));
        assertThat(trial)
                .containsExactly(
                        "-Xmx1g",
                        "-Dorg.bytedeco.javacpp.maxbytes=4g",
                        "-Dganforge.progress.terminal=false");
    }
}
