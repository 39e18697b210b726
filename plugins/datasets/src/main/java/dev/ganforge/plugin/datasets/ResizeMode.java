package dev.ganforge.plugin.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the {@code image-folder} dataset brings an image to the spec's width × height. Both rules
 * resample with area averaging when shrinking an axis and bilinear interpolation when enlarging it
 * (see {@link Resampler}).
 */
public enum ResizeMode {
    /** Resize to exactly width × height; the aspect ratio changes when it differs. */
    @JsonProperty("stretch")
    STRETCH,
    /**
     * Keep the aspect ratio: take the largest centred region of the source with the target's aspect
     * ratio (the shorter side scaled to fit), then resize it to width × height.
     */
    @JsonProperty("center-crop")
    CENTER_CROP
}
