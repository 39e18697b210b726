package dev.ganforge.spi;

/**
 * The shape of one image in NCHW layout, without the batch dimension.
 *
 * @param channels C: 1 (grey), 3 (RGB) or 4 (RGBA)
 * @param height H in pixels, at least 1
 * @param width W in pixels, at least 1
 */
public record ImageShape(int channels, int height, int width) {

    /**
     * @throws IllegalArgumentException if any dimension is out of range
     */
    public ImageShape {
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("channels must be 1, 3 or 4, found " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "height and width must be >= 1, found " + height + "x" + width);
        }
    }

    /**
     * @return C·H·W, the number of values in one image
     */
    public long size() {
        return (long) channels * height * width;
    }

    /**
     * @return {@code [batch, C, H, W]}
     */
    public long[] batchShape(long batch) {
        return new long[] {batch, channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
