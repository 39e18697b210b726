package dev.ganforge.cli.sweep;

import dev.ganforge.core.train.ImageGrid;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out images with captions on one sheet with Java2D: every image is scaled to fit one common
 * box (nearest neighbour when enlarging, so small GAN samples stay crisp; area averaging when
 * shrinking), centred in its tile above its caption, tiles in rows under a heading. A tile without
 * an image gets a grey placeholder labelled with the reason; a marked tile gets a coloured frame.
 * Text is antialiased; captions wrap at their {@code " · "} separators.
 */
public final class ContactSheet {

    /** The longer side of the box every image is scaled into, in pixels. */
    public static final int BOX = 320;

    /** Colour of a placeholder where a tile has no image. */
    public static final Color PLACEHOLDER = new Color(0xD8, 0xD8, 0xD8);

    /** Colour of the frame of a marked tile. */
    public static final Color MARK = new Color(0xE0, 0x9A, 0x00);

    private static final int GAP = 16;
    private static final int FRAME = 4;
    private static final int PADDING = 8;
    private static final Color INK = new Color(0x20, 0x20, 0x20);
    private static final Color FAINT = new Color(0x70, 0x70, 0x70);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font BOLD = TEXT.deriveFont(Font.BOLD);
    private static final Font HEADING = new Font(Font.SANS_SERIF, Font.BOLD, 16);

    private ContactSheet() {}

    /**
     * One tile.
     *
     * @param image the picture (any size), or null for a placeholder
     * @param missing the placeholder's label when {@code image} is null, e.g. {@code "no sample
     *     grid"}
     * @param title the first caption line, bold (wrapped if long)
     * @param lines further caption lines (each wrapped if long)
     * @param note a last, faint caption line, or null
     * @param marked whether the tile gets a frame in {@link #MARK}
     */
    public record Tile(
            BufferedImage image,
            String missing,
            String title,
            List<String> lines,
            String note,
            boolean marked) {

        /** Copies the caption lines. */
        public Tile {
            lines = List.copyOf(lines);
        }
    }

    /**
     * A composed sheet.
     *
     * @param image the sheet, RGB
     * @param boxes per tile, in tile order, where its image (or placeholder) was drawn
     */
    public record Sheet(BufferedImage image, List<Rectangle> boxes) {}

