package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User errors: every spec problem at once, data smaller than a batch, a model that does not fit.
 */
class SpecAndDataErrorsIT {

    @TempDir Path temp;

    @Test
    void everySpecProblemIsReportedBeforeTrainingWithExitCode2() throws Exception {
        Path spec =
                write(
                        temp,
                        "bad.yaml",
                        tinySpec(4)
                                .replace("batch_size: 8", "batch_szie: 8")
                                .replace("kernel_size: 3", "kernel_size: -3")
                                .replace("type: cgan,", "type: cgan, colour: red,"));
        Path out = temp.resolve("run");

        CliFixture.Result result = run("run", spec.toString(), "--output", out.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("bad.yaml")
                .contains("training.batch_szie")
                .contains("batch_size")
                .contains("model.kernel_size")
                .contains("-3")
                .contains("model.colour")
                .doesNotContain("\tat dev.ganforge");
        assertThat(out).doesNotExist();
    }

    @Test
    void syncWithNoServerNamedAnywhereIsAUsageErrorNotAServerFailure() throws Exception {
        // exit 5 means "the server failed, the same command may work later"; a folder that names
        // no server needs a changed command (--tracking-uri), so exit 2
        Assumptions.assumeTrue(
                System.getenv("MLFLOW_TRACKING_URI") == null,
                "MLFLOW_TRACKING_URI names a server in this environment");
        Path spec = write(temp, "untracked.yaml", tinySpec(2));
        Path out = temp.resolve("run");
        CliFixture.Result trained = run("run", spec.toString(), "--output", out.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        CliFixture.Result sync = run("sync", out.toString());

        assertThat(sync.exitCode()).as(sync.err()).isEqualTo(2);
        assertThat(sync.err())
                .contains(out.toString())
                .contains("no MLflow server")
                .contains("--tracking-uri");
        assertThat(out.resolve("mlflow.json")).doesNotExist();
    }

    @Test
    void unknownPluginListsTheKnownNames() throws Exception {
        Path spec = write(temp, "bad.yaml", tinySpec(4).replace("type: cgan", "type: cgann"));

        CliFixture.Result result =
                run("run", spec.toString(), "--output", temp.resolve("run").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("cgann").contains("cgan").contains("gan");
    }

    @Test
    void datasetSmallerThanOneBatchIsAClearError() throws Exception {
        Path spec = write(temp, "small.yaml", tinySpec(4).replace("size: 48", "size: 5"));

        // runs/<experiment>/<run id> as a run without --output makes it: a run that fails on its
        // data leaves neither its folder nor the empty ones created above it
        Path out = temp.resolve("runs").resolve("tiny").resolve("20261202-000000");

        CliFixture.Result result = run("run", spec.toString(), "--output", out.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("5 images").contains("training.batch_size = 8");
        assertThat(temp.resolve("runs")).doesNotExist();
    }

    @Test
    void modelThatDoesNotFitTheImageSizeIsReportedBeforeLoading() throws Exception {
        Path spec =
                write(
                        temp,
                        "deep.yaml",
                        tinySpec(4).replace("layers: [4, 8]", "layers: [4, 8, 16, 32]"));

        CliFixture.Result result =
                run("run", spec.toString(), "--output", temp.resolve("run").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("model.layers")
                .contains("divisible by 2^4")
                .contains("8x8");
        assertThat(temp.resolve("run")).doesNotExist();
    }

    @Test
    void modelThatDoesNotFitIsReportedTogetherWithTheOtherSpecProblems() throws Exception {
        Path spec =
                write(
                        temp,
                        "deep2.yaml",
                        tinySpec(4).replace("layers: [4, 8]", "layers: [4, 8, 16, 32]"));

        CliFixture.Result result =
                run(
                        "run",
                        spec.toString(),
                        "--output",
                        temp.resolve("run").toString(),
                        "--set",
                        "training.log_evry=3");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("2 problems")
                .contains("deep2.yaml")
                .contains("divisible by 2^4")
                .contains("--set training.log_evry=3")
                .contains("did you mean 'log_every'?");
    }

    @Test
    void classFoldersWhoseMetricNamesCollideAreRefusedForAConditionalModelOnly() throws Exception {
        Path root = temp.resolve("people");
        for (String person : List.of("Jean Luc", "Jean_Luc", "Ann")) {
            Path folder = Files.createDirectories(root.resolve(person));
            for (int i = 0; i < 8; i++) {
                BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
                image.getRaster().setSample(i % 8, i / 8, 0, 40 * i);
                ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
            }
        }
        String dataset =
                "{type: image-folder, root: '" + root + "', width: 8, height: 8, channels: 1}";
        Path spec =
                write(
                        temp,
                        "people.yaml",
                        tinySpec(2)
                                .replace(
                                        "{type: synthetic, size: 48, classes: 3, side: 8}",
                                        dataset));

        CliFixture.Result result =
                run("run", spec.toString(), "--output", temp.resolve("run").toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
        assertThat(result.err())
                .contains("'Jean Luc', 'Jean_Luc' all become 'Jean_Luc'")
                .contains("rename these classes");
        assertThat(temp.resolve("run")).doesNotExist();

        // an unconditional model reports no per-class metric: the same folders train
        Path unconditional =
                write(
                        temp,
                        "people-gan.yaml",
                        Files.readString(spec).replace("type: cgan,", "type: gan,"));
        CliFixture.Result trained =
                run("run", unconditional.toString(), "--output", temp.resolve("gan").toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
    }

    @Test
    void missingFashionMnistFilesNameThePathAndTheFix() throws Exception {
        Path spec =
                write(
                        temp,
                        "fm.yaml",
                        tinySpec(4)
                                .replace(
                                        "{type: synthetic, size: 48, classes: 3, side: 8}",
                                        "{type: fashion-mnist, path: "
                                                + temp.resolve("nowhere")
                                                + "}"));

        CliFixture.Result result =
                run("run", spec.toString(), "--output", temp.resolve("run").toString());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("nowhere").contains("dataset-fashion-mnist");
    }

    @Test
    void pluginsCommandListsEveryKindWithItsKeys() {
        CliFixture.Result result = run("plugins");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("model     cgan")
                .contains("model     gan")
                .contains("dataset   image-folder")
                .contains("dataset   fashion-mnist")
                .contains("optimizer adam")
                .contains("sampler   uniform")
                .contains("latent_dim")
                .contains("learning_rate")
                .contains("class_order");
        // the type column lines up in each plugin's block, even past a 22-character key
        // (discriminator_extra_convs)
        List<String> block = new ArrayList<>();
        boolean inside = false;
        for (String line : result.out().split("\n")) {
            if (!line.startsWith("    ")) {
                inside = line.startsWith("model     cgan-projection ");
            } else if (inside) {
                block.add(line);
            }
        }
        assertThat(block).anyMatch(line -> line.startsWith("    discriminator_extra_convs "));
        assertThat(block.stream().map(SpecAndDataErrorsIT::typeColumn).distinct().toList())
                .as("the column where the type starts, per key line")
                .hasSize(1);
    }

    /** Where the type starts in a key line {@code " KEY TYPE …"}: after the key's padding. */
    private static int typeColumn(String line) {
        int column = line.indexOf(' ', 4);
        while (line.charAt(column) == ' ') {
            column++;
        }
        return column;
    }
}
