package dev.ganforge.core.train;

import dev.ganforge.core.spec.Augmentation;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Differentiable augmentation of a batch of images (DiffAugment: Zhao et al. 2020,
 * https://arxiv.org/abs/2006.10738; the operations and their constants follow the reference code
 * https://github.com/mit-han-lab/data-efficient-gans/blob/master/DiffAugment_pytorch.py): the same
 * random {@link Augmentation}s are applied to real and generated images before D, and the gradient
 * D sends to a generated image flows back through the augmentation to G ({@link #backward}). {@link
 * Augmentation#SCALE} is ADA's isotropic scaling instead (Karras et al. 2020,
 * https://arxiv.org/abs/2006.06676, appendix B.2), made differentiable the same way.
 *
 * <p>One instance augments one stream (real or generated): {@link #forward} draws fresh parameters
 * per image and remembers them, {@link #backward} applies the transposed Jacobian of the last
 * forward pass. Images are {@code [B, C, H, W]} in [-1, 1] (the result may leave that range, as in
 * the reference). Works in float64 internally; the arrays it returns have the input's data type and
 * are reused by the next call. Not thread-safe.
 */
public final class DiffAugment {

    private final List<Augmentation> policy;
    private final int batch;
    private final int channels;
    private final int height;
    private final int width;
    private final double[] x;
    private final double[] brightness;
    private final double[] saturation;
    private final double[] contrast;
    private final int[] shiftH;
    private final int[] shiftW;
    private final int[] cutTop;
    private final int[] cutLeft;
    private final double[] zoom;
    private final int cutHeight;
    private final int cutWidth;
    private INDArray out;

    /**
     * @param policy the augmentations, applied in this order
     * @param shape {@code [B, C, H, W]} of every batch
     */
    public DiffAugment(List<Augmentation> policy, long[] shape) {
        this.policy = List.copyOf(policy);
        this.batch = (int) shape[0];
        this.channels = (int) shape[1];
        this.height = (int) shape[2];
        this.width = (int) shape[3];
        this.x = new double[batch * channels * height * width];
        this.brightness = new double[batch];
        this.saturation = new double[batch];
        this.contrast = new double[batch];
        this.shiftH = new int[batch];
        this.shiftW = new int[batch];
        this.cutTop = new int[batch];
        this.cutLeft = new int[batch];
        this.zoom = new double[batch];
        // reference: cutout_size = int(size * 0.5 + 0.5)
        this.cutHeight = (int) (height * 0.5 + 0.5);
        this.cutWidth = (int) (width * 0.5 + 0.5);
    }

    /**
     * @return whether the policy is empty (forward and backward return their input)
     */
    public boolean isIdentity() {
        return policy.isEmpty();
    }

    /**
     * Augments a batch with parameters drawn from {@code random}.
     *
     * @param images {@code [B, C, H, W]}, unchanged
     * @param random the source of this batch's parameters
     * @return the augmented batch, {@code [B, C, H, W]}, valid until the next call; {@code images}
     *     itself when the policy is empty
     * @throws IllegalArgumentException if {@code images} is not of the constructed shape
     */
    public INDArray forward(INDArray images, SplittableRandom random) {
        if (isIdentity()) {
            return images;
        }
        for (Augmentation augmentation : policy) {
            switch (augmentation) {
                case COLOR -> drawColor(random);
                case TRANSLATION -> drawTranslation(random);
                case CUTOUT -> drawCutout(random);
                case SCALE -> drawScale(random);
            }
        }
        return replay(images);
    }

    /**
     * Augments a batch with the parameters of the last {@link #forward} (a generator's new output
     * seen through the same augmentation, as in a gradient check).
     *
     * @param images {@code [B, C, H, W]}, unchanged
     * @return the augmented batch, valid until the next call; {@code images} when the policy is
     *     empty
     */
    public INDArray replay(INDArray images) {
        if (isIdentity()) {
            return images;
        }
        load(images);
        for (Augmentation augmentation : policy) {
            switch (augmentation) {
                case COLOR -> color();
                case TRANSLATION -> translate();
                case CUTOUT -> applyCutout();
                case SCALE -> scale(false);
            }
        }
        return store(images);
    }

    /**
     * Back-propagates through the last {@link #forward}: the augmentations are linear in the image
     * for fixed parameters, so this applies their transposes in reverse order.
     *
     * @param gradient dLoss/dAugmented {@code [B, C, H, W]}, unchanged
     * @return dLoss/dImages {@code [B, C, H, W]}, valid until the next call; {@code gradient}
     *     itself when the policy is empty
     */
    public INDArray backward(INDArray gradient) {
        if (isIdentity()) {
            return gradient;
        }
        load(gradient);
        for (int i = policy.size() - 1; i >= 0; i--) {
            switch (policy.get(i)) {
                case COLOR -> colorBackward();
                case TRANSLATION -> translateBackward();
                case CUTOUT -> cutoutBackward();
                case SCALE -> scale(true);
            }
        }
        return store(gradient);
    }

    private void load(INDArray array) {
        if (array.length() != x.length || array.rank() != 4) {
            throw new IllegalArgumentException(
                    "DiffAugment expects ["
                            + batch
                            + ", "
                            + channels
                            + ", "
                            + height
                            + ", "
                            + width
                            + "], got "
                            + Arrays.toString(array.shape()));
        }
        double[] values = array.dup('c').data().asDouble();
        System.arraycopy(values, 0, x, 0, x.length);
    }

    private INDArray store(INDArray like) {
        if (out == null || out.dataType() != like.dataType()) {
            out = Nd4j.create(like.dataType(), batch, channels, height, width);
        }
        out.assign(Nd4j.createFromArray(x).reshape(batch, channels, height, width));
        return out;
    }

    // --- colour: brightness, saturation, contrast, each an affine map per image -----------------

    private void drawColor(SplittableRandom random) {
        for (int b = 0; b < batch; b++) {
            brightness[b] = random.nextDouble() - 0.5;
            saturation[b] = random.nextDouble() * 2;
            contrast[b] = random.nextDouble() + 0.5;
        }
    }

    private void color() {
        int plane = height * width;
        int image = channels * plane;
        for (int b = 0; b < batch; b++) {
            int base = b * image;
            for (int i = 0; i < image; i++) {
                x[base + i] += brightness[b];
            }
            mixWithChannelMean(base, plane, saturation[b]);
            mixWithImageMean(base, image, contrast[b]);
        }
    }

    private void colorBackward() {
        int plane = height * width;
        int image = channels * plane;
        for (int b = 0; b < batch; b++) {
            int base = b * image;
            // y = c·x + (1 − c)·mean(x) is symmetric: its transpose is the same map.
            mixWithImageMean(base, image, contrast[b]);
            mixWithChannelMean(base, plane, saturation[b]);
            // brightness adds a constant: the gradient passes unchanged
        }
    }

    /** x ← factor·(x − m) + m with m the mean over the channels of each pixel. */
    private void mixWithChannelMean(int base, int plane, double factor) {
        for (int p = 0; p < plane; p++) {
            double mean = 0;
            for (int c = 0; c < channels; c++) {
                mean += x[base + c * plane + p];
            }
            mean /= channels;
            for (int c = 0; c < channels; c++) {
                int i = base + c * plane + p;
                x[i] = factor * (x[i] - mean) + mean;
            }
        }
    }

    /** x ← factor·(x − m) + m with m the mean of the whole image. */
    private void mixWithImageMean(int base, int size, double factor) {
        double mean = 0;
        for (int i = 0; i < size; i++) {
            mean += x[base + i];
        }
        mean /= size;
        for (int i = 0; i < size; i++) {
            x[base + i] = factor * (x[base + i] - mean) + mean;
        }
    }

    // --- translation: y[h, w] = x[h + dh, w + dw], zero outside ----------------------------------

    private void drawTranslation(SplittableRandom random) {
        // reference: shift = int(size * 0.125 + 0.5), translation in [-shift, shift]
        int maxH = (int) (height * 0.125 + 0.5);
        int maxW = (int) (width * 0.125 + 0.5);
        for (int b = 0; b < batch; b++) {
            shiftH[b] = random.nextInt(-maxH, maxH + 1);
            shiftW[b] = random.nextInt(-maxW, maxW + 1);
        }
    }

    private void translate() {
        double[] source = x.clone();
        int plane = height * width;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int base = (b * channels + c) * plane;
                for (int h = 0; h < height; h++) {
                    int sh = h + shiftH[b];
                    for (int w = 0; w < width; w++) {
                        int sw = w + shiftW[b];
                        boolean inside = sh >= 0 && sh < height && sw >= 0 && sw < width;
                        x[base + h * width + w] = inside ? source[base + sh * width + sw] : 0;
                    }
                }
            }
        }
    }

    private void translateBackward() {
        double[] upstream = x.clone();
        Arrays.fill(x, 0);
        int plane = height * width;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int base = (b * channels + c) * plane;
                for (int h = 0; h < height; h++) {
                    int sh = h + shiftH[b];
                    if (sh < 0 || sh >= height) {
                        continue;
                    }
                    for (int w = 0; w < width; w++) {
                        int sw = w + shiftW[b];
                        if (sw >= 0 && sw < width) {
                            x[base + sh * width + sw] += upstream[base + h * width + w];
                        }
                    }
                }
            }
        }
    }

    // --- cutout: a cutHeight × cutWidth square set to 0 ------------------------------------------

    private void drawCutout(SplittableRandom random) {
        for (int b = 0; b < batch; b++) {
            // reference: offset in [0, size + (1 − cut % 2)), square centred on it, clipped
            cutTop[b] = random.nextInt(height + (1 - cutHeight % 2)) - cutHeight / 2;
            cutLeft[b] = random.nextInt(width + (1 - cutWidth % 2)) - cutWidth / 2;
        }
    }

    private void cutoutBackward() {
        applyCutout(); // y = mask · x: the transpose is the same mask
    }

    private void applyCutout() {
        int plane = height * width;
        for (int b = 0; b < batch; b++) {
            int top = Math.max(0, cutTop[b]);
            int bottom = Math.min(height, cutTop[b] + cutHeight);
            int left = Math.max(0, cutLeft[b]);
            int right = Math.min(width, cutLeft[b] + cutWidth);
            for (int c = 0; c < channels && left < right; c++) {
                int base = (b * channels + c) * plane;
                for (int h = top; h < bottom; h++) {
                    Arrays.fill(x, base + h * width + left, base + h * width + right, 0);
                }
            }
        }
    }

    // --- scale: y = x bilinearly sampled at the centre-zoomed position, 0 outside ----------------

    private void drawScale(SplittableRandom random) {
        // ADA (Karras et al. 2020, appendix B.2): isotropic scaling ~ lognormal(0, (0.2·ln 2)²)
        for (int b = 0; b < batch; b++) {
            zoom[b] = Math.pow(2, 0.2 * random.nextGaussian());
        }
    }

    /**
     * Output pixel (h, w) samples the input at ((h + ½ − H/2)/s + H/2 − ½, likewise for w), the
     * zoom by s about the image centre, with bilinear weights; taps outside the image count as 0.
     * The map is linear in x, so {@code transpose} scatters each output value back along the same
     * taps and weights (the transposed Jacobian).
     */
    private void scale(boolean transpose) {
        double[] source = x.clone();
        Arrays.fill(x, 0);
        int plane = height * width;
        int[] rowTap = new int[height];
        double[] rowWeight = new double[height];
        int[] colTap = new int[width];
        double[] colWeight = new double[width];
        for (int b = 0; b < batch; b++) {
            taps(zoom[b], height, rowTap, rowWeight);
            taps(zoom[b], width, colTap, colWeight);
            for (int c = 0; c < channels; c++) {
                int base = (b * channels + c) * plane;
                for (int h = 0; h < height; h++) {
                    for (int dh = 0; dh < 2; dh++) {
                        int sh = rowTap[h] + dh;
                        double wh = dh == 0 ? 1 - rowWeight[h] : rowWeight[h];
                        if (sh < 0 || sh >= height || wh == 0) {
                            continue;
                        }
                        for (int w = 0; w < width; w++) {
                            for (int dw = 0; dw < 2; dw++) {
                                int sw = colTap[w] + dw;
                                double ww = dw == 0 ? 1 - colWeight[w] : colWeight[w];
                                if (sw < 0 || sw >= width) {
                                    continue;
                                }
                                int out = base + h * width + w;
                                int in = base + sh * width + sw;
                                if (transpose) {
                                    x[in] += wh * ww * source[out];
                                } else {
                                    x[out] += wh * ww * source[in];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * For each output index i of an axis of {@code size}: its first input tap and the weight of the
     * second.
     */
    private static void taps(double zoom, int size, int[] tap, double[] weight) {
        double centre = size / 2.0;
        for (int i = 0; i < size; i++) {
            double position = (i + 0.5 - centre) / zoom + centre - 0.5;
            double floor = Math.floor(position);
            tap[i] = (int) floor;
            weight[i] = position - floor;
        }
    }
}
