package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ganforge explore} on a trained tiny conditional run (8×8 images, 3 classes, padding 2):
 * grid sizes, GIF frame counts, and that the walks are what they claim (the morph's first image is
 * the interpolation's first image: same z, same class, same generator).
 */
class ExploreIT {

    @TempDir Path temp;
    private Path runFolder;

    @BeforeEach
    void train() throws Exception {
        runFolder = temp.resolve("run");
        CliFixture.Result trained =
                run(
                        "run",
                        write(temp, "tiny.yaml", tinySpec(150)).toString(),
                        "--output",
                        runFolder.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
    }

    @Test
    void writesInterpolationMorphAndTruncationPicturesAndLoopingGifs() throws Exception {
        CliFixture.Result explored =
                run(
                        "explore",
                        runFolder.toString(),
                        "--rows",
                        "3",
                        "--steps",
                        "5",
                        "--from",
                        "class-0",
                        "--to",
                        "2");

        assertThat(explored.exitCode()).as(explored.err()).isZero();
        assertThat(explored.out()).contains("morph from 'class-0' to 'class-2'");
        Path out = runFolder.resolve("explore");
        BufferedImage interpolation = ImageIO.read(out.resolve("interpolation.png").toFile());
        assertThat(interpolation.getWidth()).isEqualTo(5 * 10 + 2);
        assertThat(interpolation.getHeight()).isEqualTo(3 * 10 + 2);
        BufferedImage truncation = ImageIO.read(out.resolve("truncation.png").toFile());
        assertThat(truncation.getWidth()).as("5 default ψ values").isEqualTo(5 * 10 + 2);
        BufferedImage morph = ImageIO.read(out.resolve("morph.png").toFile());
        assertThat(pixels(morph, 0, 0))
                .as("row 0 of both: the same z and class 0 at the first step")
                .isEqualTo(pixels(interpolation, 0, 0));
        assertThat(pixels(morph, 0, 4))
                .as("class 2 at the last step")
                .isNotEqualTo(pixels(morph, 0, 0));
        for (String gif : new String[] {"interpolation.gif", "morph.gif"}) {
            try (ImageInputStream in = ImageIO.createImageInputStream(out.resolve(gif).toFile())) {
                ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
                reader.setInput(in);
                assertThat(reader.getNumImages(true))
                        .as(gif + ": 5 steps forward, 3 back")
                        .isEqualTo(8);
                BufferedImage frame = reader.read(0);
                assertThat(frame.getWidth()).isEqualTo(3 * 10 + 2);
                assertThat(frame.getHeight()).isEqualTo(10 + 2);
            }
        }
    }

    @Test
    void anUnknownClassIsRefusedWithTheClassList() {
        CliFixture.Result result = run("explore", runFolder.toString(), "--from", "shoes");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--from 'shoes'").contains("[class-0, class-1, class-2]");
    }

    /** The grey values of the 8×8 tile at (row, column). */
    private static int[] pixels(BufferedImage grid, int row, int column) {
        return grid.getRaster().getPixels(2 + column * 10, 2 + row * 10, 8, 8, (int[]) null);
    }
}
