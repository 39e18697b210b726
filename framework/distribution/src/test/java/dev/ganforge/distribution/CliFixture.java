package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.cli.Main;
import dev.ganforge.core.run.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process and keeps what it printed. */
final class CliFixture {

    /** A tiny conditional experiment on {@link SyntheticDataset}: 8×8 grey images, 3 classes. */
    static String tinySpec(int steps) {
        return """
        experiment: tiny
        seed: 7
        dataset: {type: synthetic, size: 48, classes: 3, side: 8}
        model: {type: cgan, latent_dim: 4, layers: [4, 8], kernel_size: 3}
        training:
          batch_size: 8
          steps: %d
          log_every: 2
          sample_every: 3
          checkpoint_every: 4
          sample_rows: 2
        """
                .formatted(steps);
    }

    static Path write(Path folder, String name, String text) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Starts the CLI in a real JVM with this test's class path, as a user's process would run.
     *
     * @param log where its standard output and error go
     * @param args the command line
     * @return the running process
     */
    static Process startProcess(Path log, List<String> args) throws IOException {
        return startProcess(log, args, List.of(), Map.of());
    }

    /**
     * {@link #startProcess(Path, List)} with JVM options and extra environment variables.
     *
     * @param log where its standard output and error go
     * @param args the command line
     * @param jvmOptions options before the main class ({@code -Dkey=value})
     * @param environment variables added to this process's environment
     * @return the running process
     */
    static Process startProcess(
            Path log, List<String> args, List<String> jvmOptions, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * Waits at most 120 s until a run folder's metrics.csv holds at least {@code lines} lines.
     *
     * @throws AssertionError with the process's log if it does not get there
     */
    static void awaitMetricsLines(Path runFolder, int lines, Path log) throws Exception {
        Path metrics = runFolder.resolve("metrics.csv");
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
                && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < lines)) {
            Thread.sleep(200);
        }
        assertThat(metrics).as(Files.readString(log)).exists();
        assertThat(Files.readAllLines(metrics))
                .as(Files.readString(log))
                .hasSizeGreaterThanOrEqualTo(lines);
    }

    /**
     * The steps of the whole rows of a run folder's metrics.csv; a last row cut off by a crash or a
     * full disk is not counted.
     */
    static List<Long> loggedSteps(Path runFolder) throws IOException {
        String text = Files.readString(runFolder.resolve(RunDirectory.METRICS_FILE));
        List<Long> steps = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isEmpty() && !line.startsWith("step,")) {
                steps.add(Long.parseLong(line.substring(0, line.indexOf(','))));
            }
        }
        return steps;
    }

    private CliFixture() {}
}
