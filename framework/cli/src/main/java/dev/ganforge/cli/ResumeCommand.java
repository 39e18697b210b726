package dev.ganforge.cli;

import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge resume RUN_DIR [--set training.steps=N]}: continues a run from its latest
 * checkpoint.
 */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description =
                "Continue a killed or finished run from its latest checkpoint, with its saved spec"
                        + " and classes.")
final class ResumeCommand implements Callable<Integer> {

    private final SpecLoader loader;
    private final RunSession session;

    /**
     * @param loader the spec loader, with every installed plugin
     * @param session trains the run
     */
    @Inject
    ResumeCommand(SpecLoader loader, RunSession session) {
        this.loader = loader;
        this.session = session;
    }

    @Spec CommandSpec commandSpec;

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "a run folder written by 'ganforge run'")
    Path runDirectory;

    @Mixin OverrideOptions set;

    /**
     * @throws ExperimentException (exit 2) if the overrides change the model: the checkpoint holds
     *     networks of the run's model, and nothing is written then
     */
    @Override
    public Integer call() {
        Path specFile = CheckpointArguments.existingRun(runDirectory).specFile();
        ExperimentSpec spec = loader.load(specFile, set.values());
        if (!set.values().isEmpty()) {
            List<String> changed =
                    modelChanges(
                            loader.flatten(loader.load(specFile, List.of())), loader.flatten(spec));
            if (!changed.isEmpty()) {
                throw new ExperimentException(
                        "cannot resume "
                                + runDirectory
                                + " with another model: "
                                + String.join(", ", changed)
                                + "; its checkpoints hold networks of the model in "
                                + specFile
                                + ". Resume without that --set, or start a new run (ganforge run)"
                                + " to train the other model");
            }
        }
        return session.train(
                spec,
                loader.toYaml(spec),
                runDirectory,
                true,
                commandSpec.commandLine().getOut(),
                commandSpec.commandLine().getErr());
    }

    /**
     * @param saved the run's spec, flattened ({@link SpecLoader#flatten})
     * @param resumed the spec with the resume's overrides, flattened
     * @return each {@code model.*} key whose value differs, as {@code key: saved → resumed} ({@code
     *     ~} for a key one side lacks), in the saved spec's order then the new keys'; empty when
     *     the model is unchanged
     */
    static List<String> modelChanges(Map<String, String> saved, Map<String, String> resumed) {
        Set<String> keys = new LinkedHashSet<>(saved.keySet());
        keys.addAll(resumed.keySet());
        List<String> changed = new ArrayList<>();
        for (String key : keys) {
            String before = saved.get(key);
            String after = resumed.get(key);
            if ((key.equals("model") || key.startsWith("model."))
                    && !Objects.equals(before, after)) {
                changed.add(
                        key
                                + ": "
                                + (before == null ? "~" : before)
                                + " → "
                                + (after == null ? "~" : after));
            }
        }
        return changed;
    }
}
