package dev.ganforge.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contact sheet of synthetic trial folders: layout, each trial's pixels, placeholders. */
class SweepContactSheetTest {

    private static final int WIDTH = 40;
    private static final int HEIGHT = 20;

    @TempDir Path folder;

    @Test
    void eachTileHoldsItsTrialsLastFake1GridScaledToTheCommonBox() throws IOException {
        TrialState grey = trial("aaaaaaaaaaaa", "0.0002", "32", "FINISHED", 12.5);
        TrialState colour = trial("bbbbbbbbbbbb", "0.0005", "32", "FINISHED", 9.25);
        TrialState failed = trial("cccccccccccc", "0.0002", "100", "FAILED", null);
        TrialState damaged = trial("dddddddddddd", "0.0005", "100", "KILLED", null);
        BufferedImage greyGrid = greyGrid(7);
        BufferedImage colourGrid = colourGrid();
        writeGrid(grey, 10, "fake1", greyGrid(99)); // an older grid
        writeGrid(grey, 30, "fake1", greyGrid);
        writeGrid(grey, 30, "fake2", greyGrid(55)); // another kind of grid
        writeGrid(colour, 30, "fake1", colourGrid);
        Files.createDirectories(folder.resolve(failed.folderName()).resolve("samples"));
        Path cutOff = folder.resolve(damaged.folderName()).resolve("samples");
        Files.createDirectories(cutOff);
        Files.write(cutOff.resolve("step-00000005-fake1.png"), new byte[] {(byte) 0x89, 'P', 'N'});

        ContactSheet.Sheet sheet =
                SweepContactSheet.compose(
                        folder,
                        "faces",
                        List.of(grey, colour, failed, damaged),
                        Optional.of(colour),
                        "eval/fd_ganforge_cnn",
                        SweepSpec.Goal.MINIMIZE);

        List<Rectangle> boxes = sheet.boxes();
        assertThat(boxes).hasSize(4);
        int scale = ContactSheet.BOX / WIDTH;
        for (Rectangle box : boxes) {
            assertThat(box.getSize())
                    .isEqualTo(new java.awt.Dimension(WIDTH * scale, HEIGHT * scale));
            assertThat(new Rectangle(0, 0, sheet.image().getWidth(), sheet.image().getHeight()))
                    .matches(bounds -> bounds.contains(box));
            for (Rectangle other : boxes) {
                assertThat(other != box && other.intersects(box)).isFalse();
            }
        }
        assertThat(boxes.stream().map(b -> b.y).distinct().count()).as("rows").isGreaterThan(1);
        assertThat(boxes.stream().map(b -> b.x).distinct().count()).as("columns").isGreaterThan(1);
        assertHolds(sheet.image(), boxes.get(0), greyGrid, scale);
        assertHolds(sheet.image(), boxes.get(1), colourGrid, scale);
        for (Rectangle placeholder : List.of(boxes.get(2), boxes.get(3))) {
            assertThat(sheet.image().getRGB(placeholder.x + 1, placeholder.y + 1) & 0xffffff)
                    .isEqualTo(ContactSheet.PLACEHOLDER.getRGB() & 0xffffff);
            assertThat(darkPixels(sheet.image(), placeholder)).as("a label").isPositive();
        }
        assertThat(count(sheet.image(), ContactSheet.MARK.getRGB())).as("best frame").isPositive();
    }

    @Test
    void withoutABestTrialNothingIsFramedAndAMissingFolderIsAPlaceholder() {
        TrialState pending = trial("eeeeeeeeeeee", "0.0002", "32", "PENDING", null);

        ContactSheet.Sheet sheet =
                SweepContactSheet.compose(
                        folder,
                        "faces",
                        List.of(pending),
                        Optional.empty(),
                        null,
                        SweepSpec.Goal.MINIMIZE);

        Rectangle box = sheet.boxes().get(0);
        assertThat(sheet.image().getRGB(box.x, box.y) & 0xffffff)
                .isEqualTo(ContactSheet.PLACEHOLDER.getRGB() & 0xffffff);
        assertThat(count(sheet.image(), ContactSheet.MARK.getRGB())).isZero();
    }

