package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit in run-info.json when the jars run outside the checkout: read from the {@code
 * git.properties} the build writes into the core jar, and only when it is a full commit id.
 */
class RunInfoCommitTest {

    private static final String COMMIT = "48fa68a7d87c773161241228a9d13e1c7c8ecc25";

    @Test
    void aRecordedFullCommitIdIsReadWithWhetherItsBuildWasDirty() throws IOException {
        assertThat(read("#Generated\ngit.commit.id.full=" + COMMIT + "\ngit.dirty=false\n"))
                .contains(new RunInfo.Revision(COMMIT, false));
        assertThat(read("git.dirty=true\ngit.commit.id.full=" + COMMIT + "\n"))
                .contains(new RunInfo.Revision(COMMIT, true));
        assertThat(read("git.commit.id.full=" + COMMIT + "\n"))
                .as("a build before git.dirty was recorded")
                .contains(new RunInfo.Revision(COMMIT, null));
    }

    @Test
    void aMissingOrMalformedCommitIsNone() throws IOException {
        assertThat(read("git.dirty=true\n")).isEmpty();
        assertThat(read("git.commit.id.full=48fa68a\n")).as("abbreviated").isEmpty();
        assertThat(read("git.commit.id.full=${git.commit.id.full}\n")).as("unfiltered").isEmpty();
    }

    @Test
    void theBuildOfACheckoutRecordsTheCommitItWasBuiltFrom() {
        // the Maven build of a git checkout writes git.properties beside RunInfo (a misnamed file
        // or a plugin that stopped running fails here); a build from a source archive without .git
        // records no commit, and then nothing is claimed
        Optional<RunInfo.Revision> built = RunInfo.builtRevision();
        if (insideACheckout()) {
            assertThat(built)
                    .hasValueSatisfying(
                            revision -> {
                                assertThat(revision.commit()).matches("[0-9a-f]{40}");
                                assertThat(revision.dirty()).as("git.dirty recorded").isNotNull();
                            });
        } else {
            assertThat(built).isEmpty();
        }
    }

    /**
     * Code run from class folders reads the checkout's HEAD, dirty when the working tree differs
     * from it: a changed tracked file or a new file git does not ignore (the jar's rule, {@code git
     * status -s}), not an ignored one.
     */
    @Test
    void aCheckoutIsDirtyWhenItsWorkingTreeDiffersFromHead(@TempDir Path repo) throws Exception {
        git(repo, "init", "-q");
        Files.writeString(repo.resolve(".gitignore"), "target/\n");
        Files.writeString(repo.resolve("A.java"), "class A {}\n");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "a");
        String head = git(repo, "rev-parse", "HEAD");

        Files.createDirectories(repo.resolve("target"));
        Files.writeString(repo.resolve("target/A.class"), "built");
        assertThat(RunInfo.checkoutRevision(repo))
                .as("ignored build output")
                .contains(new RunInfo.Revision(head, false));

        Files.writeString(repo.resolve("B.java"), "class B {}\n");
        assertThat(RunInfo.checkoutRevision(repo))
                .as("an untracked source file")
                .contains(new RunInfo.Revision(head, true));

        Files.delete(repo.resolve("B.java"));
        Files.writeString(repo.resolve("A.java"), "class A { int x; }\n");
        assertThat(RunInfo.checkoutRevision(repo))
                .as("a changed tracked file")
                .contains(new RunInfo.Revision(head, true));
    }

    @Test
    void aFolderOutsideAnyCheckoutHasNoRevision(@TempDir Path folder) {
        assertThat(RunInfo.checkoutRevision(folder.resolve("missing"))).isEmpty();
    }

    private static String git(Path repo, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out.trim();
    }

    /** Whether the module being tested (the working directory) lies in a git checkout. */
    private static boolean insideACheckout() {
        for (Path folder = Path.of("").toAbsolutePath();
                folder != null;
                folder = folder.getParent()) {
            if (Files.exists(folder.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<RunInfo.Revision> read(String properties) throws IOException {
        return RunInfo.builtRevision(
                new ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8)));
    }
}
