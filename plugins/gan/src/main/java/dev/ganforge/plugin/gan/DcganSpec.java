package dev.ganforge.plugin.gan;

import dev.ganforge.spi.SpecField;
import java.util.List;

/**
 * Spec of the DCGAN-style networks used by the {@code gan} and {@code cgan} models (Radford et al.,
 * "Unsupervised Representation Learning with Deep Convolutional GANs", 2015,
 * https://arxiv.org/abs/1511.06434). Defaults are the seed article's.
 *
 * @param latentDim size of the latent vector z
 * @param layers channel widths L = [l1 … ln] of the discriminator's conv layers; the generator
 *     mirrors them (ln first). Each layer halves (discriminator) or doubles (generator) H and W, so
 *     H and W must be divisible by 2^n
 * @param kernelSize square kernel size k of every (de)convolution, in pixels
 * @param leakyReluAlpha negative slope of the discriminator's LeakyReLU
 * @param batchNormDecay running-average decay of BatchNorm statistics (PyTorch momentum = 1 -
 *     decay)
 * @param initStddev standard deviation of the N(0, σ) weight initialisation
 * @param discriminatorNorm BatchNorm after each discriminator convolution (batch, DCGAN's),
 *     spectral normalisation of every discriminator weight matrix instead (spectral), or neither
 *     (none)
 * @param generatorNorm BatchNorm in the generator (batch, DCGAN's), or conditional BatchNorm with a
 *     scale and shift per class (conditional, conditional models only; de Vries et al. 2017,
 *     https://arxiv.org/abs/1707.00683)
 * @param discriminatorExtraConvs stride-1 3×3 convolutions (same width, same normalisation and
 *     LeakyReLU) after the stride-2 convolution of each stage chosen by {@code
 *     discriminatorExtraConvsAt}, 0 to 3; 0 is DCGAN's discriminator, 1 at every stage puts a
 *     stride-1 convolution between the stride-2 ones as the "standard CNN" discriminator of SN-GAN
 *     does (Miyato et al. 2018, https://arxiv.org/abs/1802.05957, Table 3), at the lower resolution
 * @param discriminatorExtraConvsAt which stages get them: all (SN-GAN's) or only the lowest
 *     resolution, where they cost a third as much on the face file
 */
