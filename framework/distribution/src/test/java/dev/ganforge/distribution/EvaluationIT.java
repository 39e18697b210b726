package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.eval.LowRecallSheet;
import dev.ganforge.core.run.EvaluationLog;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation during training, the best checkpoint, and the evaluate, generate and classifier
 * commands.
 */
class EvaluationIT {

    @TempDir Path temp;

    private String spec(int steps) {
        return tinySpec(steps)
                + """
                evaluation:
                  every: 3
                  samples_per_class: 8
                  classifier: {cache: %s, min_updates: 20, batch_size: 8}
                  best_metric: eval/fd_ganforge_cnn
                """
                        .formatted(temp.resolve("classifiers"));
    }

    @Test
    void trainingEvaluatesKeepsTheBestCheckpointAndReusesTheClassifier() throws Exception {
        Path specFile = write(temp, "tiny.yaml", spec(6));
        Path out = temp.resolve("run");

        CliFixture.Result result = run("run", specFile.toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(new RunDirectory(out).readStatusRecord().orElseThrow().status())
                .isEqualTo(RunStatus.FINISHED);
        List<String> rows = Files.readAllLines(out.resolve("eval.csv"));
        assertThat(rows.get(0)).isEqualTo(EvaluationLog.HEADER);
        assertThat(rows.stream().skip(1).map(row -> row.split(",")[0]).distinct())
                .containsExactly("3", "6");
        assertThat(rows.stream().skip(1).map(row -> row.split(",")[1]).distinct())
                .contains(
                        "eval/label_accuracy",
                        "eval/label_accuracy/class-0",
                        "eval/fd_ganforge_cnn",
                        "eval/precision",
                        "eval/recall",
                        "eval/density",
                        "eval/coverage",
                        "eval/recall/class-0",
                        "eval/low_recall_classes",
                        "eval/classifier_real_accuracy",
                        "eval/classifier_real_accuracy/class-0",
                        "eval/cas",
                        "eval/cas_real",
                        "eval/samples",
                        "health/d_real",
                        "health/d_fake",
                        "health/min_diversity_ratio");
        assertThat(rows)
                .contains(
                        rows.stream()
                                .filter(r -> r.startsWith("6,eval/samples,24.0,"))
                                .findFirst()
                                .orElseThrow());
        // the sheet of low-recall classes exists exactly when the evaluation counted some
        for (String step : List.of("3", "6")) {
            double low =
                    rows.stream()
                            .filter(r -> r.startsWith(step + ",eval/low_recall_classes,"))
                            .mapToDouble(r -> Double.parseDouble(r.split(",")[2]))
                            .findFirst()
                            .orElseThrow();
            Path sheet =
                    new RunDirectory(out)
                            .sampleFile(Long.parseLong(step), LowRecallSheet.SAMPLE_NAME);
            assertThat(Files.exists(sheet)).as("%s (%s classes)", sheet, low).isEqualTo(low > 0);
            if (low > 0) {
                assertThat(ImageIO.read(sheet.toFile()).getHeight())
                        .as("a 20-pixel header and one row per counted class, 36 pixels high")
                        .isEqualTo(20 + (int) low * 36);
            }
        }
        Path best = out.resolve("checkpoints/best");
        assertThat(best.resolve("generator.zip")).exists();
        assertThat(Files.readString(best.resolve("best.properties")))
                .contains("metric=eval/fd_ganforge_cnn");
        Path scoreFile;
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            List<Path> all = classifiers.toList();
            assertThat(all).hasSize(1);
            scoreFile = scoreFile(all.get(0)); // eval/cas_real, cached beside the classifier
        }
        FileTime scoreWritten = Files.getLastModifiedTime(scoreFile);

        CliFixture.Result second =
                run("run", specFile.toString(), "--output", temp.resolve("again").toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            assertThat(classifiers.toList())
                    .hasSize(1); // same data and settings: reused, not retrained
        }
        // the second process read eval/cas_real instead of training it again: the file is the one
        // the first wrote, untouched, and the values are equal
        assertThat(scoreFile(scoreFile.getParent())).isEqualTo(scoreFile);
        assertThat(Files.getLastModifiedTime(scoreFile)).isEqualTo(scoreWritten);
        assertThat(casRealValues(temp.resolve("again"))).isEqualTo(casRealValues(out)).hasSize(2);

        // an evaluation of the last checkpoint that counts no class removes that step's sheet
        Path lastSheet = new RunDirectory(out).sampleFile(6, LowRecallSheet.SAMPLE_NAME);
        assertThat(lastSheet).as("six steps of training leave classes below the floor").exists();
        CliFixture.Result none =
                run(
                        "evaluate",
                        out.toString(),
                        "--set",
                        "evaluation.evaluators=[{type: precision-recall, class_recall_floor: 0}]",
                        "--set",
                        "evaluation.cas.enabled=false");
        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.out()).containsPattern("eval/low_recall_classes +0\\.0+\\n");
        assertThat(lastSheet).doesNotExist();
    }

    /** The one cached score file in a classifier's folder. */
    private static Path scoreFile(Path classifier) throws Exception {
        try (var files = Files.list(classifier)) {
            List<Path> scores =
                    files.filter(file -> file.getFileName().toString().startsWith("score-"))
                            .toList();
            assertThat(scores).singleElement().asString().matches(".*/score-[0-9a-f]{16}\\.json");
            return scores.get(0);
        }
    }

    /** The eval/cas_real values of a run's eval.csv, one per evaluation. */
    private static List<String> casRealValues(Path run) throws Exception {
        return Files.readAllLines(run.resolve("eval.csv")).stream()
                .map(row -> row.split(","))
                .filter(cells -> cells[1].equals("eval/cas_real"))
                .map(cells -> cells[2])
                .toList();
    }

    @Test
    void aFixedClassifierSeedJudgesRunsOfDifferentSeedsWithOneClassifier() throws Exception {
        Path specFile = write(temp, "tiny.yaml", spec(3));
        for (String seed : List.of("1", "2")) {
            CliFixture.Result result =
                    run(
                            "run",
                            specFile.toString(),
                            "--output",
                            temp.resolve("fixed-" + seed).toString(),
                            "--set",
                            "seed=" + seed,
                            "--set",
                            "evaluation.classifier.seed=5");
            assertThat(result.exitCode()).as(result.err()).isZero();
        }
        Path shared;
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            List<Path> all = classifiers.toList();
            assertThat(all).hasSize(1); // trained once, for both runs
            shared = all.get(0);
        }
        // `classifier train` finds that one for any experiment seed, and prints its folder
        CliFixture.Result found =
                run(
                        "classifier",
                        "train",
                        specFile.toString(),
                        "--set",
                        "seed=4",
                        "--set",
                        "evaluation.classifier.seed=5");
        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.out()).contains(shared.getFileName().toString());
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            assertThat(classifiers.toList()).containsExactly(shared); // found, not retrained
        }
        // the same classifier on the same held-out images: the same real-image ceilings
        assertThat(realAccuracyRows(temp.resolve("fixed-2")))
                .isEqualTo(realAccuracyRows(temp.resolve("fixed-1")))
                .isNotEmpty();

        // without it each experiment seed trains its own classifier
        CliFixture.Result own =
                run(
                        "run",
                        specFile.toString(),
                        "--output",
                        temp.resolve("own-3").toString(),
                        "--set",
                        "seed=3");
        assertThat(own.exitCode()).as(own.err()).isZero();
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            assertThat(classifiers.toList()).hasSize(2);
        }
    }

    /** The eval/classifier_real_accuracy rows of a run's eval.csv, without step and timestamp. */
    private static List<String> realAccuracyRows(Path run) throws Exception {
        return Files.readAllLines(run.resolve("eval.csv")).stream()
                .map(row -> row.split(","))
                .filter(cells -> cells[1].startsWith("eval/classifier_real_accuracy"))
                .map(cells -> cells[1] + "=" + cells[2])
                .toList();
    }

    @Test
    void evaluateGenerateAndClassifierCommandsUseTheRun() throws Exception {
        Path specFile = write(temp, "tiny.yaml", spec(4));
        Path out = temp.resolve("run");
        assertThat(run("run", specFile.toString(), "--output", out.toString()).exitCode()).isZero();
        long rowsBefore = Files.readAllLines(out.resolve("eval.csv")).size();

        CliFixture.Result evaluated = run("evaluate", out.toString(), "--checkpoint", "best");
        CliFixture.Result generated =
                run(
                        "generate",
                        out.toString(),
                        "--per-class",
                        "1",
                        "--output",
                        temp.resolve("images").toString(),
                        "--checkpoint",
                        "best");
        CliFixture.Result missing = run("evaluate", temp.resolve("nothing").toString());
        CliFixture.Result classifier = run("classifier", "train", specFile.toString());

        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out())
                .contains("eval/fd_ganforge_cnn")
                .contains("eval/label_accuracy");
        assertThat(Files.readAllLines(out.resolve("eval.csv")).size())
                .isGreaterThan((int) rowsBefore);
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        assertThat(temp.resolve("images/class-2/0000.png")).exists();
        assertThat(missing.exitCode()).isNotZero();
        assertThat(classifier.exitCode()).as(classifier.err()).isZero();
        assertThat(classifier.out()).contains("held-out accuracy");
        try (var classifiers = Files.list(temp.resolve("classifiers"))) {
            Path cached = classifiers.toList().get(0);
            assertThat(classifier.out())
                    .contains(cached.getFileName().toString()); // reused, not a new one
        }
    }

    @Test
    void aPrecisionRecallKAboveTheSampleCountIsRefusedBeforeTrainingAndByEvaluate()
            throws Exception {
        // 3 classes of 16 synthetic images, 8 per class evaluated: 24 real and 24 generated
        String evaluators =
                "  evaluators: [{type: frechet-distance}, {type: precision-recall%s}]\n";
        Path refused = write(temp, "bigk.yaml", spec(4) + evaluators.formatted(", k: 24"));
        Path out = temp.resolve("bigk");

        CliFixture.Result result = run("run", refused.toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains("evaluation.evaluators[1] (precision-recall): k = 24")
                .contains("24 real and 24 generated")
                .contains("give k below 24")
                .doesNotContain("\tat dev.ganforge");
        assertThat(out).doesNotExist();
        assertThat(temp.resolve("classifiers")).doesNotExist(); // refused before its training

        // k = 23 fits; the same k = 24 given to `evaluate` is refused there too, eval.csv untouched
        Path fits = write(temp, "k23.yaml", spec(4) + evaluators.formatted(", k: 23"));
        Path trained = temp.resolve("k23");
        CliFixture.Result ok = run("run", fits.toString(), "--output", trained.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(Files.readString(trained.resolve("eval.csv"))).contains("eval/recall");
        String before = Files.readString(trained.resolve("eval.csv"));

        CliFixture.Result evaluated =
                run("evaluate", trained.toString(), "--set", "evaluation.evaluators[1].k=24");

        assertThat(evaluated.exitCode()).as(evaluated.err()).isEqualTo(2);
        assertThat(evaluated.err()).contains("k = 24").doesNotContain("\tat dev.ganforge");
        assertThat(Files.readString(trained.resolve("eval.csv"))).isEqualTo(before);
    }

    @Test
    void aBestMetricNoEvaluatorReportsStopsTheRunWithoutAStackTraceAndResumeMendsIt()
            throws Exception {
        Path specFile =
                write(
                        temp,
                        "nokid.yaml",
                        // one evaluation, the final one, at a checkpoint step
                        spec(4).replace("eval/fd_ganforge_cnn", "eval/kid")
                                        .replace("every: 3", "every: 4")
                                + "  evaluators: [{type: precision-recall}]\n");
        Path out = temp.resolve("nokid");

        CliFixture.Result result = run("run", specFile.toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains("evaluation.best_metric 'eval/kid' is not reported")
                .contains("eval/recall")
                .contains("ganforge resume " + out)
                .doesNotContain("\tat dev.ganforge");
        RunDirectory.StatusRecord status = new RunDirectory(out).readStatusRecord().orElseThrow();
        assertThat(status.status()).isEqualTo(RunStatus.FAILED);
        assertThat(status.step()).isEqualTo(4);
        assertThat(status.reason())
                .startsWith("stopped after step 4: evaluation.best_metric")
                .endsWith("the last complete checkpoint is step-00000004");
        assertThat(new RunDirectory(out).checkpoints().latest()).isPresent();
        assertThat(out.resolve("eval.csv")).content().doesNotContain("4,eval/");

        CliFixture.Result resumed =
                run("resume", out.toString(), "--set", "evaluation.best_metric=eval/recall");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(new RunDirectory(out).readStatusRecord().orElseThrow().status())
                .isEqualTo(RunStatus.FINISHED);
        // the step-4 evaluation, not logged when it stopped the run, ran again and chose the best
        assertThat(out.resolve("checkpoints/best")).exists();
        assertThat(out.resolve("eval.csv")).content().contains("4,eval/recall,");
    }

    @Test
    void evaluateUsesDefaultsForARunTrainedWithoutEvaluation() throws Exception {
        Path out = temp.resolve("plain");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "plain.yaml", tinySpec(4)).toString(),
                                        "--output",
                                        out.toString())
                                .exitCode())
                .isZero();

        CliFixture.Result result =
                run(
                        "evaluate",
                        out.toString(),
                        "--set",
                        "evaluation.samples_per_class=8",
                        "--set",
                        "evaluation.classifier.cache=" + temp.resolve("classifiers"),
                        "--set",
                        "evaluation.classifier.min_updates=10");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(out.resolve("eval.csv"))).contains("4,eval/fd_ganforge_cnn,");
    }
}
