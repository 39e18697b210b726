package dev.ganforge.core.train;

import java.util.List;

/**
 * A way to compute the {@link TrainingStep}, selected by {@code training.engine}. The core has
 * {@link Dl4jEngine} ({@code dl4j}, any network, any backend); other engines are found by {@link
 * java.util.ServiceLoader} from {@code
 * META-INF/services/dev.ganforge.core.train.TrainingEngineProvider}, so a distribution without them
 * (the CUDA build has no {@code onednn}) simply does not offer them.
 */
public interface TrainingEngineProvider {

    /**
     * @return the stable lowercase name that {@code training.engine} uses, e.g. {@code "onednn"}
     */
    String name();

    /**
     * @param setup the networks and batch shape
     * @return why this engine cannot train these networks here (empty if it can), each reason a
     *     phrase such as {@code "generator layer 3 is a DropoutLayer"}
     */
    List<String> problems(StepSetup setup);

    /**
     * @param setup the networks and batch shape; {@link #problems} is empty for it
     * @return a new step that reads and updates the networks in place
     * @throws RuntimeException (or a {@link LinkageError}) if the engine's native code cannot be
     *     loaded
     */
    TrainingStep create(StepSetup setup);
}
