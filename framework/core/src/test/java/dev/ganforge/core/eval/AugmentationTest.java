package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.core.spec.AugmentationSpec;
import dev.ganforge.core.spec.AugmentationSpec.Padding;
import dev.ganforge.core.spec.ClassifierSpec;
import dev.ganforge.spi.LabeledImages;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Each transformation of the classifier's augmentation alone, and its part in the cache key. */
class AugmentationTest {

    /** A 1×1×4×4 image with pixel (y, x) = (4y + x) / 16 - 0.5. */
    private static INDArray ramp() {
        float[] pixels = new float[16];
        for (int p = 0; p < 16; p++) {
            pixels[p] = p / 16f - 0.5f;
        }
        return Nd4j.create(pixels, new long[] {1, 1, 4, 4}, DataType.FLOAT);
    }

    @Test
    void noAugmentationCopiesTheImages() {
        INDArray image = ramp();
        assertThat(Augmentation.apply(image, AugmentationSpec.none(), new SplittableRandom(1)))
                .isEqualTo(image);
    }

    @Test
    void translationFillsTheBorderWithTheEdgeOrBlack() {
        INDArray image = ramp();
        for (long seed = 0; seed < 20; seed++) {
            AugmentationSpec edge = new AugmentationSpec(1, Padding.EDGE, 0, 0, false, 0);
            AugmentationSpec black = new AugmentationSpec(1, Padding.BLACK, 0, 0, false, 0);
            // the same seed draws the same shift for both paddings
            INDArray byEdge = Augmentation.apply(image, edge, new SplittableRandom(seed));
            INDArray byBlack = Augmentation.apply(image, black, new SplittableRandom(seed));
            int dx = -1;
            int dy = -1;
            search:
            for (int y = -1; y <= 1; y++) {
                for (int x = -1; x <= 1; x++) {
                    if (shifted(image, x, y, false).equals(byEdge)) {
                        dx = x;
                        dy = y;
                        break search;
                    }
                }
            }
            assertThat(byEdge).isEqualTo(shifted(image, dx, dy, false));
            assertThat(byBlack).isEqualTo(shifted(image, dx, dy, true));
        }
    }

    /** The float64 reference: out(y, x) = in(y - dy, x - dx), outside by edge or -1. */
    private static INDArray shifted(INDArray image, int dx, int dy, boolean black) {
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 1, 4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int sy = y - dy;
                int sx = x - dx;
                boolean inside = sy >= 0 && sy < 4 && sx >= 0 && sx < 4;
                double value =
                        inside || !black
                                ? image.getDouble(
                                        0,
                                        0,
                                        Math.max(0, Math.min(3, sy)),
                                        Math.max(0, Math.min(3, sx)))
                                : -1;
                out.putScalar(new int[] {0, 0, y, x}, value);
            }
        }
        return out;
    }

    @Test
    void flipMirrorsRowsAboutHalfTheTime() {
        INDArray image = ramp();
        AugmentationSpec flip = new AugmentationSpec(0, Padding.EDGE, 0, 0, true, 0);
        SplittableRandom random = new SplittableRandom(3);
        int flipped = 0;
        for (int t = 0; t < 200; t++) {
            INDArray out = Augmentation.apply(image, flip, random);
            if (!out.equals(image)) {
                assertThat(out.getDouble(0, 0, 1, 0)).isEqualTo(image.getDouble(0, 0, 1, 3));
                flipped++;
            }
        }
        assertThat(flipped).isBetween(70, 130); // Binomial(200, 1/2): ±4.2 standard deviations
    }

    @Test
    void contrastAndBrightnessKeepTheMeanRelationAndStayInRange() {
        INDArray image = ramp();
        AugmentationSpec photometric = new AugmentationSpec(0, Padding.EDGE, 0.3, 0.4, false, 0);
        SplittableRandom random = new SplittableRandom(5);
        for (int t = 0; t < 50; t++) {
            double[] in = image.data().asDouble();
            double[] out = Augmentation.apply(image, photometric, random).data().asDouble();
            // out = (in - mean)·a + mean + b with one a, b per image: fit a from two pixels
            double mean = image.meanNumber().doubleValue();
            double a = (out[15] - out[0]) / (in[15] - in[0]);
            double b = out[0] - (in[0] - mean) * a - mean;
            assertThat(a).isBetween(0.6 - 1e-6, 1.4 + 1e-6);
            assertThat(b).isBetween(-0.3 - 1e-6, 0.3 + 1e-6);
            for (int p = 0; p < 16; p++) {
                // float32 output of a float64 formula: within a few ulps of values ≤ 1
                assertThat(out[p]).isCloseTo((in[p] - mean) * a + mean + b, within(1e-6));
            }
        }
    }

    @Test
    void noiseHasTheAskedStandardDeviationAndOutputIsClipped() {
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 50, 1, 16, 16);
        double[] out =
                Augmentation.apply(
                                flat,
                                new AugmentationSpec(0, Padding.EDGE, 0, 0, false, 0.1),
                                new SplittableRandom(9))
                        .data()
                        .asDouble();
        double sumSquares = 0;
        for (double value : out) {
            sumSquares += value * value;
        }
        // 12,800 draws: the sample standard deviation is within 2 % of 0.1 (±3.2 standard errors)
        assertThat(Math.sqrt(sumSquares / out.length)).isCloseTo(0.1, within(0.002));

        INDArray bright = Nd4j.ones(DataType.FLOAT, 2, 1, 4, 4);
        INDArray clipped =
                Augmentation.apply(
                        bright,
                        new AugmentationSpec(0, Padding.EDGE, 0.5, 0, false, 0.5),
                        new SplittableRandom(2));
        assertThat(clipped.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(clipped.minNumber().doubleValue()).isGreaterThanOrEqualTo(-1.0);
    }

    @Test
    void aChangedAugmentationChangesTheCacheKey() {
        LabeledImages data =
                new LabeledImages(
                        Nd4j.zeros(DataType.FLOAT, 4, 1, 4, 4),
                        new int[] {0, 1, 0, 1},
                        List.of("a", "b"),
                        0);
        ClassifierSpec plain =
                new ClassifierSpec(
                        Path.of("c"), 10, 0.5, 1, 1, 2, 0.001, AugmentationSpec.none(), null);
        ClassifierSpec shifted =
                new ClassifierSpec(
                        Path.of("c"),
                        10,
                        0.5,
                        1,
                        1,
                        2,
                        0.001,
                        new AugmentationSpec(1, Padding.EDGE, 0, 0, false, 0),
                        null);
        ClassifierSpec black =
                new ClassifierSpec(
                        Path.of("c"),
                        10,
                        0.5,
                        1,
                        1,
                        2,
                        0.001,
                        new AugmentationSpec(1, Padding.BLACK, 0, 0, false, 0),
                        null);

        String key = ClassifierStore.fingerprint(data, plain, 1);
        assertThat(ClassifierStore.fingerprint(data, shifted, 1)).isNotEqualTo(key);
        assertThat(ClassifierStore.fingerprint(data, black, 1))
                .isNotEqualTo(key)
                .isNotEqualTo(ClassifierStore.fingerprint(data, shifted, 1));
        // the data part stays: only the settings hash after the dash moves
        assertThat(ClassifierStore.fingerprint(data, shifted, 1)).startsWith(key.substring(0, 17));
        assertThat(ClassifierStore.fingerprint(data, plain, 1)).isEqualTo(key);
    }
}
