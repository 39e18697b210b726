package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ganforge.cli.Main;
import dev.ganforge.cli.sweep.Schedulers;
import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepRunner;
import dev.ganforge.cli.sweep.SweepState;
import dev.ganforge.cli.sweep.TrialExecutor;
import dev.ganforge.cli.sweep.TrialPlan;
import dev.ganforge.cli.sweep.TrialSegment;
import dev.ganforge.config.SpecException;
import dev.ganforge.core.plugin.Plugins;
import dev.ganforge.core.spec.SpecLoader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a sweep plans its trials. A trial's identity is how a re-run finds the trials it already
 * trained: it must follow what the user chose, not the spec keys a ganforge version adds at their
 * defaults, and sweeps recorded under the earlier identity (a hash of the whole resolved spec) must
 * still resume. A spec problem is reported once, with the trials it occurs in. A sweep stopped by a
 * signal records its stopped segments as such.
 */
class SweepPlanTest {

    private static final String SWEEP =
            """
            base: cgan_fashion_mnist.yaml
            dataset:
              limit: 2048
            training:
              steps: 30
              log_every: 5
            sweep:
              method: grid
              parameters:
                optimizers.generator.learning_rate: [0.0002, 0.0005]
            """;

    @TempDir Path folder;

    private final SpecLoader loader = new SpecLoader(Plugins.load(getClass().getClassLoader()));

    @Test
    void aKeyLeftAtItsDefaultIsNotPartOfTheIdentity() throws Exception {
        SweepRunner.Trial trial = plan(SWEEP).get(0);
        Map<String, String> resolved = loader.leaves(trial.spec());
        var given =
                SpecLoader.givenKeys(
                        SweepFile.read(write(SWEEP)).baseYaml(),
                        TrialPlan.overrides(trial.state().values()));
        assertThat(SweepRunner.identity(resolved, given)).isEqualTo(trial.state().id());

        // a later version's new key, at its default, in the resolved spec only
        Map<String, String> later = new LinkedHashMap<>(resolved);
        later.put("training.a_key_added_later", "0");
        assertThat(SweepRunner.identity(later, given)).isEqualTo(trial.state().id());
        // a default that the user did not write changing: the same trial as well
        later.put("training.gc_every", "12345");
        assertThat(SweepRunner.identity(later, given)).isEqualTo(trial.state().id());
        // inside a list of sections too: the evaluators are written as {type: kid}, say
        assertThat(resolved).containsKey("evaluation.evaluators[0].type");
        later.put("evaluation.evaluators[0].a_key_added_later", "1");
        assertThat(SweepRunner.identity(later, given)).isEqualTo(trial.state().id());
        // a value the user wrote: another trial
        later.put("training.steps", "31");
        assertThat(SweepRunner.identity(later, given)).isNotEqualTo(trial.state().id());
    }

