package dev.ganforge.core.io;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes looping animated GIFs with the JDK's GIF writer (javax.imageio): the frame delay goes into
 * each frame's Graphic Control Extension, the endless loop into the NETSCAPE2.0 application
 * extension (GIF89a, https://www.w3.org/Graphics/GIF/spec-gif89a.txt, and the metadata format of
 * javax_imageio_gif_image_1.0). Grey frames are written through an exact 256-grey palette; colour
 * frames are quantised by the writer.
 */
public final class AnimatedGif {

    private AnimatedGif() {}

    /**
     * @param frames the frames, all of one size; grey ({@code TYPE_BYTE_GRAY}) or colour
     * @param delayMillis time each frame is shown, rounded to hundredths of a second (GIF's unit),
     *     at least 20 ms
     * @param file the target {@code .gif}, replaced atomically
     * @throws IllegalArgumentException if there are no frames or their sizes differ
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public static void write(List<BufferedImage> frames, int delayMillis, Path file) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("an animation needs at least one frame");
        }
        int width = frames.get(0).getWidth();
        int height = frames.get(0).getHeight();
        for (BufferedImage frame : frames) {
            if (frame.getWidth() != width || frame.getHeight() != height) {
                throw new IllegalArgumentException(
                        "frames must all be "
                                + width
                                + "x"
                                + height
                                + ", one is "
                                + frame.getWidth()
                                + "x"
                                + frame.getHeight());
            }
        }
        Folders.writeAtomically(
                file,
                target -> {
                    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
                    try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
                        writer.setOutput(out);
                        writer.prepareWriteSequence(null);
                        for (int i = 0; i < frames.size(); i++) {
                            BufferedImage frame = indexed(frames.get(i));
                            IIOMetadata metadata =
                                    writer.getDefaultImageMetadata(
                                            ImageTypeSpecifier.createFromRenderedImage(frame),
                                            null);
                            annotate(metadata, Math.max(2, Math.round(delayMillis / 10f)), i == 0);
                            writer.writeToSequence(new IIOImage(frame, null, metadata), null);
                        }
                        writer.endWriteSequence();
                    } finally {
                        writer.dispose();
                    }
                });
    }

    /** Grey frames through an exact 256-grey palette; others as they are. */
    private static BufferedImage indexed(BufferedImage frame) {
        if (frame.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            return frame;
        }
        byte[] grey = new byte[256];
        for (int i = 0; i < 256; i++) {
            grey[i] = (byte) i;
        }
        BufferedImage out =
                new BufferedImage(
                        frame.getWidth(),
                        frame.getHeight(),
                        BufferedImage.TYPE_BYTE_INDEXED,
                        new IndexColorModel(8, 256, grey, grey, grey));
        out.getRaster().setRect(frame.getRaster()); // grey value = palette index
        return out;
    }

    private static void annotate(IIOMetadata metadata, int delayHundredths, boolean first)
            throws IOException {
        String format = metadata.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delayHundredths));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode extensions = child(root, "ApplicationExtensions");
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
            extensions.appendChild(loop);
        }
        metadata.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
