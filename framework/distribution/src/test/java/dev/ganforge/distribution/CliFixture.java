package dev.ganforge.distribution;

import dev.ganforge.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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

    private CliFixture() {}
}
