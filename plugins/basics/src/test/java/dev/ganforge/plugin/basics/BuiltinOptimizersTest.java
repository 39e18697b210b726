package dev.ganforge.plugin.basics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

class BuiltinOptimizersTest {

    @Test
    void adamCarriesEverySpecValue() {
        IUpdater updater =
                new AdamOptimizer().create(new AdamOptimizer.Spec(3e-4, 0.6, 0.95, 1e-7));
        assertThat(updater)
                .isInstanceOfSatisfying(
                        Adam.class,
                        adam -> {
                            assertThat(adam.getLearningRate()).isEqualTo(3e-4);
                            assertThat(adam.getBeta1()).isEqualTo(0.6);
                            assertThat(adam.getBeta2()).isEqualTo(0.95);
                            assertThat(adam.getEpsilon()).isEqualTo(1e-7);
                        });
    }

    @Test
    void rmsPropCarriesEverySpecValue() {
        IUpdater updater =
                new RmsPropOptimizer().create(new RmsPropOptimizer.Spec(5e-3, 0.8, 1e-6));
        assertThat(updater)
                .isInstanceOfSatisfying(
                        RmsProp.class,
                        rmsProp -> {
                            assertThat(rmsProp.getLearningRate()).isEqualTo(5e-3);
                            assertThat(rmsProp.getRmsDecay()).isEqualTo(0.8);
                            assertThat(rmsProp.getEpsilon()).isEqualTo(1e-6);
                        });
    }

    @Test
    void sgdWithoutMomentumIsPlainSgd() {
        IUpdater updater = new SgdOptimizer().create(new SgdOptimizer.Spec(0.05, 0.0));
        assertThat(updater).isExactlyInstanceOf(Sgd.class);
        assertThat(((Sgd) updater).getLearningRate()).isEqualTo(0.05);
    }

    @Test
    void sgdWithMomentumIsNesterov() {
        IUpdater updater = new SgdOptimizer().create(new SgdOptimizer.Spec(0.02, 0.9));
        assertThat(updater)
                .isInstanceOfSatisfying(
                        Nesterovs.class,
                        nesterovs -> {
                            assertThat(nesterovs.getLearningRate()).isEqualTo(0.02);
                            assertThat(nesterovs.getMomentum()).isEqualTo(0.9);
                        });
    }

    /**
     * The generator and the discriminator each get their own updater, so they never share state.
     */
    @Test
    void everyCallCreatesANewUpdater() {
        AdamOptimizer.Spec adam = new AdamOptimizer.Spec(2e-4, 0.5, 0.999, 1e-8);
        RmsPropOptimizer.Spec rmsProp = new RmsPropOptimizer.Spec(2e-4, 0.95, 1e-8);
        SgdOptimizer.Spec sgd = new SgdOptimizer.Spec(0.01, 0.0);
        SgdOptimizer.Spec nesterov = new SgdOptimizer.Spec(0.01, 0.5);
        AdamOptimizer adamOptimizer = new AdamOptimizer();
        RmsPropOptimizer rmsPropOptimizer = new RmsPropOptimizer();
        SgdOptimizer sgdOptimizer = new SgdOptimizer();

        assertThat(adamOptimizer.create(adam))
                .isNotSameAs(adamOptimizer.create(adam))
                .isEqualTo(adamOptimizer.create(adam));
        assertThat(rmsPropOptimizer.create(rmsProp)).isNotSameAs(rmsPropOptimizer.create(rmsProp));
        assertThat(sgdOptimizer.create(sgd)).isNotSameAs(sgdOptimizer.create(sgd));
        assertThat(sgdOptimizer.create(nesterov)).isNotSameAs(sgdOptimizer.create(nesterov));

        Adam first = (Adam) adamOptimizer.create(adam);
        Adam second = (Adam) adamOptimizer.create(adam);
        first.setLearningRate(1.0);
        assertThat(second.getLearningRate())
                .as("a change to one updater leaves the other alone")
                .isEqualTo(2e-4);
    }
}
