package dev.ganforge.plugin.basics;

import dev.ganforge.spi.OptimizerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * The {@code rmsprop} optimizer: Tieleman &amp; Hinton, Lecture 6.5 of "Neural Networks for Machine
 * Learning" (2012, https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf), as
 * ND4J's {@link RmsProp} updater.
 */
public class RmsPropOptimizer implements OptimizerPlugin<RmsPropOptimizer.Spec> {

    /**
     * @param learningRate step size
     * @param decay decay of the squared-gradient average, in [0, 1)
     * @param epsilon added to the denominator for numerical stability
     */
    public record Spec(
            @SpecField(doc = "step size", defaultValue = "0.0002", min = 0, max = 10)
                    double learningRate,
            @SpecField(
                            doc = "squared-gradient decay",
                            defaultValue = "0.95",
                            min = 0,
                            max = 0.999999)
                    double decay,
            @SpecField(doc = "denominator epsilon", defaultValue = "1e-8", min = 0, max = 1)
                    double epsilon) {}

    /** Creates the plugin; it has no state. */
    public RmsPropOptimizer() {}

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "RMSProp (Tieleman & Hinton 2012) via ND4J's updater";
    }

    @Override
    public IUpdater create(Spec spec) {
        return new RmsProp(spec.learningRate(), spec.decay(), spec.epsilon());
    }
}
