package dev.ganforge.tracking.mlflow;

import static dev.ganforge.tracking.mlflow.RunFolderFixture.checkpoint;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.rows;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.sample;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.spec;
import static dev.ganforge.tracking.mlflow.RunFolderFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder or mlflow.json that someone changed cannot make a sync upload a file from outside
 * the run folder: each case plants a link or pointer to a secret file beside the folder and checks
 * that the sync refuses with the entry's name and that the secret's bytes reach the tracker in no
 * artifact, param, tag or metric.
 */
class TamperedRunFolderTest {

    private static final String SECRET = "ssh-ed25519 AAAA-secret-key-material";

    @TempDir Path temp;
    private Path run;
    private Path secret;
    private final FakeTracker tracker = new FakeTracker();
    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void endedRunBesideASecret() throws Exception {
        run = temp.resolve("run");
        RunFolderFixture.create(run, spec(4));
        rows(run, 1, 4, 1.0);
        sample(run, 2, "fake1", 10, 5);
        checkpoint(run, 4);
        status(run, "FINISHED", null);
        Path outside = Files.createDirectories(temp.resolve("home/.ssh"));
        secret = Files.writeString(outside.resolve("id_ed25519"), SECRET);
    }

    private MlflowSync sync() {
        return new MlflowSync(run, tracker, "http://127.0.0.1:1", null, notices::add);
    }

    @Test
    void anUntouchedFolderSyncs() {
        assertThat(sync().sync().complete()).isTrue();
        assertThat(tracker.artifacts).containsKey("spec.yaml");
        assertNoSecretSent();
    }

    @Test
    void aSampleGridLinkedToAFileOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(run.resolve("samples/step-00000004-fake2.png"), secret);

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samples/step-00000004-fake2.png")
                .hasMessageContaining(secret.toRealPath().toString())
                .hasMessageContaining("nothing was sent");
        assertThat(tracker.calls).isEmpty();
    }

    @Test
    void aCheckpointFileOrSpecLinkedOutsideIsRefused() throws Exception {
        Path generator = run.resolve("checkpoints/step-00000004/generator.zip");
        Files.delete(generator);
        Files.createSymbolicLink(generator, secret);

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generator.zip");

        Files.delete(generator);
        Files.writeString(generator, "g4");
        Path spec = run.resolve("spec.yaml");
        Path copy = Files.writeString(temp.resolve("spec-copy.yaml"), Files.readString(spec));
        Files.delete(spec);
        Files.createSymbolicLink(spec, copy); // harmless content, but outside all the same

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec.yaml");
        assertNoSecretSent();
    }

    @Test
    void aSubFolderLinkedOutsideIsRefused() throws Exception {
        Path checkpoints = run.resolve("checkpoints");
        Path moved = Files.move(checkpoints, temp.resolve("elsewhere"));
        Files.createSymbolicLink(checkpoints, moved);

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoints is a link to");
        assertThat(tracker.calls).isEmpty();
    }

    @Test
    void aLatestPointerOutOfTheFolderIsRefused() throws Exception {
        Files.writeString(run.resolve("checkpoints/latest"), "../../home/.ssh\n");

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("checkpoints/latest")
                .hasMessageContaining("../../home/.ssh")
                .hasMessageContaining("step-NNNNNNNN");
        assertNoSecretSent();
    }

    @Test
    void linksThatStayInsideTheFolderAreFine() throws Exception {
        Files.createSymbolicLink(
                run.resolve("checkpoints/best"), Path.of("step-00000004")); // as the trainer does

        assertThat(sync().sync().complete()).isTrue();
    }

    @Test
    void anArtifactUriThatClimbsOutOfItsRunIsRefused() throws Exception {
        sync().sync(); // creates the run and mlflow.json
        ObjectMapper json = new ObjectMapper();
        Path state = run.resolve(SyncState.FILE);
        ObjectNode node = (ObjectNode) json.readTree(state.toFile());
        node.put("artifact_uri", "mlflow-artifacts:/1/run-1/artifacts/../../../2/other-run");
        node.putArray("images"); // pretend the grids were never sent
        node.putObject("image_times");
        json.writeValue(state.toFile(), node);
        int uploads = tracker.artifacts.size();

        assertThatThrownBy(() -> sync().sync())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'..'");
        assertThat(tracker.artifacts).hasSize(uploads);
    }

    private void assertNoSecretSent() {
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        tracker.artifacts.forEach(
                (path, bytes) ->
                        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                                .as(path)
                                .doesNotContain(new String(needle, StandardCharsets.ISO_8859_1)));
        assertThat(tracker.params.values()).noneMatch(v -> v.contains(SECRET));
        assertThat(tracker.tags.values()).noneMatch(v -> v.contains(SECRET));
    }
}
