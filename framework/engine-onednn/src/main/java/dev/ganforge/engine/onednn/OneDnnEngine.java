package dev.ganforge.engine.onednn;

import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.train.StepSetup;
import dev.ganforge.core.train.TrainingEngineProvider;
import dev.ganforge.core.train.TrainingEngines;
import dev.ganforge.core.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine {@code onednn}: {@link OneDnnTrainingStep}, for float32 networks of the layers that
 * {@link OpRegistry} knows, on ND4J's CPU backend. Registered in {@code
 * META-INF/services/dev.ganforge.core.train.TrainingEngineProvider}.
 */
public final class OneDnnEngine implements TrainingEngineProvider {

    @Override
    public String name() {
        return TrainingEngines.ONEDNN;
    }

    @Override
    public List<String> problems(StepSetup setup) {
        List<String> problems = new ArrayList<>();
        if (!Nd4j.getEnvironment().isCPU()) {
            problems.add("the ND4J backend is not the CPU");
            return problems;
        }
        if (setup.recipe().precision() == Precision.BF16 && !OneDnnIsa.nativeBf16()) {
            problems.add(OneDnnTrainingStep.bf16Problem());
        }
        OneDnnNetwork.unsupported(setup.generator()).ifPresent(p -> problems.add("generator " + p));
        OneDnnNetwork.unsupported(setup.discriminator())
                .ifPresent(p -> problems.add("discriminator " + p));
        return problems;
    }

    @Override
    public TrainingStep create(StepSetup setup) {
        return new OneDnnTrainingStep(setup);
    }
}
