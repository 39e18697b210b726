package dev.ganforge.core.train;

import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.spec.TrainingEngine;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The training engines of this distribution, by name, and the rule that turns {@code
 * training.engine} into a step: {@code dl4j} always uses {@link Dl4jEngine}; {@code onednn}
 * requires the oneDNN engine and fails with its reasons; {@code auto} uses oneDNN where it is
 * installed and can train the networks, and DL4J otherwise.
 */
public final class TrainingEngines {

    /** The name of the oneDNN engine (module {@code ganforge-engine-onednn}). */
    public static final String ONEDNN = "onednn";

    private final Map<String, TrainingEngineProvider> byName;

    /**
     * @param byName engines keyed by {@link TrainingEngineProvider#name()}; copied. The DL4J engine
     *     is added if missing.
     */
    public TrainingEngines(Map<String, TrainingEngineProvider> byName) {
        TreeMap<String, TrainingEngineProvider> copy = new TreeMap<>(byName);
        copy.putIfAbsent(Dl4jEngine.NAME, new Dl4jEngine());
        this.byName = Map.copyOf(copy);
    }

    /**
     * @return the engines {@link ServiceLoader} finds on the class path, plus DL4J's
     */
    public static TrainingEngines discover() {
        Map<String, TrainingEngineProvider> found = new TreeMap<>();
        for (TrainingEngineProvider provider : ServiceLoader.load(TrainingEngineProvider.class)) {
            found.putIfAbsent(provider.name(), provider);
        }
        return new TrainingEngines(found);
    }

    /**
     * @return the names of the installed engines, sorted
     */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /**
     * Creates the step the engine setting asks for.
     *
     * @param engine the spec's {@code training.engine}
     * @param setup the networks and batch shape
     * @return the step; its {@link TrainingStep#engine()} names the engine used
     * @throws IllegalArgumentException if ONEDNN (or bf16, which only it computes) is asked for and
     *     is not installed or cannot train these networks (the message says why), or DL4J is asked
     *     for with bf16
     */
    public TrainingStep create(TrainingEngine engine, StepSetup setup) {
        TrainingEngineProvider dl4j = byName.get(Dl4jEngine.NAME);
        if (engine == TrainingEngine.DL4J) {
            return dl4j.create(setup);
        }
        TrainingEngineProvider onednn = byName.get(ONEDNN);
        List<String> problems =
                onednn == null
                        ? List.of(
                                "this distribution has no oneDNN engine (installed: "
                                        + String.join(", ", names())
                                        + ")")
                        : onednn.problems(setup);
        if (engine == TrainingEngine.ONEDNN && !problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "training.engine is onednn, but " + String.join("; ", problems));
        }
        if (setup.recipe().precision() == Precision.BF16 && !problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "training.precision is bf16, which needs the oneDNN engine, but "
                            + String.join("; ", problems));
        }
        if (!problems.isEmpty()) {
            return dl4j.create(setup);
        }
        try {
            return onednn.create(setup);
        } catch (LinkageError | RuntimeException e) {
            if (engine == TrainingEngine.ONEDNN) {
                throw e;
            }
            System.err.println(
                    "ganforge: oneDNN training step unavailable (" + e + "); using DL4J's");
            return dl4j.create(setup);
        }
    }
}
