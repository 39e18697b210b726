package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sweep, experiments/sweep_cgan_fashion_mnist.yaml, on real Fashion-MNIST with a real
 * MLflow server: one parent run, the four trials nested under it with their varied params, the best
 * trial named on the parent, the contact sheet of the trials' grids as its artifact; re-running the
 * finished sweep creates no second parent.
 */
class SweepMlflowIT {

    private static MlflowServer server;
    private static MlflowRest rest;

    @TempDir static Path serverFolder;

    @TempDir Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        server = MlflowServer.start(serverFolder.resolve("server"));
        rest = new MlflowRest(server.uri());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void parentRunWithNestedTrialsAndTheBestTrialNamed() throws Exception {
        Path folder = temp.resolve("sweep");
        String[] command = {
            "sweep",
            "../../experiments/sweep_cgan_fashion_mnist.yaml",
            "--parallel",
            "2",
            "--output",
            folder.toString(),
            "--set",
            "tracking.uri=" + server.uri(),
            "--set",
            "tracking.experiment=sweep-it",
            // an empty classifier cache: the two trials that start together train the same
            // classifier at once and must both finish
            "--set",
            "evaluation.classifier.cache=" + temp.resolve("classifiers")
        };

        CliFixture.Result result = run(command);

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        List<String> runs = rest.runIds("sweep-it");
        assertThat(runs).hasSize(5);
        String parent = null;
        List<String> children = new ArrayList<>();
        for (String id : runs) {
            if (rest.tags(id).containsKey("mlflow.parentRunId")) {
                children.add(id);
            } else {
                parent = id;
            }
        }
        assertThat(parent).isNotNull();
        assertThat(children).hasSize(4);
        Set<String> combinations = new TreeSet<>();
        for (String child : children) {
            assertThat(rest.tags(child)).containsEntry("mlflow.parentRunId", parent);
            assertThat(rest.status(child)).isEqualTo("FINISHED");
            Map<String, String> params = rest.params(child);
            combinations.add(
                    params.get("optimizers.generator.learning_rate")
                            + "/"
                            + params.get("model.latent_dim"));
            assertThat(rest.history(child, "g_loss")).isNotEmpty();
        }
        assertThat(combinations)
                .containsExactly("0.0002/100", "0.0002/32", "0.0005/100", "0.0005/32");
        Map<String, String> parentTags = rest.tags(parent);
        assertThat(parentTags)
                .containsKey("ganforge.best_trial")
                .containsEntry("mlflow.runName", "cgan_fashion_mnist-sweep");
        assertThat(rest.params(parent))
                .containsEntry("sweep.method", "grid")
                .containsEntry("sweep.metric", "eval/fd_ganforge_cnn")
                .doesNotContainKey("model.latent_dim")
                .containsKey("training.steps");
        assertThat(rest.history(parent, "sweep/trials_finished").get(0).value()).isEqualTo(4.0);
        assertThat(rest.history(parent, "best/eval/fd_ganforge_cnn")).hasSize(1);
        assertThat(rest.status(parent)).isEqualTo("FINISHED");
        Path sheet = folder.resolve("contact-sheet.png");
        assertThat(result.out()).contains("contact sheet: " + sheet);
        BufferedImage picture = ImageIO.read(sheet.toFile());
        assertThat(picture.getWidth()).as("at least one trial's grid wide").isGreaterThan(256);
        assertThat(rest.artifacts(parent)).contains("sweep.yaml", "contact-sheet.png");
        assertThat(rest.artifact(parent, "contact-sheet.png")).isEqualTo(Files.readAllBytes(sheet));

        CliFixture.Result again = run(command);

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("finished earlier, skipped");
        assertThat(rest.runIds("sweep-it")).hasSize(5);
        assertThat(again.out()).contains("contact sheet: " + sheet);
        assertThat(rest.artifacts(parent)).filteredOn(a -> a.contains("contact-sheet")).hasSize(1);
        assertThat(rest.artifact(parent, "contact-sheet.png")).isEqualTo(Files.readAllBytes(sheet));
    }
}
