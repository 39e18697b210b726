package dev.ganforge.plugin.basics;

import dev.ganforge.spi.OptimizerPlugin;
import dev.ganforge.spi.SpecField;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The {@code sgd} optimizer: plain stochastic gradient descent, or with Nesterov momentum when
 * {@code momentum > 0} (Sutskever et al. 2013, http://proceedings.mlr.press/v28/sutskever13.html),
 * as ND4J's {@link Sgd} / {@link Nesterovs} updaters.
 */
public class SgdOptimizer implements OptimizerPlugin<SgdOptimizer.Spec> {

    /**
     * @param learningRate step size
     * @param momentum Nesterov momentum in [0, 1); 0 means plain SGD
     */
    public record Spec(
            @SpecField(doc = "step size", defaultValue = "0.01", min = 0, max = 10)
                    double learningRate,
            @SpecField(
                            doc = "Nesterov momentum; 0 = plain SGD",
                            defaultValue = "0",
                            min = 0,
                            max = 0.999999)
                    double momentum) {}

    /** Creates the plugin; it has no state. */
    public SgdOptimizer() {}

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public String description() {
        return "stochastic gradient descent, optionally with Nesterov momentum";
    }

    @Override
    public IUpdater create(Spec spec) {
        return spec.momentum() == 0
                ? new Sgd(spec.learningRate())
                : new Nesterovs(spec.learningRate(), spec.momentum());
    }
}
