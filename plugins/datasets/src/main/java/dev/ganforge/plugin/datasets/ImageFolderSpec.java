package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.SpecField;
import java.nio.file.Path;

/**
 * The {@code image-folder} dataset's spec: one sub-folder per class under {@code root}.
 *
 * @param root folder holding one sub-folder per class; entries named {@code .*}, {@code __MACOSX},
 *     {@code Thumbs.db} or {@code desktop.ini} are ignored (see {@link ImageFolderScan})
 * @param width W of the output images, in pixels
 * @param height H of the output images, in pixels
 * @param channels C of the output images: 1 (grey), 3 (RGB) or 4 (RGBA)
 * @param classOrder order of the class folders (and of the files in each), which fixes the labels
 * @param unreadable whether an undecodable, truncated or damaged image file fails the load or is
 *     skipped
 * @param resize how images are brought to width × height
 */
public record ImageFolderSpec(
        @SpecField(
                        doc =
                                "folder with one sub-folder of images per class; entries named .*,"
                                        + " __MACOSX, Thumbs.db or desktop.ini are ignored")
                Path root,
        @SpecField(doc = "output image width in pixels", defaultValue = "64", min = 1, max = 4096)
                int width,
        @SpecField(doc = "output image height in pixels", defaultValue = "64", min = 1, max = 4096)
                int height,
        @SpecField(
                        doc = "output channels: 1 grey, 3 RGB, 4 RGBA",
                        defaultValue = "1",
                        min = 1,
                        max = 4)
                int channels,
        @SpecField(
                        doc =
                                "class folder order, which fixes the labels: natural (s2 before"
                                        + " s10) or lexicographic",
                        defaultValue = "natural")
                ClassOrder classOrder,
        @SpecField(
                        doc =
                                "what to do with an undecodable, truncated or damaged image file:"
                                        + " fail or skip",
                        defaultValue = "fail")
                UnreadablePolicy unreadable,
        @SpecField(
                        doc =
                                "resize rule: stretch (exact size) or center-crop (keep aspect"
                                        + " ratio)",
                        defaultValue = "stretch")
                ResizeMode resize) {

    /**
     * @throws IllegalArgumentException if a value is missing or out of range
     */
    public ImageFolderSpec {
        if (root == null) {
            throw new IllegalArgumentException("'root' is required");
        }
        if (classOrder == null || unreadable == null || resize == null) {
            throw new IllegalArgumentException(
                    "'class_order', 'unreadable' and 'resize' must not be null");
        }
        new ImageShape(channels, height, width); // validates channels 1, 3 or 4 and a positive size
    }

    /**
     * @param root folder holding one sub-folder per class
     * @return a spec with the defaults: 64×64, 1 channel, natural order, fail on unreadable files,
     *     stretch
     */
    public static ImageFolderSpec of(Path root) {
        return new ImageFolderSpec(
                root, 64, 64, 1, ClassOrder.NATURAL, UnreadablePolicy.FAIL, ResizeMode.STRETCH);
    }

    /**
     * @return the shape of one output image, C × H × W
     */
    public ImageShape imageShape() {
        return new ImageShape(channels, height, width);
    }
}