    /**
     * @param heading the text above the tiles (wrapped at its " · " separators if long)
     * @param tiles the tiles, laid out row by row
     * @return the sheet; at least one tile wide
     * @throws IllegalArgumentException if there are no tiles
     */
    public static Sheet compose(String heading, List<Tile> tiles) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one tile");
        }
        Rectangle box = box(tiles);
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int textWidth = box.width;
        List<List<Line>> captions = new ArrayList<>();
        int captionHeight = 0;
        for (Tile tile : tiles) {
            List<Line> caption = caption(tile, measure, textWidth);
            captions.add(caption);
            captionHeight =
                    Math.max(captionHeight, caption.stream().mapToInt(line -> line.height).sum());
        }
        int tileWidth = box.width + 2 * PADDING;
        int tileHeight = box.height + captionHeight + 3 * PADDING;
        int columns = columns(tiles.size(), tileWidth, tileHeight);
        int rows = (tiles.size() + columns - 1) / columns;
        int width = GAP + columns * (tileWidth + GAP);
        List<Line> headingLines = new ArrayList<>();
        add(headingLines, heading, HEADING, INK, measure, width - 2 * GAP);
        measure.dispose();
        int top = GAP + headingLines.stream().mapToInt(line -> line.height).sum() + GAP;
        int height = top + rows * (tileHeight + GAP);
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int baseline = GAP;
            for (Line line : headingLines) {
                g.setFont(line.font);
                g.setColor(line.color);
                baseline += line.height;
                g.drawString(line.text, GAP, baseline - line.descent);
            }
            List<Rectangle> boxes = new ArrayList<>();
            for (int i = 0; i < tiles.size(); i++) {
                int x = GAP + (i % columns) * (tileWidth + GAP);
                int y = top + (i / columns) * (tileHeight + GAP);
                boxes.add(drawTile(g, tiles.get(i), captions.get(i), x, y, box, tileHeight));
            }
            return new Sheet(sheet, List.copyOf(boxes));
        } finally {
            g.dispose();
        }
    }

    /**
     * The common box: {@link #BOX} on its longer side, with the aspect ratio of the largest image
     * (4:3 when there is none).
     */
    private static Rectangle box(List<Tile> tiles) {
        BufferedImage largest = null;
        for (Tile tile : tiles) {
            if (tile.image() != null
                    && (largest == null
                            || (long) tile.image().getWidth() * tile.image().getHeight()
                                    > (long) largest.getWidth() * largest.getHeight())) {
                largest = tile.image();
            }
        }
        double aspect = largest == null ? 0.75 : (double) largest.getHeight() / largest.getWidth();
        return aspect <= 1
                ? new Rectangle(0, 0, BOX, Math.max(1, (int) Math.round(BOX * aspect)))
                : new Rectangle(0, 0, Math.max(1, (int) Math.round(BOX / aspect)), BOX);
    }

    /** Columns that make the sheet about 4:3, at least one, at most one per tile. */
    private static int columns(int tiles, int tileWidth, int tileHeight) {
        int columns = (int) Math.round(Math.sqrt(tiles * (4.0 / 3.0) * tileHeight / tileWidth));
        return Math.max(1, Math.min(tiles, columns));
    }

    private static Rectangle drawTile(
            Graphics2D g, Tile tile, List<Line> caption, int x, int y, Rectangle box, int height) {
        int width = box.width + 2 * PADDING;
        if (tile.marked()) {
            g.setColor(MARK);
            g.setStroke(new BasicStroke(FRAME));
            g.drawRect(x - FRAME / 2, y - FRAME / 2, width + FRAME, height + FRAME);
        }
        Rectangle drawn;
        if (tile.image() != null) {
            drawn = fitted(tile.image(), box);
            drawn.translate(x + PADDING, y + PADDING);
            g.drawImage(scaled(tile.image(), drawn.width, drawn.height), drawn.x, drawn.y, null);
        } else {
            drawn = new Rectangle(x + PADDING, y + PADDING, box.width, box.height);
            g.setColor(PLACEHOLDER);
            g.fillRect(drawn.x, drawn.y, drawn.width, drawn.height);
            g.setColor(FAINT);
            g.setFont(BOLD);
            FontMetrics metrics = g.getFontMetrics();
            String label =
                    ImageGrid.fitText(
                            tile.missing() == null ? "" : tile.missing(), metrics, box.width);
            g.drawString(
                    label,
                    drawn.x + (drawn.width - metrics.stringWidth(label)) / 2,
                    drawn.y + (drawn.height + metrics.getAscent()) / 2);
        }
        int baseline = y + PADDING + box.height + PADDING;
        for (Line line : caption) {
            g.setFont(line.font);
            g.setColor(line.color);
            baseline += line.height;
            g.drawString(line.text, x + PADDING, baseline - line.descent);
        }
        return drawn;
    }

    /** Where an image of this size goes in the box: as large as fits, aspect kept, centred. */
    private static Rectangle fitted(BufferedImage image, Rectangle box) {
        double scale =
                Math.min(
                        (double) box.width / image.getWidth(),
                        (double) box.height / image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        return new Rectangle((box.width - w) / 2, (box.height - h) / 2, w, h);
    }

    private static Image scaled(BufferedImage original, int width, int height) {
        BufferedImage image = asStoredRgb(original);
        if (width >= image.getWidth() && height >= image.getHeight()) {
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION,
                    RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, 0, 0, width, height, null);
            g.dispose();
            return out;
        }
        return image.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
    }

    /**
     * The image as RGB with grey values taken as stored: a grey PNG's samples are sRGB-coded (that
     * is how browsers and MLflow show them), while Java would convert them from its linear grey
     * colour space and lighten every sample grid.
     */
    static BufferedImage asStoredRgb(BufferedImage image) {
        if (image.getColorModel().getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
            if (image.getType() == BufferedImage.TYPE_INT_RGB) {
                return image;
            }
            BufferedImage rgb =
                    new BufferedImage(
                            image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.setColor(Color.WHITE); // transparent pixels over white, as on the sheet
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
            g.dispose();
            return rgb;
        }
        Raster raster = image.getRaster();
        int bits = image.getColorModel().getComponentSize(0);
        BufferedImage rgb =
                new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int grey = raster.getSample(x, y, 0) * 255 / ((1 << bits) - 1);
                rgb.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        return rgb;
    }

    /**
     * @param text caption text
     * @return whether the caption font has a glyph for every character of it (★ is missing from
     *     some fonts)
     */
    static boolean canShow(String text) {
        return TEXT.canDisplayUpTo(text) == -1;
    }

    /** One laid-out caption line. */
    private record Line(String text, Font font, Color color, int height, int descent) {}

    private static List<Line> caption(Tile tile, Graphics2D g, int width) {
        List<Line> lines = new ArrayList<>();
        add(lines, tile.title(), BOLD, INK, g, width);
        for (String line : tile.lines()) {
            add(lines, line, TEXT, INK, g, width);
        }
        if (tile.note() != null) {
            add(lines, tile.note(), TEXT, FAINT, g, width);
        }
        return lines;
    }

    /** Adds a text as lines no wider than {@code width}, breaking at its " · " separators. */
    private static void add(
            List<Line> lines, String text, Font font, Color color, Graphics2D g, int width) {
        FontMetrics metrics = g.getFontMetrics(font);
        int height = metrics.getHeight();
        String current = "";
        for (String part : text.split(" · ")) {
            String joined = current.isEmpty() ? part : current + " · " + part;
            if (current.isEmpty() || metrics.stringWidth(joined) <= width) {
                current = joined;
            } else {
                lines.add(
                        new Line(
                                ImageGrid.fitText(current, metrics, width),
                                font,
                                color,
                                height,
                                metrics.getDescent()));
                current = part;
            }
        }
        lines.add(
                new Line(
                        ImageGrid.fitText(current, metrics, width),
                        font,
                        color,
                        height,
                        metrics.getDescent()));
    }
}
