package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code random} dataset is the same for the same seed, also for the default seed 0 (which
 * ND4J's native generator would take as "from the clock"), and differs between seeds.
 */
class RandomDatasetTest {

    private static INDArray images(long seed) {
        return new RandomDataset().load(new RandomDataset.Spec(8, 8, 1, 3, 48, seed)).images();
    }

    @Test
    void theSameSeedGivesTheSameImagesAlsoForSeedZero() throws InterruptedException {
        INDArray first = images(0);
        Thread.sleep(5); // a clock-seeded generator would now start elsewhere
        assertThat(images(0)).isEqualTo(first);
        assertThat(images(7)).isEqualTo(images(7)).isNotEqualTo(first);
        assertThat(first.minNumber().doubleValue()).isGreaterThanOrEqualTo(-1.0);
        assertThat(first.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(first.stdNumber().doubleValue()).as("noise, not a constant").isGreaterThan(0.4);
    }

    @Test
    void nativeSeedsAreNonZeroAndDistinct() {
        assertThat(RandomDataset.nativeSeed(0)).isNotZero();
        assertThat(RandomDataset.nativeSeed(0)).isNotEqualTo(RandomDataset.nativeSeed(1));
    }
}
