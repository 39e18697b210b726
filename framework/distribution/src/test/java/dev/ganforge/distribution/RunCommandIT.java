package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.MetricsLog;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.train.LeCam;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run, resume and generate commands end to end on a tiny synthetic experiment. */
class RunCommandIT {

    @TempDir Path temp;

    @Test
    void runWritesTheWholeRunDirectory() throws Exception {
        Path spec = write(temp, "tiny.yaml", tinySpec(6));
        Path out = temp.resolve("run");
        CliFixture.Result result = run("run", spec.toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("FINISHED after 6 steps");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(metrics.get(0))
                .startsWith("step,epoch,d_loss,g_loss,d_real,d_fake,sec_per_step,samples_per_sec");
        assertThat(metrics.subList(1, metrics.size()))
                .extracting(line -> line.split(",")[0])
                .containsExactly("2", "4", "6");
        assertThat(Files.readAllLines(out.resolve("classes.txt")))
                .containsExactly("class-0", "class-1", "class-2");
        assertThat(Files.readString(out.resolve("spec.yaml")))
                .contains("batch_size: 8")
                .contains("learning_rate");
        assertThat(new RunDirectory(out).readStatusRecord().orElseThrow().status())
                .isEqualTo(RunStatus.FINISHED);
        // before training, every sample_every steps, at the end
        for (String step : List.of("00000000", "00000003", "00000006")) {
            for (String grid : List.of("real", "fake1", "fake2")) {
                assertThat(out.resolve("samples/step-" + step + "-" + grid + ".png")).exists();
            }
        }
        // fake1: 2 rows × 3 classes of 8×8 tiles with 2 px padding
        BufferedImage fake1 = ImageIO.read(out.resolve("samples/step-00000006-fake1.png").toFile());
        assertThat(fake1.getWidth()).isEqualTo(3 * 10 + 2);
        assertThat(fake1.getHeight()).isEqualTo(2 * 10 + 2);
        assertThat(new RunDirectory(out).checkpoints().latest())
                .hasValueSatisfying(
                        latest ->
                                assertThat(latest.getFileName().toString())
                                        .isEqualTo("step-00000006"));
    }

    @Test
    void resumeContinuesTheSameStepsAsAnUninterruptedRun() throws Exception {
        Path straight = temp.resolve("straight");
        Path resumed = temp.resolve("resumed");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "eight.yaml", tinySpec(8)).toString(),
                                        "--output",
                                        straight.toString())
                                .exitCode())
                .isZero();
        assertThat(
                        run(
                                        "run",
                                        write(temp, "four.yaml", tinySpec(4)).toString(),
                                        "--output",
                                        resumed.toString())
                                .exitCode())
                .isZero();

        CliFixture.Result result = run("resume", resumed.toString(), "--set", "training.steps=8");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(
                        Files.readAllLines(resumed.resolve("metrics.csv")).stream()
                                .skip(1)
                                .map(line -> line.split(",")[0]))
                .containsExactly("2", "4", "6", "8");
        var a = CheckpointStore.read(straight.resolve("checkpoints/step-00000008"), true);
        var b = CheckpointStore.read(resumed.resolve("checkpoints/step-00000008"), true);
        assertThat(b.step()).isEqualTo(8);
        assertThat(a.generator().params().sub(b.generator().params()).amaxNumber().doubleValue())
                .isLessThan(1e-4);
        assertThat(
                        a.discriminator()
                                .params()
                                .sub(b.discriminator().params())
                                .amaxNumber()
                                .doubleValue())
                .isLessThan(1e-4);
        assertThat(Files.readString(resumed.resolve("spec.yaml"))).contains("steps: 8");
    }

    /**
     * The modern recipe (projection D with spectral norm, hinge, DiffAugment with scale, the
     * mode-seeking term, the LeCam regulariser, EMA) resumes exactly: the spectral-norm vectors,
     * the LeCam averages and the weight average are part of the checkpoint, and the paired fake
     * labels are drawn again from (seed, step).
     */
    @Test
    void resumeWithTheModernRecipeContinuesTheSameSteps() throws Exception {
        String modern =
                tinySpec(8)
                        .replace(
                                "model: {type: cgan,",
                                "model: {type: cgan-projection, discriminator_norm: spectral,")
                        .replace(
                                "  batch_size: 8\n",
                                "  batch_size: 8\n  loss: hinge\n  augment: [color, translation,"
                                        + " scale, cutout]\n  ema_decay: 0.9\n  ema_start: 2\n"
                                        + "  mode_seeking: 1\n  lecam: 0.3\n");
        Path straight = temp.resolve("straight");
        Path resumed = temp.resolve("resumed");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "eight.yaml", modern).toString(),
                                        "--output",
                                        straight.toString())
                                .exitCode())
                .isZero();
        CliFixture.Result first =
                run(
                        "run",
                        write(temp, "four.yaml", modern.replace("steps: 8", "steps: 4")).toString(),
                        "--output",
                        resumed.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();

        CliFixture.Result result = run("resume", resumed.toString(), "--set", "training.steps=8");

        assertThat(result.exitCode()).as(result.err()).isZero();
        var a = CheckpointStore.read(straight.resolve("checkpoints/step-00000008"), true);
        var b = CheckpointStore.read(resumed.resolve("checkpoints/step-00000008"), true);
        assertThat(a.averageGenerator()).isNotNull();
        assertThat(a.stepState()).containsKeys("spectral_norm/0_W/u", LeCam.STATE_KEY);
        double[] straightLecam = a.stepState().get(LeCam.STATE_KEY).toDoubleVector();
        double[] resumedLecam = b.stepState().get(LeCam.STATE_KEY).toDoubleVector();
        assertThat(straightLecam[2]).as("one update per step").isEqualTo(8.0);
        assertThat(resumedLecam[2]).isEqualTo(8.0);
        assertThat(resumedLecam[0]).isCloseTo(straightLecam[0], within(1e-5));
        assertThat(resumedLecam[1]).isCloseTo(straightLecam[1], within(1e-5));
        assertThat(maxDifference(a.generator().params(), b.generator().params())).isLessThan(1e-4);
        assertThat(maxDifference(a.discriminator().params(), b.discriminator().params()))
                .isLessThan(1e-4);
        assertThat(maxDifference(a.averageGenerator().params(), b.averageGenerator().params()))
                .isLessThan(1e-4);
        assertThat(
                        maxDifference(
                                a.stepState().get("spectral_norm/0_W/u"),
                                b.stepState().get("spectral_norm/0_W/u")))
                .isLessThan(1e-4);
        // the average differs from the generator: samples come from the EMA
        assertThat(maxDifference(a.averageGenerator().params(), a.generator().params()))
                .isGreaterThan(1e-6);
        // the term's ratio r is logged, and the resumed run logs the straight run's values
        List<Double> straightRatios = modeSeekingRatios(straight);
        List<Double> resumedRatios = modeSeekingRatios(resumed);
        assertThat(straightRatios).hasSize(4).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(resumedRatios).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(resumedRatios.get(i))
                    .isCloseTo(straightRatios.get(i), within(1e-3 * straightRatios.get(i)));
        }
    }

    /**
     * A resume with {@code training.precision: auto} computes in the precision its checkpoint
     * recorded rather than timing both again: a second timing may choose the other precision, and
     * the resume would not repeat the run's steps. The checkpoint's record wins over
     * run-info.json's, which after a PBT exploit describes another trial's steps.
     */
    @Test
    void aResumeWithAutoPrecisionKeepsTheRecordedPrecision() throws Exception {
        Path folder = temp.resolve("auto");
        String spec =
                tinySpec(4).replace("  batch_size: 8\n", "  batch_size: 8\n  precision: auto\n");
        CliFixture.Result first =
                run(
                        "run",
                        write(temp, "auto.yaml", spec).toString(),
                        "--output",
                        folder.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path info = folder.resolve("run-info.json");
        assertThat(info).content().containsPattern("\"precision\" : \"(fp32|bf16)\"");
        Path state =
                new CheckpointStore(folder.resolve("checkpoints"))
                        .latest()
                        .orElseThrow()
                        .resolve("state.properties");
        assertThat(state).content().containsPattern("precision=(fp32|bf16)");
        // the checkpoint says fp32 whatever this CPU's timing chose, and run-info.json says bf16,
        // as after a PBT exploit of a trial trained in fp32: the checkpoint's record must win
        Files.writeString(
                state,
                Files.readString(state).replaceAll("precision=(fp32|bf16)", "precision=fp32"));
        Files.writeString(
                info,
                Files.readString(info)
                        .replaceAll("\"precision\" : \"(fp32|bf16)\"", "\"precision\" : \"bf16\""));

        // a process of its own: the training line goes to the process's console
        Path log = temp.resolve("resume.log");
        Process resume =
                CliFixture.startProcess(
                        log, List.of("resume", folder.toString(), "--set", "training.steps=8"));

        assertThat(resume.waitFor(120, TimeUnit.SECONDS)).as("resume ended").isTrue();
        assertThat(resume.exitValue()).as(Files.readString(log)).isZero();
        assertThat(log).content().contains(" fp32 (auto: kept from the checkpoint)");
        assertThat(info).content().contains("\"precision\" : \"fp32\"");
        assertThat(CliFixture.loggedSteps(folder)).contains(8L);
    }

    /** The mode_seeking_ratio column of a run's metrics.csv, one value per row. */
    private static List<Double> modeSeekingRatios(Path runFolder) throws Exception {
        List<String> lines = Files.readAllLines(runFolder.resolve(RunDirectory.METRICS_FILE));
        assertThat(lines.get(0)).isEqualTo(MetricsLog.HEADER + "," + MetricsLog.MODE_SEEKING_RATIO);
        return lines.stream()
                .skip(1)
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(',') + 1)))
                .toList();
    }

    /**
     * {@code training.lr_decay_start} reaches every layer of both networks and is saved in their
     * checkpoints; in an epochs-long run whose length it does not fit it is a spec error before any
     * folder is written.
     */
    @Test
    void aLearningRateDecayReachesBothNetworksAndTheirCheckpoints() throws Exception {
        Path out = temp.resolve("decay");
        CliFixture.Result result =
                run(
                        "run",
                        write(temp, "decay.yaml", tinySpec(8)).toString(),
                        "--output",
                        out.toString(),
                        "--set",
                        "training.lr_decay_start=4");
        assertThat(result.exitCode()).as(result.err()).isZero();

        var checkpoint = CheckpointStore.read(out.resolve("checkpoints/step-00000008"), true);
        int scheduled = 0;
        for (var network : List.of(checkpoint.generator(), checkpoint.discriminator())) {
            for (var layer : network.getLayers()) {
                if (layer.conf().getLayer()
                                instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base
                        && base.getIUpdater().hasLearningRate()
                        && base.getIUpdater().getLearningRate(0, 0) > 0) {
                    assertThat(base.getIUpdater().getLearningRate(3, 0)).isEqualTo(2e-4);
                    assertThat(base.getIUpdater().getLearningRate(6, 0))
                            .isCloseTo(1e-4, org.assertj.core.api.Assertions.within(1e-15));
                    scheduled++;
                }
            }
        }
        assertThat(scheduled).isGreaterThanOrEqualTo(4);

        Path epochs = temp.resolve("runs/epochs");
        CliFixture.Result refused =
                run(
                        "run",
                        write(temp, "epochs.yaml", tinySpec(8).replace("steps: 8", "epochs: 1"))
                                .toString(),
                        "--output",
                        epochs.toString(),
                        "--set",
                        "training.lr_decay_start=6");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err())
                .contains("training.lr_decay_start: 6")
                .contains("expected a step below its 6 steps (training.epochs 1)");
        assertThat(temp.resolve("runs")).doesNotExist();
    }

    private static double maxDifference(
            org.nd4j.linalg.api.ndarray.INDArray x, org.nd4j.linalg.api.ndarray.INDArray y) {
        return x.sub(y).amaxNumber().doubleValue();
    }

    @Test
    void generateWritesImagesPerClassWithoutTheDataset() throws Exception {
        Path out = temp.resolve("run");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "tiny.yaml", tinySpec(4)).toString(),
                                        "--output",
                                        out.toString())
                                .exitCode())
                .isZero();
        Path images = temp.resolve("generated");

        CliFixture.Result result =
                run("generate", out.toString(), "--per-class", "2", "--output", images.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        for (String name : List.of("class-0", "class-1", "class-2")) {
            try (var files = Files.list(images.resolve(name))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("0000.png", "0001.png");
            }
            BufferedImage image = ImageIO.read(images.resolve(name).resolve("0000.png").toFile());
            assertThat(image.getWidth()).isEqualTo(8);
            assertThat(image.getHeight()).isEqualTo(8);
        }
        assertThat(result.out()).contains("its generator: the run keeps no weight average");

        // with a weight average, generate says it samples from it
        Path averaged = temp.resolve("averaged");
        assertThat(
                        run(
                                        "run",
                                        temp.resolve("tiny.yaml").toString(),
                                        "--output",
                                        averaged.toString(),
                                        "--set",
                                        "training.ema_decay=0.9")
                                .exitCode())
                .isZero();
        CliFixture.Result fromAverage =
                run(
                        "generate",
                        averaged.toString(),
                        "--per-class",
                        "1",
                        "--output",
                        temp.resolve("from-average").toString());
        assertThat(fromAverage.exitCode()).as(fromAverage.err()).isZero();
        assertThat(fromAverage.out())
                .contains("(checkpoint step-00000004, its generator weight average)");
    }

    /**
     * A resume that would break the run (another model or image shape than its checkpoints hold, an
     * engine that cannot train them, fewer steps than it has trained) is refused before anything in
     * the folder changes.
     */
    @Test
    void resumeRefusesAnotherModelOrFewerStepsThanTrainedAndChangesNothing() throws Exception {
        Path out = temp.resolve("run");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "four.yaml", tinySpec(4)).toString(),
                                        "--output",
                                        out.toString())
                                .exitCode())
                .isZero();
        String spec = Files.readString(out.resolve("spec.yaml"));
        String status = Files.readString(out.resolve("status.json"));

        CliFixture.Result model =
                run(
                        "resume",
                        out.toString(),
                        "--set",
                        "model.latent_dim=6",
                        "--set",
                        "training.steps=8");
        assertThat(model.exitCode()).as(model.err()).isEqualTo(2);
        assertThat(model.err()).contains("another model").contains("model.latent_dim: 4 → 6");

        // an image shape the networks were not built for: found by comparing the networks
        CliFixture.Result shape =
                run(
                        "resume",
                        out.toString(),
                        "--set",
                        "dataset.side=16",
                        "--set",
                        "training.steps=8");
        assertThat(shape.exitCode()).as(shape.err()).isEqualTo(2);
        assertThat(shape.err())
                .contains("the networks in step-00000004 do not fit the spec")
                .contains("in the checkpoint")
                .contains("from the spec");

        // an engine that refuses the networks: a spec error, found before spec.yaml is rewritten
        CliFixture.Result engine =
                run(
                        "resume",
                        out.toString(),
                        "--set",
                        "training.engine=dl4j",
                        "--set",
                        "training.precision=bf16",
                        "--set",
                        "training.steps=8");
        assertThat(engine.exitCode()).as(engine.err()).isEqualTo(2);
        assertThat(engine.err()).contains("bf16 needs the onednn engine").doesNotContain("\tat ");

        CliFixture.Result fewer = run("resume", out.toString(), "--set", "training.steps=2");
        assertThat(fewer.exitCode()).as(fewer.err()).isEqualTo(2);
        assertThat(fewer.err())
                .contains("to 2 steps")
                .contains("it has trained 4 (checkpoint step-00000004)");

        assertThat(Files.readString(out.resolve("spec.yaml"))).isEqualTo(spec);
        assertThat(Files.readString(out.resolve("status.json"))).isEqualTo(status);
        // what a resume may change still resumes
        CliFixture.Result more =
                run(
                        "resume",
                        out.toString(),
                        "--set",
                        "training.steps=6",
                        "--set",
                        "optimizers.generator.learning_rate=0.001");
        assertThat(more.exitCode()).as(more.err()).isZero();
        assertThat(more.out()).contains("FINISHED after 6 steps");
    }

    /** A mistyped RUN_DIR, or a folder above the run folders, is named as what it is. */
    @Test
    void generateAndResumeNameAMissingOrWrongRunFolder() throws Exception {
        Path missing = temp.resolve("no-such-run");
        String images = temp.resolve("images").toString();
        CliFixture.Result result =
                run("generate", missing.toString(), "--per-class", "1", "--output", images);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("run folder " + missing + " does not exist");

        Path runs = Files.createDirectories(temp.resolve("runs"));
        result = run("generate", runs.toString(), "--per-class", "1", "--output", images);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(runs + " is not a run folder: it has no spec.yaml");
        assertThat(temp.resolve("images")).doesNotExist();

        result = run("resume", missing.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("run folder " + missing + " does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void anExceptionOrAnErrorInTheMiddleOfTrainingMarksTheRunFailedNotRunning() throws Exception {
        for (boolean error : List.of(false, true)) {
            Path spec =
                    write(
                            temp,
                            "failing-" + error + ".yaml",
                            tinySpec(40)
                                    + "sampler: {type: failing-uniform, after_draws: 20, error: "
                                    + error
                                    + "}\n");
            Path out = temp.resolve("failing-" + error);
            Path log = temp.resolve("failing-" + error + ".log");

            // a JVM of its own: the sampler counts its draws per JVM, and an Error ends the JVM
            Process process =
                    CliFixture.startProcess(
                            log, List.of("run", spec.toString(), "--output", out.toString()));

            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(log);
            assertThat(process.exitValue()).as(printed).isNotZero();
            String status = Files.readString(out.resolve("status.json"));
            assertThat(status)
                    .as(printed)
                    .contains("FAILED")
                    .contains("unexpected error after step")
                    .contains(error ? "OutOfMemoryError" : "the sampler broke")
                    .contains("the last complete checkpoint is step-"); // for resume
        }
    }

    @Test
    void nonFiniteLossFailsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = temp.resolve("run");
        assertThat(
                        run(
                                        "run",
                                        write(temp, "tiny.yaml", tinySpec(4)).toString(),
                                        "--output",
                                        out.toString())
                                .exitCode())
                .isZero();

        CliFixture.Result result =
                run(
                        "resume",
                        out.toString(),
                        "--set",
                        "training.steps=8",
                        "--set",
                        "dataset.nan=true");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAILED").contains("non-finite loss at step 5");
        assertThat(Files.readString(out.resolve("status.json")))
                .contains("FAILED")
                .contains("non-finite loss");
        assertThat(new RunDirectory(out).checkpoints().latest())
                .hasValueSatisfying(
                        latest ->
                                assertThat(latest.getFileName().toString())
                                        .isEqualTo("step-00000004"));
        assertThat(Files.readAllLines(out.resolve("metrics.csv")))
                .hasSize(3); // header + steps 2 and 4
    }
}