    @Test
    void valuesWrittenDifferentlyAreOneTrialAndDifferentValuesAreNot() throws Exception {
        List<String> ids = ids(plan(SWEEP));
        assertThat(ids).doesNotHaveDuplicates().hasSize(2);

        String reordered =
                SWEEP.replace(
                                "training:\n  steps: 30\n  log_every: 5",
                                "training:\n  log_every: 5\n  steps: 30")
                        .replace("[0.0002, 0.0005]", "[2e-4, 5.0e-4]");
        assertThat(reordered).isNotEqualTo(SWEEP);
        assertThat(ids(plan(reordered))).isEqualTo(ids);

        List<String> longer = ids(plan(SWEEP.replace("steps: 30", "steps: 40")));
        assertThat(longer).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void anEmptySectionTurnsItOnAndMakesAnotherTrial() throws Exception {
        List<String> without = ids(plan(SWEEP));
        // tracking: {} sends the run to MLflow with every default; leaving it out sends nothing
        List<String> with = ids(plan(SWEEP, List.of("tracking={}")));
        assertThat(with).doesNotContainAnyElementsOf(without);
    }

    @Test
    void aSweepRecordedUnderTheResolvedSpecHashResumesItsTrials() throws Exception {
        List<SweepRunner.Trial> trials = plan(SWEEP);
        // sweep.json as a sweep recorded before 2026-12-04 wrote it: one trial finished
        String legacy = sha256Prefix(trials.get(0).resolvedYaml());
        assertThat(legacy).isNotEqualTo(trials.get(0).state().id());
        Map<String, Object> finished = new LinkedHashMap<>();
        finished.put("id", legacy);
        finished.put("values", trials.get(0).state().values());
        finished.put("status", "FINISHED");
        finished.put("attempts", 1);
        finished.put("steps", 30);
        new ObjectMapper()
                .writeValue(
                        folder.resolve("sweep.json").toFile(), Map.of("trials", List.of(finished)));
        SweepState state = SweepState.load(folder);

        List<SweepRunner.Trial> adopted = SweepRunner.adoptRecorded(trials, state);

        assertThat(adopted.get(0).state().id()).isEqualTo(legacy);
        assertThat(state.recorded(adopted.get(0).state()).status()).isEqualTo("FINISHED");
        // the trial the old sweep never recorded keeps the new identity
        assertThat(adopted.get(1).state().id()).isEqualTo(trials.get(1).state().id());
        assertThat(adopted.get(1).resolvedYaml()).isEqualTo(trials.get(1).resolvedYaml());

        // a later version changes the resolved spec (a new key): the legacy hash no longer
        // matches, and the alias recorded by the adoption keeps the trial on its record
        SweepRunner.Trial upgraded =
                new SweepRunner.Trial(
                        trials.get(0).state(),
                        trials.get(0).spec(),
                        trials.get(0).resolvedYaml() + "a_key_added_later: 0\n");
        SweepState reloaded = SweepState.load(folder);
        assertThat(SweepRunner.adoptRecorded(List.of(upgraded), reloaded).get(0).state().id())
                .isEqualTo(legacy);
    }

    @Test
    void aProblemOfEveryTrialIsReportedOnceAndOneOfSomeTrialsNamesThem() throws Exception {
        String oneBadValue = SWEEP.replace("[0.0002, 0.0005]", "[0.0002, -1]");

        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () -> plan(oneBadValue, List.of("training.batch_szie=3")));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0).path()).isEqualTo("training.batch_szie");
        assertThat(e.problems().get(0).rule()).endsWith("(in every trial)");
        assertThat(e.problems().get(1).path()).isEqualTo("optimizers.generator.learning_rate");
        assertThat(e.problems().get(1).rule())
                .endsWith("(in the trial with {optimizers.generator.learning_rate=-1})");
    }

    @Test
    void theSweepBlockCannotBeSetFromTheCommandLine() throws Exception {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () -> plan(SWEEP, List.of("sweep.method=random", "seed=3")));

        // one problem, naming the key and the file to edit, not one per trial
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).path()).isEqualTo("sweep.method");
        assertThat(e.problems().get(0).value()).isEqualTo("random");
        assertThat(e.problems().get(0).rule()).contains(folder.resolve("sweep.yaml").toString());
    }

    @Test
    void aSegmentTheExecutorDropsWhileStoppingEndsKilledNotAsABrokenExecutor() throws Exception {
        // Ctrl-C reaches spark-submit as well: its segments then fail instead of exiting 130
        SweepFile sweep = SweepFile.read(write(SWEEP));
        List<SweepRunner.Trial> trials = plan(SWEEP);
        SweepState state = SweepState.load(folder.resolve("sweep"));
        SweepRunner runner =
                new SweepRunner(loader, new PrintWriter(Writer.nullWriter()), Main.class.getName());
        CompletableFuture<Integer> segment = new CompletableFuture<>();
        TrialExecutor dropsOnStop =
                new TrialExecutor() {
                    @Override
                    public int slots() {
                        return 1;
                    }

                    @Override
                    public String describe() {
                        return "test";
                    }

                    @Override
                    public CompletableFuture<Integer> submit(TrialSegment submitted) {
                        new Thread(runner::stop).start(); // the signal, while the segment runs
                        return segment;
                    }

                    @Override
                    public void stop() {
                        segment.completeExceptionally(new IllegalStateException("driver gone"));
                    }

                    @Override
                    public void close() {}
                };

        runner.run(
                folder.resolve("sweep"),
                Schedulers.of(
                        sweep.sweep(),
                        trials,
                        folder.resolve("sweep"),
                        state,
                        new PrintWriter(Writer.nullWriter())),
                dropsOnStop,
                state,
                null);

        assertThat(runner.stopped()).isTrue();
        // the first trial was stopped, the second never started
        assertThat(state.get(trials.get(0).state().id()).status()).isEqualTo("KILLED");
        assertThat(state.get(trials.get(1).state().id()).status()).isEqualTo("PENDING");
    }

    private List<SweepRunner.Trial> plan(String sweepText) throws Exception {
        return plan(sweepText, List.of());
    }

    private List<SweepRunner.Trial> plan(String sweepText, List<String> overrides)
            throws Exception {
        return new SweepRunner(loader, new PrintWriter(Writer.nullWriter()), Main.class.getName())
                .plan(SweepFile.read(write(sweepText)), overrides);
    }

    private Path write(String sweepText) throws Exception {
        Files.copy(
                Path.of("../../experiments/cgan_fashion_mnist.yaml"),
                folder.resolve("cgan_fashion_mnist.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path file = folder.resolve("sweep.yaml");
        Files.writeString(file, sweepText);
        return file;
    }

    private static List<String> ids(List<SweepRunner.Trial> trials) {
        return trials.stream().map(trial -> trial.state().id()).toList();
    }

    private static String sha256Prefix(String text) throws Exception {
        byte[] hash =
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash).substring(0, 12);
    }
}
