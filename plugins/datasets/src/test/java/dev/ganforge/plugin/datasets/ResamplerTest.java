package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    /** Resizes one grey plane given in 8-bit values and returns the output in [-1, 1]. */
    private static float[] resize(
            int width, int height, ResizeMode mode, int outWidth, int outHeight, int... grey) {
        float[] plane = new float[grey.length];
        for (int i = 0; i < grey.length; i++) {
            plane[i] = grey[i] / 255f;
        }
        float[] out = new float[outWidth * outHeight];
        Resampler.resize(plane, 1, width, height, mode, outWidth, outHeight, out, 0);
        return out;
    }

    @Test
    void shrinkingAveragesTheCoveredArea() {
        assertThat(resize(4, 1, ResizeMode.STRETCH, 2, 1, 0, 0, 255, 255))
                .containsExactly(new float[] {-1f, 1f}, within(1e-6f));
        assertThat(resize(4, 1, ResizeMode.STRETCH, 2, 1, 0, 255, 0, 255))
                .containsExactly(new float[] {0f, 0f}, within(1e-6f));
        // 3 -> 2: output 0 covers pixel 0 and half of pixel 1
        assertThat(resize(3, 1, ResizeMode.STRETCH, 2, 1, 0, 255, 255))
                .containsExactly(new float[] {2 * (0.5f / 1.5f) - 1, 1f}, within(1e-6f));
    }

    @Test
    void enlargingInterpolatesBilinearlyWithAlignedCentres() {
        assertThat(resize(2, 1, ResizeMode.STRETCH, 4, 1, 0, 255))
                .containsExactly(new float[] {-1f, -0.5f, 0.5f, 1f}, within(1e-6f));
    }

    @Test
    void resizesRowsAndColumnsIndependently() {
        float[] out = resize(2, 2, ResizeMode.STRETCH, 1, 4, 0, 255, 0, 255);

        assertThat(out).containsExactly(new float[] {0f, 0f, 0f, 0f}, within(1e-6f));
    }

    @Test
    void centreCropKeepsTheMiddleWhereStretchAveragesEverything() {
        int[] wide = {0, 255, 255, 0, 0, 255, 255, 0}; // 4 wide, 2 high: dark edges, bright centre

        assertThat(resize(4, 2, ResizeMode.CENTER_CROP, 2, 2, wide)).containsOnly(1f);
        assertThat(resize(4, 2, ResizeMode.STRETCH, 2, 2, wide)).containsOnly(0f);
    }

    @Test
    void centreCropOfATallImageKeepsTheMiddleRows() {
        int[] tall = {0, 0, 255, 255, 255, 255, 0, 0}; // 2 wide, 4 high

        assertThat(resize(2, 4, ResizeMode.CENTER_CROP, 1, 1, tall)).containsExactly(1f);
    }

    @Test
    void writesEveryChannelAtTheOffset() {
        float[] planes = {0f, 1f}; // two channels of one pixel
        float[] out = new float[5];
        Resampler.resize(planes, 2, 1, 1, ResizeMode.STRETCH, 1, 2, out, 1);

        assertThat(out).containsExactly(0f, -1f, -1f, 1f, 1f);
    }
}
