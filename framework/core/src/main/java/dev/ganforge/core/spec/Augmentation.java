package dev.ganforge.core.spec;

/**
 * One differentiable augmentation of DiffAugment (Zhao et al. 2020, "Differentiable Augmentation
 * for Data-Efficient GAN Training", https://arxiv.org/abs/2006.10738, section 3 and its reference
 * code https://github.com/mit-han-lab/data-efficient-gans), applied by {@code DiffAugment} to both
 * the real and the generated images D sees, on images in [-1, 1].
 */
public enum Augmentation {
    /**
     * Per image: brightness + U(−½, ½); saturation: (x − channel mean)·U(0, 2) + channel mean;
     * contrast: (x − image mean)·U(½, 3⁄2) + image mean.
     */
    COLOR,
    /** Per image: a shift by up to ⅛ of the height and width in each direction, zero padded. */
    TRANSLATION,
    /** Per image: a square of half the height and width, at a random place, set to 0. */
    CUTOUT,
    /**
     * Per image: an isotropic zoom about the image centre by a factor 2^(0.2·u), u ~ N(0, 1) (ADA's
     * "isotropic scaling", lognormal(0, (0.2·ln 2)²): Karras et al. 2020, "Training Generative
     * Adversarial Networks with Limited Data", https://arxiv.org/abs/2006.06676, appendix B.2),
     * bilinear, zero padded where the zoom shows area outside the image. Not in DiffAugment's
     * reference policy; for sets whose subjects vary in size between photos.
     */
    SCALE
}