public record DcganSpec(
        @SpecField(doc = "size of the latent vector z", defaultValue = "100", min = 1, max = 4096)
                int latentDim,
        @SpecField(
                        doc =
                                "channel widths of the conv layers, discriminator order; the"
                                        + " generator mirrors them",
                        defaultValue = "[64, 128, 256]",
                        min = 1,
                        max = 4096)
                List<Integer> layers,
        @SpecField(
                        doc = "kernel size of every (de)convolution, pixels",
                        defaultValue = "5",
                        min = 1,
                        max = 15)
                int kernelSize,
        @SpecField(
                        doc = "negative slope of the discriminator's LeakyReLU",
                        defaultValue = "0.2",
                        min = 0,
                        max = 1)
                double leakyReluAlpha,
        @SpecField(
                        doc = "running-average decay of BatchNorm statistics",
                        defaultValue = "0.9",
                        min = 0,
                        max = 1)
                double batchNormDecay,
        @SpecField(
                        doc = "standard deviation of the N(0, σ) weight initialisation",
                        defaultValue = "0.02",
                        min = 0.0,
                        max = 1)
                double initStddev,
        @SpecField(
                        doc =
                                "discriminator normalisation: batch (BatchNorm, DCGAN), spectral"
                                        + " (spectral norm of every weight, no BatchNorm) or none",
                        defaultValue = "batch")
                DiscriminatorNorm discriminatorNorm,
        @SpecField(
                        doc =
                                "generator normalisation: batch (BatchNorm, DCGAN) or conditional"
                                        + " (BatchNorm with a scale and shift per class;"
                                        + " conditional models only)",
                        defaultValue = "batch")
                GeneratorNorm generatorNorm,
        @SpecField(
                        doc =
                                "stride-1 3×3 convolutions after the stride-2 one of each"
                                        + " stage chosen by discriminator_extra_convs_at (0 ="
                                        + " DCGAN; 1 at all = SN-GAN's standard CNN)",
                        defaultValue = "0",
                        min = 0,
                        max = DcganSpec.MAX_EXTRA_CONVS)
                int discriminatorExtraConvs,
        @SpecField(
                        doc =
                                "which of D's stages get the extra convolutions: all, or lowest"
                                        + " (the last, lowest-resolution stage only)",
                        defaultValue = "all")
                ExtraConvStages discriminatorExtraConvsAt) {

    /**
     * The most stride-1 convolutions per stage, {@code discriminator_extra_convs}'s maximum in YAML
     * and in code alike.
     */
    public static final int MAX_EXTRA_CONVS = 3;

    /**
     * A spec of DCGAN's networks: BatchNorm in the discriminator and the generator, one convolution
     * per discriminator stage. The {@code with…} methods change the rest.
     *
     * @throws IllegalArgumentException if {@code layers} is empty
     */
    public DcganSpec(
            int latentDim,
            List<Integer> layers,
            int kernelSize,
            double leakyReluAlpha,
            double batchNormDecay,
            double initStddev) {
        this(
                latentDim,
                layers,
                kernelSize,
                leakyReluAlpha,
                batchNormDecay,
                initStddev,
                DiscriminatorNorm.BATCH,
                GeneratorNorm.BATCH,
                0,
                ExtraConvStages.ALL);
    }

    /**
     * @param norm the discriminator's normalisation
     * @return this spec with {@code discriminatorNorm} replaced
     */
    public DcganSpec withDiscriminatorNorm(DiscriminatorNorm norm) {
        return copy(norm, generatorNorm, discriminatorExtraConvs, discriminatorExtraConvsAt);
    }

    /**
     * @param norm the generator's normalisation
     * @return this spec with {@code generatorNorm} replaced
     */
    public DcganSpec withGeneratorNorm(GeneratorNorm norm) {
        return copy(discriminatorNorm, norm, discriminatorExtraConvs, discriminatorExtraConvsAt);
    }

    /**
     * @param count stride-1 convolutions after each chosen stage's stride-2 one, ≥ 0
     * @param at the stages that get them
     * @return this spec with {@code discriminatorExtraConvs} and {@code discriminatorExtraConvsAt}
     *     replaced
     * @throws IllegalArgumentException if {@code count} is negative or above {@value
     *     #MAX_EXTRA_CONVS}
     */
    public DcganSpec withDiscriminatorExtraConvs(int count, ExtraConvStages at) {
        return copy(discriminatorNorm, generatorNorm, count, at);
    }

    /** This spec with its normalisations and extra convolutions replaced. */
    private DcganSpec copy(
            DiscriminatorNorm discriminatorNorm,
            GeneratorNorm generatorNorm,
            int extraConvs,
            ExtraConvStages extraConvsAt) {
        return new DcganSpec(
                latentDim,
                layers,
                kernelSize,
                leakyReluAlpha,
                batchNormDecay,
                initStddev,
                discriminatorNorm,
                generatorNorm,
                extraConvs,
                extraConvsAt);
    }

    /**
     * @param stage index of a discriminator stage, 0 (the first, highest resolution) to {@code
     *     layers().size() - 1}
     * @return how many stride-1 convolutions follow that stage's stride-2 one
     */
    public int extraConvsAfterStage(int stage) {
        boolean chosen =
                discriminatorExtraConvsAt == ExtraConvStages.ALL || stage == layers.size() - 1;
        return chosen ? discriminatorExtraConvs : 0;
    }

    /**
     * @throws IllegalArgumentException if {@code layers} is empty or {@code
     *     discriminatorExtraConvs} is outside 0 to {@value #MAX_EXTRA_CONVS}
     */
    public DcganSpec {
        layers = List.copyOf(layers);
        java.util.Objects.requireNonNull(discriminatorNorm, "discriminatorNorm");
        java.util.Objects.requireNonNull(generatorNorm, "generatorNorm");
        java.util.Objects.requireNonNull(discriminatorExtraConvsAt, "discriminatorExtraConvsAt");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("'layers' needs at least one width");
        }
        if (discriminatorExtraConvs < 0 || discriminatorExtraConvs > MAX_EXTRA_CONVS) {
            throw new IllegalArgumentException(
                    "'discriminator_extra_convs' must be 0 to "
                            + MAX_EXTRA_CONVS
                            + ", got "
                            + discriminatorExtraConvs);
        }
    }
}
