package dev.ganforge.plugin.datasets;

/**
 * Resizes planar images separably, one axis at a time. An axis that shrinks is resampled by area
 * averaging (each output pixel is the mean of the source pixels its footprint covers, weighted by
 * the covered fraction, like OpenCV's {@code INTER_AREA}), which does not alias; an axis that grows
 * is resampled bilinearly with pixel centres aligned ({@code src = (dst + 0.5)·scale - 0.5}, edges
 * clamped). An axis of equal size is copied.
 */
final class Resampler {

    private Resampler() {}

    /**
     * Crops a region from each plane, resizes it and writes {@code 2v - 1} (clamped to [-1, 1]).
     *
     * @param planes {@code [C, h, w]} in row-major order, values in [0, 1]
     * @param channels C
     * @param width w, the source width in pixels
     * @param height h, the source height in pixels
     * @param mode how the source is fitted to {@code outWidth × outHeight}
     * @param outWidth output width in pixels
     * @param outHeight output height in pixels
     * @param out destination; receives {@code [C, outHeight, outWidth]} in row-major order, in [-1,
     *     1]
     * @param offset index in {@code out} of the first value written
     */
    static void resize(
            float[] planes,
            int channels,
            int width,
            int height,
            ResizeMode mode,
            int outWidth,
            int outHeight,
            float[] out,
            int offset) {
        int cropWidth = width;
        int cropHeight = height;
        if (mode == ResizeMode.CENTER_CROP) {
            if ((long) width * outHeight > (long) height * outWidth) {
                cropWidth = (int) Math.max(1, Math.round((double) height * outWidth / outHeight));
            } else {
                cropHeight = (int) Math.max(1, Math.round((double) width * outHeight / outWidth));
            }
        }
        int left = (width - cropWidth) / 2;
        int top = (height - cropHeight) / 2;
        Taps columns = Taps.of(cropWidth, outWidth);
        Taps rows = Taps.of(cropHeight, outHeight);
        float[] horizontal = new float[cropHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            int plane = c * width * height;
            for (int y = 0; y < cropHeight; y++) {
                int row = plane + (top + y) * width + left;
                for (int x = 0; x < outWidth; x++) {
                    horizontal[y * outWidth + x] = columns.apply(x, planes, row, 1);
                }
            }
            int target = offset + c * outWidth * outHeight;
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    float v = 2f * rows.apply(y, horizontal, x, outWidth) - 1f;
                    out[target + y * outWidth + x] = Math.max(-1f, Math.min(1f, v));
                }
            }
        }
    }

    /** For each output index along one axis, the source indices it reads and their weights. */
    private record Taps(int[][] indices, float[][] weights) {

        static Taps of(int source, int target) {
            int[][] indices = new int[target][];
            float[][] weights = new float[target][];
            double scale = (double) source / target;
            for (int o = 0; o < target; o++) {
                if (scale > 1) { // area: the footprint [o·scale, (o+1)·scale) in source pixels
                    double start = o * scale;
                    double end = Math.min(source, (o + 1) * scale);
                    int first = (int) Math.floor(start);
                    int last = Math.min(source - 1, (int) Math.ceil(end) - 1);
                    indices[o] = new int[last - first + 1];
                    weights[o] = new float[last - first + 1];
                    for (int i = first; i <= last; i++) {
                        indices[o][i - first] = i;
                        weights[o][i - first] =
                                (float) ((Math.min(end, i + 1) - Math.max(start, i)) / scale);
                    }
                } else { // bilinear (or a copy when scale == 1)
                    double centre = Math.max(0, Math.min(source - 1, (o + 0.5) * scale - 0.5));
                    int below = (int) Math.floor(centre);
                    int above = Math.min(source - 1, below + 1);
                    float fraction = (float) (centre - below);
                    indices[o] = new int[] {below, above};
                    weights[o] = new float[] {1f - fraction, fraction};
                }
            }
            return new Taps(indices, weights);
        }

        /**
         * @return the weighted sum of {@code data[base + index·stride]} over output index {@code
         *     o}'s taps
         */
        float apply(int o, float[] data, int base, int stride) {
            float sum = 0f;
            for (int t = 0; t < indices[o].length; t++) {
                sum += weights[o][t] * data[base + indices[o][t] * stride];
            }
            return sum;
        }
    }
}
