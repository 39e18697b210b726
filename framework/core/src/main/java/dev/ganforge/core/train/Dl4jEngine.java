package dev.ganforge.core.train;

import java.util.List;

/**
 * The reference engine {@code dl4j}: {@link Dl4jTrainingStep}, for any network on any ND4J backend.
 */
public final class Dl4jEngine implements TrainingEngineProvider {

    /** The name {@code training.engine} uses. */
    public static final String NAME = "dl4j";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @return always empty: DL4J's layers train any network DL4J builds
     */
    @Override
    public List<String> problems(StepSetup setup) {
        return List.of();
    }

    @Override
    public TrainingStep create(StepSetup setup) {
        return new Dl4jTrainingStep(setup);
    }
}
