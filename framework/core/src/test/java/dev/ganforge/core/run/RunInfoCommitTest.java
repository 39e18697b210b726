package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