    @Test
    void writesAPngIntoTheSweepFolder() throws IOException {
        TrialState trial = trial("ffffffffffff", "0.0002", "32", "FINISHED", 3.0);
        writeGrid(trial, 4, "fake1", greyGrid(1));

        Path file =
                SweepContactSheet.write(
                        folder,
                        "faces",
                        List.of(trial),
                        Optional.of(trial),
                        "eval/fd_ganforge_cnn",
                        SweepSpec.Goal.MINIMIZE);

        assertThat(file).isEqualTo(folder.resolve(SweepContactSheet.FILE));
        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getWidth()).isGreaterThan(ContactSheet.BOX);
        assertHolds(
                read,
                SweepContactSheet.compose(
                                folder,
                                "faces",
                                List.of(trial),
                                Optional.of(trial),
                                "eval/fd_ganforge_cnn",
                                SweepSpec.Goal.MINIMIZE)
                        .boxes()
                        .get(0),
                greyGrid(1),
                ContactSheet.BOX / WIDTH);
    }

    @Test
    void aPbtTrialIsCaptionedWithTheValuesItLastTrainedWith() {
        TrialState started = trial("abababababab", "0.0005", "32", "FINISHED", 2.0);
        TrialState exploited =
                started.exploited(
                        10,
                        "cdcdcdcdcdcd",
                        Map.of(
                                "optimizers.generator.learning_rate",
                                "0.0006",
                                "model.latent_dim",
                                "32"));
        Map<String, String> names =
                SweepContactSheet.shortNames(
                        List.of("optimizers.generator.learning_rate", "model.latent_dim"));

        ContactSheet.Tile tile =
                SweepContactSheet.tile(
                        folder, 1, exploited, names, List.of(exploited), exploited.id(), "m");

        assertThat(tile.title())
                .contains("learning_rate=0.0006")
                .doesNotContain("0.0005")
                .endsWith("after 1 exploit");
    }

    @Test
    void sweptKeysAreShortenedToTheirShortestDistinctSuffix() {
        assertThat(
                        SweepContactSheet.shortNames(
                                List.of(
                                        "optimizers.generator.learning_rate",
                                        "optimizers.discriminator.learning_rate",
                                        "model.latent_dim",
                                        "seed")))
                .containsExactly(
                        Map.entry("optimizers.generator.learning_rate", "generator.learning_rate"),
                        Map.entry(
                                "optimizers.discriminator.learning_rate",
                                "discriminator.learning_rate"),
                        Map.entry("model.latent_dim", "latent_dim"),
                        Map.entry("seed", "seed"));
    }

    private static TrialState trial(
            String id, String rate, String latent, String status, Double metric) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("optimizers.generator.learning_rate", rate);
        values.put("model.latent_dim", latent);
        return new TrialState(
                id, values, status, 1, metric, status.equals("FAILED") ? "exit code 1" : null);
    }

    private void writeGrid(TrialState trial, long step, String key, BufferedImage grid)
            throws IOException {
        Path samples = folder.resolve(trial.folderName()).resolve("samples");
        Files.createDirectories(samples);
        ImageIO.write(
                grid,
                "png",
                samples.resolve(String.format("step-%08d-%s.png", step, key)).toFile());
    }

    /** A grey grid whose every pixel differs from its neighbours, as a PNG stores it. */
    private static BufferedImage greyGrid(int seed) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.getRaster().setSample(x, y, 0, (x * 6 + y * 11 + seed) % 256);
            }
        }
        return image;
    }

    private static BufferedImage colourGrid() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.setRGB(x, y, (x * 6) << 16 | (y * 12) << 8 | (x + y) * 3);
            }
        }
        return image;
    }

    /** Every grid pixel is the centre of its scale × scale block in the box, grey as stored. */
    private static void assertHolds(
            BufferedImage sheet, Rectangle box, BufferedImage grid, int scale) {
        List<String> wrong = new ArrayList<>();
        for (int y = 0; y < grid.getHeight(); y++) {
            for (int x = 0; x < grid.getWidth(); x++) {
                int expected =
                        grid.getType() == BufferedImage.TYPE_BYTE_GRAY
                                ? grey(grid.getRaster().getSample(x, y, 0))
                                : grid.getRGB(x, y) & 0xffffff;
                int actual =
                        sheet.getRGB(box.x + x * scale + scale / 2, box.y + y * scale + scale / 2)
                                & 0xffffff;
                if (actual != expected) {
                    wrong.add(x + "," + y);
                }
            }
        }
        assertThat(wrong).as("grid pixels not on the sheet").isEmpty();
    }

    private static int grey(int value) {
        return value << 16 | value << 8 | value;
    }

    private static long darkPixels(BufferedImage image, Rectangle box) {
        long dark = 0;
        for (int y = box.y; y < box.y + box.height; y++) {
            for (int x = box.x; x < box.x + box.width; x++) {
                if ((image.getRGB(x, y) & 0xff) < 0x90) {
                    dark++;
                }
            }
        }
        return dark;
    }

    private static long count(BufferedImage image, int argb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (argb & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
