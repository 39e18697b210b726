package dev.ganforge.plugin.basics;

import dev.ganforge.spi.OptimizerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The {@code adam} optimizer: Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization" (2014,
 * https://arxiv.org/abs/1412.6980), as ND4J's {@link Adam} updater. Defaults are the DCGAN paper's
 * (learning rate 2e-4, β1 0.5).
 */
public class AdamOptimizer implements OptimizerPlugin<AdamOptimizer.Spec> {

    /**
     * @param learningRate step size α
     * @param beta1 decay of the first-moment estimate, in [0, 1)
     * @param beta2 decay of the second-moment estimate, in [0, 1)
     * @param epsilon added to the denominator for numerical stability
     */
    public record Spec(
            @SpecField(doc = "step size", defaultValue = "0.0002", min = 0, max = 10)
                    double learningRate,
            @SpecField(doc = "first-moment decay", defaultValue = "0.5", min = 0, max = 0.999999)
                    double beta1,
            @SpecField(doc = "second-moment decay", defaultValue = "0.999", min = 0, max = 0.999999)
                    double beta2,
            @SpecField(doc = "denominator epsilon", defaultValue = "1e-8", min = 0, max = 1)
                    double epsilon) {}

    /** Creates the plugin; it has no state. */
    public AdamOptimizer() {}

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "Adam (Kingma & Ba 2014) via ND4J's updater";
    }

    @Override
    public IUpdater create(Spec spec) {
        return new Adam(spec.learningRate(), spec.beta1(), spec.beta2(), spec.epsilon());
    }
}
