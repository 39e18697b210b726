package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.cli.Main;
import dev.ganforge.cli.sweep.SweepFile;
import dev.ganforge.cli.sweep.SweepRunner;
import dev.ganforge.core.plugin.Plugins;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped file in experiments/ loads and validates with the real plugins, so the examples
 * cannot rot; sweep files ({@code sweep_*.yaml}) are planned, which validates every trial.
 */
class ExperimentFilesTest {

    static Stream<Path> experiments() throws Exception {
        Path folder = Path.of("../../experiments");
        assertThat(folder).isDirectory();
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files =
                    list.filter(p -> p.toString().endsWith(".yaml"))
                            .filter(p -> !p.getFileName().toString().startsWith("sweep_"))
                            .sorted()
                            .toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        return files.stream();
    }

    static Stream<Path> sweeps() throws Exception {
        try (Stream<Path> list = Files.list(Path.of("../../experiments"))) {
            List<Path> files =
                    list.filter(p -> p.getFileName().toString().startsWith("sweep_"))
                            .sorted()
                            .toList();
            assertThat(files).isNotEmpty();
            return files.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sweeps")
    void sweepFilesPlanValidTrials(Path file) {
        SpecLoader loader = new SpecLoader(Plugins.load(getClass().getClassLoader()));

        SweepFile sweep = SweepFile.read(file);
        var trials =
                new SweepRunner(loader, new PrintWriter(Writer.nullWriter()), Main.class.getName())
                        .plan(sweep, List.of());

        // a grid: one trial per combination of the listed values, each its own spec
        int combinations = 1;
        for (var domain : sweep.sweep().parameters().values()) {
            combinations *= ((dev.ganforge.cli.sweep.SweepSpec.Values) domain).values().size();
        }
        assertThat(combinations).isGreaterThan(1);
        assertThat(trials).hasSize(combinations);
        assertThat(trials.stream().map(trial -> trial.state().id()).distinct())
                .hasSize(combinations);
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void loadsAndValidates(Path file) {
        SpecLoader loader = new SpecLoader(Plugins.load(getClass().getClassLoader()));

        ExperimentSpec spec = loader.load(file, List.of());

        assertThat(file.getFileName().toString()).startsWith(spec.experiment());
        assertThat(loader.load(file, List.of())).isEqualTo(spec);
        assertThat(spec.model().type()).isIn("gan", "cgan", "cgan-projection");
    }
}
