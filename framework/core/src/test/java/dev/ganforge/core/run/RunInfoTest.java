package dev.ganforge.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run-info.json keeps what it records, and reads files written before a field existed. */
class RunInfoTest {

    @TempDir Path run;

    @Test
    void writtenInfoReadsBackTheSame() {
        RunInfo info =
                new RunInfo(
                        "image-folder",
                        400,
                        40,
                        Map.of("model", "cgan-projection 0.1.0"),
                        "me",
                        "48fa68a7d87c773161241228a9d13e1c7c8ecc25",
                        true,
                        1_700_000_000_000L,
                        "0123456789abcdef",
                        "image-folder:/data/faces",
                        "bf16");

        info.write(run);

        assertThat(RunInfo.read(run)).contains(info);
    }

    @Test
    void aFileFromBeforeTheRevisionAndPrecisionWereRecordedReadsThemAsUnknown() throws Exception {
        Files.writeString(
                run.resolve(RunInfo.FILE),
                """
                {"dataset": {"name": "fashion-mnist", "size": 60000, "classes": 10},
                 "plugins": {}, "user": "me", "started_ms": 5}
                """);

        RunInfo info = RunInfo.read(run).orElseThrow();

        assertThat(info.gitCommit()).isNull();
        assertThat(info.gitDirty()).isNull();
        assertThat(info.precision()).isNull();
        assertThat(info.datasetSize()).isEqualTo(60000);
    }
}
