package dev.ganforge.sweep.spark;

import dev.ganforge.cli.sweep.TrialExecutor;
import dev.ganforge.cli.sweep.TrialExecutorProvider;

/** {@code ganforge sweep --executor spark --master URL}: see {@link SparkTrialExecutor}. */
public final class SparkTrialExecutorProvider implements TrialExecutorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public SparkTrialExecutorProvider() {}

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public void check(Settings settings) {
        SparkTrialExecutor.check(settings);
    }

    @Override
    public TrialExecutor create(Settings settings) {
        return SparkTrialExecutor.start(settings, System.getenv());
    }
}
