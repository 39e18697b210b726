package dev.ganforge.tracking.mlflow;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Writes run folders by hand, as the trainer would. */
final class RunFolderFixture {

    private RunFolderFixture() {}

    static void create(Path run, String specYaml) throws IOException {
        Files.createDirectories(run.resolve("samples"));
        Files.writeString(run.resolve("spec.yaml"), specYaml);
        Files.writeString(run.resolve("classes.txt"), "a\nb\n");
        Files.writeString(
                run.resolve("metrics.csv"),
                "step,epoch,d_loss,g_loss,d_real,d_fake,sec_per_step,samples_per_sec,timestamp_ms\n");
        status(run, "RUNNING", null);
    }

    static String spec(int steps) {
        return """
        experiment: toy
        seed: 1
        dataset: {type: synthetic, size: 10}
        model: {type: cgan, layers: [4, 8]}
        training: {batch_size: 2, steps: %d}
        tracking: {uri: 'http://127.0.0.1:1', experiment: toys}
        """
                .formatted(steps);
    }

    static void rows(Path run, long from, long to, double dLoss) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long step = from; step <= to; step++) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "%d,0,%s,0.5,0.6,0.4,0.01,100.0,%d%n",
                            step,
                            dLoss,
                            1_700_000_000_000L + step));
        }
        Files.writeString(run.resolve("metrics.csv"), text, StandardOpenOption.APPEND);
    }

    static void sample(Path run, long step, String key, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, (int) (step % 255));
        ImageIO.write(
                image,
                "png",
                run.resolve(String.format("samples/step-%08d-%s.png", step, key)).toFile());
    }

    static void status(Path run, String status, String reason) throws IOException {
        Files.writeString(
                run.resolve("status.json"),
                "{\"status\": \""
                        + status
                        + "\""
                        + (reason == null ? "" : ", \"reason\": \"" + reason + "\"")
                        + ", \"step\": 4, \"total_steps\": 4,"
                        + " \"updated_ms\": "
                        + System.nanoTime()
                        + "}");
    }

    static void checkpoint(Path run, long step) throws IOException {
        Path folder = run.resolve(String.format("checkpoints/step-%08d", step));
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("generator.zip"), "g" + step);
        Files.writeString(folder.resolve("discriminator.zip"), "d" + step);
        Files.writeString(folder.resolve("state.properties"), "step=" + step);
        Files.writeString(run.resolve("checkpoints/latest"), folder.getFileName() + "\n");
    }
}
