package dev.ganforge.cli;

import dev.ganforge.core.eval.ClassifierStore;
import dev.ganforge.core.eval.DomainClassifier;
import dev.ganforge.core.spec.ClassifierSpec;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ConsoleProgress;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.spi.LabeledImages;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge classifier train SPEC}: trains (or finds cached) the domain classifier of a
 * spec's dataset.
 */
@Command(
        name = "classifier",
        mixinStandardHelpOptions = true,
        subcommands = ClassifierCommand.Train.class,
        description = "Domain classifiers used by evaluation.")
final class ClassifierCommand implements Runnable {

    @Spec CommandSpec commandSpec;

    @Override
    public void run() {
        commandSpec.commandLine().usage(commandSpec.commandLine().getOut());
    }

    /**
     * {@code ganforge classifier train SPEC [--set …] [--retrain]}: loads the spec's dataset,
     * trains the classifier with the spec's {@code evaluation.classifier} settings (defaults if
     * absent) unless one is cached for the same data and settings, and prints its held-out accuracy
     * and folder.
     */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description =
                    "Train the domain classifier of SPEC's dataset (reused from the cache if"
                            + " present).")
    static final class Train implements Callable<Integer> {

        private final SpecLoader loader;

        /**
         * @param loader the spec loader, with every installed plugin
         */
        @Inject
        Train(SpecLoader loader) {
            this.loader = loader;
        }

        @Spec CommandSpec commandSpec;

        @Parameters(index = "0", paramLabel = "SPEC", description = "experiment YAML file")
        Path specFile;

        @Mixin OverrideOptions set;

        @Option(names = "--retrain", description = "train again even if a cached classifier exists")
        boolean retrain;

        @Override
        public Integer call() {
            ExperimentSpec spec = loader.load(specFile, set.values());
            if (spec.evaluation() == null) {
                List<String> withDefaults = new ArrayList<>(List.of("evaluation={}"));
                withDefaults.addAll(set.values());
                spec = loader.load(specFile, withDefaults);
            }
            ClassifierSpec settings = spec.evaluation().classifier();
            LabeledImages data = new ResolvedPlugins(spec).loadData();
            ClassifierStore store = new ClassifierStore(settings.cacheFolder());
            long classifierSeed = settings.seedFor(spec.seed());
            String fingerprint = ClassifierStore.fingerprint(data, settings, classifierSeed);
            DomainClassifier classifier;
            try (ConsoleProgress.Bars progress = ConsoleProgress.bars(System.err, () -> false)) {
                classifier =
                        store.loadOrTrain(
                                fingerprint,
                                data,
                                settings,
                                classifierSeed,
                                retrain,
                                System.err,
                                progress);
            }
            commandSpec
                    .commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "classifier %s: held-out accuracy %.4f (%d classes)" + " in %s%n",
                            DomainClassifier.BACKBONE,
                            classifier.heldOutAccuracy(),
                            data.numClasses(),
                            store.folder(fingerprint));
            return 0;
        }
    }
}
