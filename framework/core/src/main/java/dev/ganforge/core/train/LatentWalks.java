package dev.ganforge.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The latent-space walks of {@code ganforge explore}: spherical interpolation between latent
 * vectors, interpolated one-hot labels between two classes, and truncation towards the latent mean.
 * Pure functions of their arguments; the generator is run by {@link Generation}.
 */
public final class LatentWalks {

    private LatentWalks() {}

    /**
     * Spherical linear interpolation (Shoemake 1985, "Animating rotation with quaternion curves";
     * for GAN latents White 2016, https://arxiv.org/abs/1609.04468): slerp(a, b, t) = sin((1−t)Ω) /
     * sin Ω · a + sin(tΩ) / sin Ω · b with Ω the angle between a and b. Unlike a straight line it
     * keeps the norm of vectors of equal norm, so the walk stays where a high-dimensional Gaussian
     * or uniform latent has its mass. Falls back to linear interpolation when a and b are (nearly)
     * parallel.
     *
     * @param a start, length d
     * @param b end, length d
     * @param t position in [0, 1]; 0 gives a, 1 gives b
     * @return the interpolated vector, length d
     * @throws IllegalArgumentException if the lengths differ or t is outside [0, 1]
     */
    public static double[] slerp(double[] a, double[] b, double t) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors of length " + a.length + " and " + b.length);
        }
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("t must be in [0, 1], got " + t);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double cos = na == 0 || nb == 0 ? 1 : dot / Math.sqrt(na * nb);
        double omega = Math.acos(Math.max(-1, Math.min(1, cos)));
        double sin = Math.sin(omega);
        double wa;
        double wb;
        if (sin < 1e-6) { // parallel: the arc is a line
            wa = 1 - t;
            wb = t;
        } else {
            wa = Math.sin((1 - t) * omega) / sin;
            wb = Math.sin(t * omega) / sin;
        }
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = wa * a[i] + wb * b[i];
        }
        return out;
    }

    /**
     * Latent vectors for walks: row {@code r·steps + j} is slerp(starts[r], ends[r], j/(steps−1)).
     *
     * @param starts {@code [rows, d]}
     * @param ends {@code [rows, d]}
     * @param steps points per walk, at least 2
     * @return {@code [rows·steps, d]} in the data type of {@code starts}
     * @throws IllegalArgumentException if the shapes differ or steps &lt; 2
     */
    public static INDArray interpolate(INDArray starts, INDArray ends, int steps) {
        if (steps < 2 || !java.util.Arrays.equals(starts.shape(), ends.shape())) {
            throw new IllegalArgumentException(
                    "need at least 2 steps and equal shapes, got "
                            + steps
                            + " steps, "
                            + java.util.Arrays.toString(starts.shape())
                            + " and "
                            + java.util.Arrays.toString(ends.shape()));
        }
        int rows = (int) starts.size(0);
        int d = (int) starts.size(1);
        INDArray out = Nd4j.create(starts.dataType(), (long) rows * steps, d);
        for (int r = 0; r < rows; r++) {
            double[] a = starts.getRow(r).toDoubleVector();
            double[] b = ends.getRow(r).toDoubleVector();
            for (int j = 0; j < steps; j++) {
                out.putRow(
                        (long) r * steps + j,
                        Nd4j.createFromArray(slerp(a, b, j / (steps - 1.0)))
                                .castTo(starts.dataType()));
            }
        }
        return out;
    }

    /**
     * Label vectors that morph from class {@code from} to class {@code to}: entry j of each row is
     * (1 − t)·e_from + t·e_to with t = j/(steps−1), a point on the segment between the two one-hot
     * vectors (the generator was trained on the vertices only, so the middle shows what it makes of
     * a mixture).
     *
     * @param rows how many walks (each gets the same labels)
     * @param steps points per walk, at least 2
     * @param numClasses K
     * @param from the start class, in [0, K)
     * @param to the end class, in [0, K)
     * @return {@code [rows·steps, K]}, float32, each row non-negative and summing to 1
     * @throws IllegalArgumentException if a class is out of range or steps &lt; 2
     */
    public static INDArray morphLabels(int rows, int steps, int numClasses, int from, int to) {
        if (steps < 2 || from < 0 || to < 0 || from >= numClasses || to >= numClasses) {
            throw new IllegalArgumentException(
                    "classes must be in [0, "
                            + numClasses
                            + ") and steps >= 2, got "
                            + from
                            + ", "
                            + to
                            + ", "
                            + steps);
        }
        INDArray labels =
                Nd4j.zeros(
                        org.nd4j.linalg.api.buffer.DataType.FLOAT, (long) rows * steps, numClasses);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < steps; j++) {
                double t = j / (steps - 1.0);
                long row = (long) r * steps + j;
                labels.putScalar(row, from, labels.getDouble(row, from) + (1 - t));
                labels.putScalar(row, to, labels.getDouble(row, to) + t);
            }
        }
        return labels;
    }

    /**
     * The truncation trick towards the latent mean 0 (Karras et al. 2019, StyleGAN,
     * https://arxiv.org/abs/1812.04948, section 3.1, here in z rather than w; the shipped samplers
     * are centred): z_ψ = ψ·z. ψ = 1 leaves z, smaller ψ trades variety for typical images, ψ = 0
     * gives the "average" image of each class.
     *
     * @param z {@code [rows, d]}
     * @param psis the truncation values ψ, each in [0, 1]
     * @return {@code [rows·psis.length, d]}: row {@code r·psis.length + j} is ψ_j·z_r
     * @throws IllegalArgumentException if a ψ is outside [0, 1]
     */
    public static INDArray truncate(INDArray z, double[] psis) {
        int rows = (int) z.size(0);
        INDArray out = Nd4j.create(z.dataType(), (long) rows * psis.length, z.size(1));
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < psis.length; j++) {
                if (!(psis[j] >= 0 && psis[j] <= 1)) {
                    throw new IllegalArgumentException(
                            "truncation must be in [0, 1], got " + psis[j]);
                }
                out.putRow((long) r * psis.length + j, z.getRow(r).mul(psis[j]));
            }
        }
        return out;
    }
}
