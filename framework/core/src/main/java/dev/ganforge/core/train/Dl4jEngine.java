package dev.ganforge.core.train;

import dev.ganforge.core.spec.Precision;
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
     * @return empty for any network DL4J builds, unless bf16 is asked for: DL4J's layers compute in
     *     the networks' data type (float32)
     */
    @Override
    public List<String> problems(StepSetup setup) {
        return setup.recipe().precision() == Precision.BF16
                ? List.of("bf16 needs the onednn engine (DL4J's layers compute in float32)")
                : List.of();
    }

    /**
     * @throws IllegalArgumentException if the recipe asks for bf16
     */
    @Override
    public TrainingStep create(StepSetup setup) {
        List<String> problems = problems(setup);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("training.precision: " + problems.get(0));
        }
        return new Dl4jTrainingStep(setup);
    }
}
