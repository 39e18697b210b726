package dev.ganforge.core.train;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LeCam regulariser of D's loss for GANs trained on little data (Tseng et al. 2021,
 * "Regularizing Generative Adversarial Networks under Limited Data",
 * https://arxiv.org/abs/2104.03310, eq. 3, in the form of the authors' code,
 * https://github.com/google/lecam-gan): with α_R and α_F moving averages of D's mean logit on real
 * and on generated images,
 *
 * <pre>  R = mean_i max(0, x_real,i − α_F)² + mean_j max(0, α_R − x_fake,j)²</pre>
 *
 * and D minimises its adversarial loss + λR. The term is one-sided: it pulls D's logits on real
 * images down towards its average on generated ones, and those on generated images up towards its
 * average on real ones, which limits how far apart D can push the two on a small training set (the
 * paper's setting, with DiffAugment beside it). G's loss is unchanged.
 *
 * <p>The averages have decay {@value #DECAY} and are bias-corrected (α = m / (1 − decay^t) after t
 * updates, as in the authors' StyleGAN2 code). They are updated once per step, after D's two
 * passes, with that step's mean logits, so a step's R uses the averages of the steps before it, and
 * the first step of a run has no R. The authors' code folds the current batch in first and applies
 * R from the first step; with bias correction the current batch's weight there is (1 − decay) / (1
 * − decay^t): all of it at t = 1, about 10 % at t = 10, about 1 % once t ≫ 100, so the two differ
 * in the first steps only. The averages are checkpointed, so a resumed run continues them.
 */
public final class LeCam {

    /** Decay of the logit averages α_R and α_F: the authors' value. */
    public static final double DECAY = 0.99;

    /** The checkpointed state's name: {@code [m_R, m_F, t]}, float64. */
    public static final String STATE_KEY = "lecam/averages";

    private final double weight;
    private double realSum;
    private double fakeSum;
    private long updates;

    /**
     * @param weight λ, the regulariser's weight in D's loss, &gt; 0
     * @throws IllegalArgumentException if λ is not positive and finite
     */
    public LeCam(double weight) {
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException(
                    "LeCam weight must be > 0 and finite, got " + weight);
        }
        this.weight = weight;
    }

    /**
     * @return whether a term is added this step: false before the first update
     */
    public boolean active() {
        return updates > 0;
    }

    /**
     * @param logit D's logit x on one example of the pass
     * @param real whether the pass is D's pass on real images (else on generated ones)
     * @return λ max(0, x − α_F)² for a real example, λ max(0, α_R − x)² for a generated one; 0 when
     *     not {@link #active()}
     */
    public double loss(double logit, boolean real) {
        double excess = excess(logit, real);
        return weight * excess * excess;
    }

    /**
     * @param logit D's logit x on one example of the pass
     * @param real whether the pass is D's pass on real images
     * @return d{@link #loss}/dx: 2λ max(0, x − α_F) for a real example, −2λ max(0, α_R − x) for a
     *     generated one; 0 at the kink and when not {@link #active()}
     */
    public double gradient(double logit, boolean real) {
        double excess = excess(logit, real);
        return real ? 2 * weight * excess : -2 * weight * excess;
    }

    private double excess(double logit, boolean real) {
        if (!active()) {
            return 0;
        }
        return Math.max(0, real ? logit - anchor(fakeSum) : anchor(realSum) - logit);
    }

    private double anchor(double sum) {
        return sum / (1 - Math.pow(DECAY, updates));
    }

    /**
     * Folds one step's logits into the averages.
     *
     * @param realLogits D's logits on the step's real images, length B
     * @param fakeLogits D's logits on the step's generated images (D's own pass), length B
     */
    public void update(float[] realLogits, float[] fakeLogits) {
        realSum = DECAY * realSum + (1 - DECAY) * mean(realLogits);
        fakeSum = DECAY * fakeSum + (1 - DECAY) * mean(fakeLogits);
        updates++;
    }

    /**
     * @return α_R, the bias-corrected average of D's mean logit on real images; NaN before the
     *     first update
     */
    public double realAnchor() {
        return updates == 0 ? Double.NaN : anchor(realSum);
    }

    /**
     * @return α_F, the bias-corrected average of D's mean logit on generated images; NaN before the
     *     first update
     */
    public double fakeAnchor() {
        return updates == 0 ? Double.NaN : anchor(fakeSum);
    }

    /**
     * @return {@link #STATE_KEY} to {@code [m_R, m_F, t]} (float64), the uncorrected averages and
     *     the number of updates
     */
    public Map<String, INDArray> state() {
        return Map.of(STATE_KEY, Nd4j.createFromArray(new double[] {realSum, fakeSum, updates}));
    }

    /**
     * Continues the averages of a checkpoint; a state without {@link #STATE_KEY} (a checkpoint of a
     * run without the regulariser) leaves them empty, so the term starts again from the next step.
     *
     * @param state a map written by {@link #state()}, possibly with other entries
     * @throws IllegalArgumentException if the entry does not hold 3 finite values with a whole,
     *     non-negative count
     */
    public void restoreState(Map<String, INDArray> state) {
        INDArray saved = state.get(STATE_KEY);
        if (saved == null) {
            return;
        }
        double[] values = saved.castTo(DataType.DOUBLE).reshape(saved.length()).toDoubleVector();
        if (values.length != 3
                || !Double.isFinite(values[0])
                || !Double.isFinite(values[1])
                || !(values[2] >= 0)
                || values[2] != Math.rint(values[2])) {
            throw new IllegalArgumentException(
                    STATE_KEY
                            + " must hold [m_R, m_F, t], finite, with t a whole number >= 0, got "
                            + java.util.Arrays.toString(values));
        }
        realSum = values[0];
        fakeSum = values[1];
        updates = (long) values[2];
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
