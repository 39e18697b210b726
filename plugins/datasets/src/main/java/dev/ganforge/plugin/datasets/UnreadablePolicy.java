package dev.ganforge.plugin.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the {@code image-folder} dataset does with an image file it cannot decode: not an image,
 * corrupt, or a PNG or JPEG that is truncated or damaged ({@link ImageIntegrity}).
 */
public enum UnreadablePolicy {
    /** Decode every file, then fail with one error that names every unreadable file and why. */
    @JsonProperty("fail")
    FAIL,
    /** Leave unreadable files out and report how many in {@code LabeledImages.skippedFiles()}. */
    @JsonProperty("skip")
    SKIP
}
