package dev.ganforge.core.train;

import dev.ganforge.config.SpecNames;
import dev.ganforge.core.io.ExclusiveFileLock;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.MetricsLog;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.run.RunInfo;
import dev.ganforge.core.run.RunOutcome;
import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.run.StepResult;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.Precision;
import dev.ganforge.core.spec.TrackingSpec;
import dev.ganforge.core.spec.TrainingSpec;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import dev.ganforge.spi.layer.ConditionalBatchNormalization;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Runs an experiment: loads the data, builds (or restores) the networks, runs the steps with {@link
 * TrainingStep}, and writes the {@link RunDirectory}: metrics rows every {@code log_every} steps,
 * sample grids before the first update (step 0) and every {@code sample_every} steps, checkpoints
 * every {@code checkpoint_every}, and a final checkpoint and grids at the end. With an {@code
 * evaluation:} section it also evaluates the generator every {@code evaluation.every} steps and at
 * the end (a {@link TrainingMonitor}). While it trains, {@link SystemMetricsRecorder} samples CPU,
 * memory and disk use into {@code system.csv}.
 *
 * <p>Stops cleanly: {@link #requestStop()} (called from a SIGINT/SIGTERM hook) ends the run after
 * the current step with a final checkpoint and status KILLED (during the domain classifier's
 * training or an evaluation's CAS training, after the current update: the classifier is not cached,
 * the evaluation not logged, and a resumed run runs that evaluation first); a non-finite loss ends
 * it with status FAILED and the reason, keeping the last good checkpoint. Random draws for step s
 * come from generators seeded with a mix of (seed, s), so a resumed run continues exactly as an
 * uninterrupted one.
 */
public final class Trainer {

    /**
     * Garbage is also collected at least this often (2 s), so slow steps cannot pile up off-heap
     * memory.
     */
    private static final long GC_INTERVAL_NANOS = 2_000_000_000L;

    private final ExperimentSpec spec;
    private final String resolvedSpecYaml;
    private final RunDirectory run;
    private final PrintStream console;
    private final TrainingEngines engines;
    private final TrainingMonitor.Factory monitors;
    private volatile boolean stopRequested;
    private ExclusiveFileLock folderLock;

    /**
     * The highest folder {@link #claimFolder} created on the way to the run folder (the run folder
     * itself, or e.g. {@code runs/cgan_face} when {@code runs/} existed); null when the run folder
     * existed.
     */
    private Path createdTop;

    /**
     * @param spec the resolved experiment
     * @param resolvedSpecYaml the same spec as YAML, saved with the run
     * @param runDirectory where the run is written
     * @param console where the progress bar and messages go (stderr in the CLI)
     * @param engines the training engines {@code training.engine} chooses from
     * @param monitors creates the run's evaluation, if any
     */
    public Trainer(
            ExperimentSpec spec,
            String resolvedSpecYaml,
            Path runDirectory,
            PrintStream console,
            TrainingEngines engines,
            TrainingMonitor.Factory monitors) {
        this.spec = spec;
        this.resolvedSpecYaml = resolvedSpecYaml;
        this.run = new RunDirectory(runDirectory);
        this.console = console;
        this.engines = engines;
        this.monitors = monitors;
    }

    /**
     * Asks the run to stop after the current step (or the current update of the domain classifier's
     * training or of an evaluation's CAS training), with a final checkpoint; safe from any thread.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains until the planned steps are done, a stop is requested, or a loss turns non-finite.
     *
     * @param resume continue from the run folder's latest checkpoint (it must exist)
     * @return how the run ended
     * @throws ExperimentException if the model does not fit the data, the data is smaller than one
     *     batch, a resumed run's classes changed, a resume plans fewer steps than the run has
     *     trained, or the checkpoint's networks do not fit the spec (another model or image shape);
     *     a resume refuses before anything is written
     * @throws dev.ganforge.spi.DataException if the data cannot be read
     * @throws UncheckedIOException if the run folder cannot be written
     * @throws ExperimentException also if another process trains the same run folder (it refuses at
     *     once, before loading anything)
     */
    public RunOutcome run(boolean resume) {
        claimFolder();
        try {
            return runLocked(resume);
        } finally {
            releaseFolder();
        }
    }

    /**
     * Locks the run folder for this trainer (creating it), so that a second process on the same
     * folder refuses at once. {@link #run} claims it itself; a caller that must do something only
     * when the folder is its own (start mirroring it to a tracker, say) claims it first. Claiming
     * twice is harmless.
     *
     * @throws ExperimentException if another process (or trainer) holds the folder; the message
     *     names it
     * @throws UncheckedIOException if the folder cannot be created
     */
    public void claimFolder() {
        if (folderLock != null) {
            return;
        }
        createdTop = null;
        for (Path folder = run.root().toAbsolutePath().normalize();
                folder != null && !Files.exists(folder);
                folder = folder.getParent()) {
            createdTop = folder;
        }
        try {
            folderLock = run.lockForTraining();
        } catch (IllegalStateException e) {
            throw new ExperimentException(e.getMessage());
        }
    }

    /**
     * Releases the folder claimed by {@link #claimFolder}; a folder this trainer created and left
     * empty is removed. Nothing happens if it holds no claim.
     */
    public void releaseFolder() {
        if (folderLock == null) {
            return;
        }
        folderLock.close();
        folderLock = null;
        if (createdTop != null) {
            removeIfOnlyTheLock();
        }
    }

    /**
     * A run that stopped before writing anything (bad data, say) leaves no folder behind: neither
     * the run folder nor the empty folders created above it ({@code runs/<experiment>}).
     */
    private void removeIfOnlyTheLock() {
        Path root = run.root().toAbsolutePath().normalize();
        try (Stream<Path> entries = Files.list(root)) {
            if (!entries.map(p -> p.getFileName().toString())
                    .toList()
                    .equals(List.of(RunDirectory.LOCK_FILE))) {
                return;
            }
        } catch (IOException e) {
            return; // leave the folder; it is only untidy
        }
        try {
            Files.delete(root.resolve(RunDirectory.LOCK_FILE));
            for (Path folder = root; folder != null; folder = folder.getParent()) {
                Files.delete(folder); // fails on a folder another process has filled meanwhile
                if (folder.equals(createdTop)) {
                    break;
                }
            }
        } catch (IOException e) {
            // leave the rest; it is only untidy
        }
    }

    private RunOutcome runLocked(boolean resume) {
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        TrainingSpec training = spec.training();
        ImageShape shape = plugins.imageShape();
        List<String> problems = plugins.modelCheck(shape);
        if (!problems.isEmpty()) {
            throw new ExperimentException(String.join("\n", problems));
        }
        long loadStarted = System.nanoTime();
        LabeledImages data = plugins.loadData();
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        console.printf(
                Locale.ROOT,
                "loaded %d images of %s in %d classes in %.2f s (%.0f images/s)%n",
                data.size(),
                data.shape(),
                data.numClasses(),
                loadSeconds,
                data.size() / loadSeconds);
        if (data.size() < training.batchSize()) {
            throw new ExperimentException(
                    "the dataset '"
                            + spec.dataset().type()
                            + "' has "
                            + data.size()
                            + " images, fewer than one batch (training.batch_size = "
                            + training.batchSize()
                            + ")");
        }
        // evaluation settings that do not fit the data (a precision-recall k above the sample
        // count) are refused now, not at the first evaluation after hours of training
        List<String> evaluationProblems = monitors.check(spec, plugins, data);
        if (!evaluationProblems.isEmpty()) {
            throw new ExperimentException(String.join("\n", evaluationProblems));
        }
        if (data.skippedFiles() > 0) {
            console.println(
                    "skipped "
                            + data.skippedFiles()
                            + " unreadable files (dataset.unreadable = skip)");
        }
        long totalSteps = training.totalSteps(data.size());
        long startStep = 0;
        MultiLayerNetwork generator;
        MultiLayerNetwork discriminator;
        Checkpoint restored = null;
        if (resume) {
            List<String> saved = run.readClassNames();
            if (!saved.equals(data.classNames())) {
                throw new ExperimentException(
                        "the classes in the data changed since the run started: "
                                + run.classesFile()
                                + " lists "
                                + saved
                                + ", the data has "
                                + data.classNames());
            }
            // Spec errors the updaters find (training.lr_decay_start) come before anything is
            // written into the run folder.
            IUpdater generatorUpdater = plugins.generatorUpdater(totalSteps);
            IUpdater discriminatorUpdater = plugins.discriminatorUpdater(totalSteps);
            Path latest =
                    run.checkpoints()
                            .latest()
                            .orElseThrow(
                                    () ->
                                            new ExperimentException(
                                                    "cannot resume "
                                                            + run.root()
                                                            + ": it has no checkpoint"));
            restored = CheckpointStore.read(latest, true);
            if (restored.step() > totalSteps) {
                // refused before the spec is rewritten: the run keeps its planned steps
                throw new ExperimentException(
                        "cannot resume "
                                + run.root()
                                + " to "
                                + totalSteps
                                + " steps (training.steps or training.epochs): it has trained "
                                + restored.step()
                                + " (checkpoint "
                                + latest.getFileName()
                                + "); give at least "
                                + restored.step()
                                + " steps");
            }
            // a changed model or image shape would load and then fail at the first step: the
            // networks the spec describes must have the checkpoint's parameters
            MultiLayerNetwork[] fromSpec =
                    plugins.createNetworks(shape, data.numClasses(), totalSteps, spec.seed());
            String mismatch = firstMismatch(restored.generator(), fromSpec[0], "generator");
            if (mismatch == null) {
                mismatch = firstMismatch(restored.discriminator(), fromSpec[1], "discriminator");
            }
            if (mismatch != null) {
                throw new ExperimentException(
                        "cannot resume "
                                + run.root()
                                + ": the networks in "
                                + latest.getFileName()
                                + " do not fit the spec ("
                                + mismatch
                                + "); a change to the model or to the images' shape (the"
                                + " dataset's width, height or channels) needs a new run"
                                + " (ganforge run)");
            }
            generator = restored.generator();
            discriminator = restored.discriminator();
            startStep = restored.step();
            console.println("resuming " + run.root() + " from " + latest.getFileName());
            List<String> changed = new ArrayList<>();
            changed.addAll(OptimizerSettings.apply(generator, generatorUpdater, "generator"));
            changed.addAll(
                    OptimizerSettings.apply(discriminator, discriminatorUpdater, "discriminator"));
            if (!changed.isEmpty()) {
                console.println(
                        "optimizer settings from the spec, the optimizer state kept: "
                                + changed.size()
                                + " layers changed (e.g. "
                                + changed.get(0)
                                + ")");
            }
        } else {
            // built first: a spec error found here (training.lr_decay_start) leaves no run folder
            MultiLayerNetwork[] networks =
                    plugins.createNetworks(shape, data.numClasses(), totalSteps, spec.seed());
            generator = networks[0];
            discriminator = networks[1];
        }
        // written once the engine has accepted the networks: a refused training.engine or
        // training.precision leaves a resumed run's spec.yaml as it was (and a new run no folder)
        Consumer<String> writeFolder =
                precision -> {
                    // a resume records its overrides, e.g. more steps
                    run.create(resolvedSpecYaml, data.classNames());
                    writeRunInfo(data, precision);
                };
        return loop(
                plugins,
                data,
                generator,
                discriminator,
                startStep,
                totalSteps,
                restored,
                writeFolder);
    }

    /** What stays fixed through the loop: plugins, data and the step's reusable buffers. */
    private record LoopContext(
            ResolvedPlugins plugins,
            LabeledImages data,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            GeneratorAverage average,
            TrainingStep trainingStep,
            long total,
            INDArray z,
            int[] fakeLabels,
            Random random) {

        /** The generator samples, evaluation and the best checkpoint use. */
        MultiLayerNetwork inferenceGenerator() {
            return average != null ? average.network() : generator;
        }
    }

    private RunOutcome loop(
            ResolvedPlugins plugins,
            LabeledImages data,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            long startStep,
            long total,
            Checkpoint restored,
            Consumer<String> writeFolder) {
        TrainingSpec training = spec.training();
        int batchSize = training.batchSize();
        int classes = data.numClasses();
        BatchSource batches = new BatchSource(data, batchSize, spec.seed());
        ChosenStep chosen;
        try {
            chosen = chooseStep(plugins, data, generator, discriminator, restored);
        } catch (IllegalArgumentException e) {
            // training.engine or training.precision asks for what this machine or distribution
            // cannot do: a spec error, reported as one
            throw new ExperimentException(e.getMessage());
        }
        TrainingStep trainingStep = chosen.step();
        String precisionNote = chosen.note();
        try {
            writeFolder.accept(recordedPrecision(trainingStep));
        } catch (RuntimeException e) {
            trainingStep.close();
            throw e;
        }
        console.println(
                "training step: "
                        + trainingStep.engine()
                        + " "
                        + trainingStep.precision()
                        + precisionNote
                        + describe(plugins.recipe(), spec.training().emaDecay(), generator));
        if (restored != null) {
            trainingStep.restoreState(restored.stepState());
        }
        GeneratorAverage average =
                training.emaDecay() > 0
                        ? new GeneratorAverage(
                                generator,
                                restored == null ? null : restored.averageGenerator(),
                                training.emaDecay(),
                                training.emaStart())
                        : null;
        SampleGrids grids =
                new SampleGrids(
                        plugins,
                        average != null ? average.network() : generator,
                        classes,
                        plugins.model().conditional(),
                        training.sampleRows(),
                        spec.seed(),
                        run);
        LoopContext context =
                new LoopContext(
                        plugins,
                        data,
                        generator,
                        discriminator,
                        average,
                        trainingStep,
                        total,
                        Nd4j.create(data.images().dataType(), batchSize, plugins.latentDim()),
                        new int[batchSize],
                        Nd4j.getRandomFactory().getNewRandomInstance(spec.seed()));
        StepTimes times = new StepTimes(total - startStep);
        TrainingMonitor monitor;
        try (ConsoleProgress.Bars bars = ConsoleProgress.bars(console, () -> stopRequested)) {
            monitor = monitors.prepare(spec, plugins, data, run, startStep, console, bars);
        } catch (CancellationException e) {
            // a signal while the domain classifier trained: nothing trained yet is lost, and the
            // checkpoint makes the folder resumable
            try (trainingStep) {
                return stopByCancellation(e, context, startStep, times);
            }
        }
        run.writeStatus(RunStatus.RUNNING, null, startStep, total);
        long step = startStep;
        long sinceLog = System.nanoTime();
        long lastGc = sinceLog;
        try (trainingStep;
                MetricsLog metrics =
                        new MetricsLog(
                                run.metricsFile(), startStep, spec.training().modeSeeking() > 0);
                SystemMetricsRecorder system =
                        SystemMetricsRecorder.start(
                                run,
                                TrackingSpec.systemMetricsSeconds(spec.tracking()),
                                startStep,
                                console);
                BatchSource.Prefetching prefetch = batches.prefetching(total);
                Progress bar = new Progress(console, total, startStep)) {
            bar.clock.pausesLeft(evaluationsAfter(monitor, startStep, total));
            if (monitor != null
                    && startStep > 0
                    && monitor.due(startStep, total)
                    && !monitor.completed(startStep)) {
                // a signal stopped the evaluation of the step this run resumes at: run it first
                try {
                    String unhealthy = evaluate(monitor, context, startStep, bar);
                    if (unhealthy != null) {
                        return fail(startStep, total, times, unhealthy);
                    }
                } catch (CancellationException e) {
                    return stopByCancellation(e, context, startStep, times);
                }
            }
            while (step < total) {
                if (stopRequested) {
                    return stopBySignal(context, step, times);
                }
                // phase 1: draw the batch, z and the fake labels of this step (functions of seed
                // and step)
                long started = System.nanoTime();
                long epoch = batches.epochOf(step);
                BatchSource.Batch batch = prefetch.take(step);
                if (step == 0) {
                    // the grids before any update: MLflow's image cards open at step 0
                    grids.write(0, batch.images());
                }
                drawFakeInputs(context, step);
                // phase 2: one discriminator and one generator update
                StepResult result =
                        trainingStep.step(
                                batch.images(),
                                batch.labels(),
                                context.z(),
                                context.fakeLabels(),
                                (int) step,
                                (int) epoch);
                if (!result.finite()) {
                    return fail(
                            step,
                            total,
                            times,
                            "non-finite loss at step "
                                    + (step + 1)
                                    + ": d_loss="
                                    + result.discriminatorLoss()
                                    + ", g_loss="
                                    + result.generatorLoss()
                                    + "; the last good checkpoint is kept");
                }
                step++;
                system.step(step);
                if (average != null) {
                    average.update(step);
                }
                times.add((System.nanoTime() - started) / 1e9);
                showProgress(bar.bar, step, result);
                if (step == total) {
                    bar.close(); // its last line before the final checkpoint and evaluation
                }
                // phase 3: the run folder: metrics rows, sample grids, checkpoints
                if (step % training.logEvery() == 0 || step == total) {
                    long now = System.nanoTime();
                    long stepsSince =
                            step % training.logEvery() == 0
                                    ? training.logEvery()
                                    : step % training.logEvery();
                    metrics.append(
                            step,
                            epoch,
                            result,
                            (now - sinceLog) / 1e9 / Math.min(stepsSince, times.count()),
                            batchSize);
                    run.writeStatus(
                            RunStatus.RUNNING, null, step, total); // progress for anyone polling
                    sinceLog = now;
                }
                if (step % training.sampleEvery() == 0 || step == total) {
                    grids.write(step, batch.images());
                }
                if (step % training.checkpointEvery() == 0 || step == total) {
                    saveCheckpoint(context, step);
                }
                // phase 4: evaluation, which may stop an unhealthy run
                String unhealthy;
                try {
                    unhealthy =
                            monitor != null && monitor.due(step, total)
                                    ? evaluate(monitor, context, step, bar)
                                    : null;
                } catch (CancellationException e) {
                    // a signal during the evaluation: the step's checkpoint is kept, the
                    // unfinished evaluation is not logged, and `resume` runs it first
                    return stopByCancellation(e, context, step, times);
                }
                if (unhealthy != null) {
                    return fail(step, total, times, unhealthy);
                }
                // phase 5: memory housekeeping
                if (step % training.gcEvery() == 0
                        || System.nanoTime() - lastGc > GC_INTERVAL_NANOS) {
                    // Off-heap ND4J buffers of garbage arrays are freed only when their Java
                    // wrappers are
                    // collected, and the small Java heap rarely fills; see TrainingSpec.gcEvery.
                    System.gc();
                    lastGc = System.nanoTime();
                }
            }
        } catch (UncheckedIOException e) {
            // the run folder cannot be written (a full disk, say): what was written stays, and
            // the run says why it stopped
            return failToWrite(step, total, times, e);
        } catch (RuntimeException e) {
            // an unexpected error (an engine's, say): the folder must not go on saying RUNNING
            throw markFailed(step, total, e);
        } catch (Error e) {
            // running out of heap or of native memory, say: likewise
            throw markFailed(step, total, e);
        }
        run.writeStatus(RunStatus.FINISHED, null, step, total);
        return new RunOutcome(RunStatus.FINISHED, null, step, run.root(), times.median());
    }

    /**
     * The progress bar, closed once: after the last step, so that its final line is printed once
     * and gives the training time (the library prints a line on close, and its timer printed
     * another while the final evaluation ran), or when the loop ends early.
     */
    private static final class Progress implements AutoCloseable {
        final ConsoleProgress.Clock clock = new ConsoleProgress.Clock(System::nanoTime);
        final ProgressBar bar;
        private boolean closed;

        Progress(PrintStream console, long total, long startStep) {
            this.bar = ConsoleProgress.bar(console, "train", total, startStep, clock);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                bar.close();
            }
        }
    }

    /**
     * Fills z and the fake labels of {@code step} from generators seeded with (seed, step); with
     * the mode-seeking term on, the labels' second half repeats the first ({@link ModeSeeking}).
     */
    private void drawFakeInputs(LoopContext context, long step) {
        context.random().setSeed(mix(spec.seed(), step));
        context.plugins().sampleLatent(context.z(), context.random());
        SplittableRandom labelRandom = new SplittableRandom(mix(spec.seed(), step));
        int[] fakeLabels = context.fakeLabels();
        for (int i = 0; i < fakeLabels.length; i++) {
            fakeLabels[i] = labelRandom.nextInt(context.data().numClasses());
        }
        if (spec.training().modeSeeking() > 0) {
            ModeSeeking.pairLabels(fakeLabels);
        }
    }

    /**
     * Runs the monitor at {@code step}. Its progress goes on the training bar ({@link
     * ConsoleProgress#onBar}), so a long evaluation shows that it runs, or, for the final
     * evaluation after the training bar closed, on bars of its own; a stop request cancels it at
     * its next update.
     *
     * @return why the run must stop, or null
     * @throws CancellationException if a stop was requested during it
     */
    private String evaluate(TrainingMonitor monitor, LoopContext context, long step, Progress bar) {
        if (bar.closed) {
            try (ConsoleProgress.Bars bars = ConsoleProgress.bars(console, () -> stopRequested)) {
                return monitor.afterStep(
                        step, context.inferenceGenerator(), context.discriminator(), bars);
            }
        }
        String losses = bar.bar.getExtraMessage();
        // the bar's rate and time left count the steps' time, not the evaluations'
        bar.clock.pause();
        try {
            return monitor.afterStep(
                    step,
                    context.inferenceGenerator(),
                    context.discriminator(),
                    ConsoleProgress.onBar(bar.bar, () -> stopRequested));
        } finally {
            bar.clock.resume();
            bar.clock.pausesLeft(evaluationsAfter(monitor, step, context.total()));
            // the bar keeps redrawing until the next step: with the step's losses, not a
            // finished evaluation's last count
            bar.bar.setExtraMessage(losses);
        }
    }

    /**
     * @return how many evaluations {@code monitor} runs after {@code step}, up to {@code total}
     *     included (0 without a monitor)
     */
    private static long evaluationsAfter(TrainingMonitor monitor, long step, long total) {
        long count = 0;
        for (long later = step + 1; monitor != null && later <= total; later++) {
            if (monitor.due(later, total)) {
                count++;
            }
        }
        return count;
    }

    private static void showProgress(ProgressBar bar, long step, StepResult result) {
        bar.stepTo(step);
        bar.setExtraMessage(
                String.format(
                        " d %.3f g %.3f D(x) %.2f D(G(z)) %.2f",
                        result.discriminatorLoss(),
                        result.generatorLoss(),
                        result.realProbability(),
                        result.fakeProbability()));
    }

    /**
     * Ends the run as {@link #stopBySignal} when a stop request cancelled long work (the domain
     * classifier's training, an evaluation) through its {@link WorkProgress}.
     *
     * @throws CancellationException {@code cancelled} itself if no stop was requested: a
     *     cancellation from elsewhere must not pose as a signal
     */
    private RunOutcome stopByCancellation(
            CancellationException cancelled, LoopContext context, long step, StepTimes times) {
        if (!stopRequested) {
            throw cancelled;
        }
        return stopBySignal(context, step, times);
    }

    private RunOutcome stopBySignal(LoopContext context, long step, StepTimes times) {
        saveCheckpoint(context, step);
        run.writeStatus(
                RunStatus.KILLED, "stopped by signal at step " + step, step, context.total());
        return new RunOutcome(
                RunStatus.KILLED, "stopped by signal", step, run.root(), times.median());
    }

    /**
     * Ends a run whose folder could not be written: status FAILED with the path and the system's
     * reason, the last complete checkpoint kept for {@code resume}.
     */
    private RunOutcome failToWrite(
            long step, long total, StepTimes times, UncheckedIOException cause) {
        String latest = latestCheckpointNote();
        String reason = cause.getMessage() + latest;
        try {
            run.writeStatus(RunStatus.FAILED, reason, step, total);
        } catch (UncheckedIOException statusToo) {
            cause.addSuppressed(statusToo);
            throw cause;
        }
        return new RunOutcome(RunStatus.FAILED, reason, step, run.root(), times.median());
    }

    /**
     * Records an unexpected error, or a user error found during training ({@link
     * ExperimentException}, e.g. a best metric no evaluator reports), as the run's FAILED status,
     * with the last complete checkpoint for {@code resume}.
     *
     * @param <T> a RuntimeException or an Error: what the loop may throw unchecked
     * @return {@code error}, to be thrown on (a failure to write the status is suppressed in it)
     */
    private <T extends Throwable> T markFailed(long step, long total, T error) {
        String latest = latestCheckpointNote();
        try {
            run.writeStatus(
                    RunStatus.FAILED,
                    error instanceof ExperimentException
                            ? "stopped after step " + step + ": " + error.getMessage() + latest
                            : "unexpected error after step " + step + ": " + error + latest,
                    step,
                    total);
        } catch (RuntimeException | Error statusToo) {
            // out of memory again, say, while writing it
            error.addSuppressed(statusToo);
        }
        return error;
    }

    /**
     * @return the first parameter whose name or shape differs between the two networks, in words
     *     ({@code "generator 0_W: [110, 256] in the checkpoint, [74, 256] from the spec"}), or null
     *     when every parameter matches
     */
    private static String firstMismatch(
            MultiLayerNetwork saved, MultiLayerNetwork fromSpec, String name) {
        Map<String, INDArray> savedParams = saved.paramTable();
        Map<String, INDArray> specParams = fromSpec.paramTable();
        if (!savedParams.keySet().equals(specParams.keySet())) {
            return name
                    + " parameters "
                    + savedParams.keySet()
                    + " in the checkpoint, "
                    + specParams.keySet()
                    + " from the spec";
        }
        for (Map.Entry<String, INDArray> entry : savedParams.entrySet()) {
            long[] savedShape = entry.getValue().shape();
            long[] specShape = specParams.get(entry.getKey()).shape();
            if (!Arrays.equals(savedShape, specShape)) {
                return name
                        + " "
                        + entry.getKey()
                        + ": "
                        + Arrays.toString(savedShape)
                        + " in the checkpoint, "
                        + Arrays.toString(specShape)
                        + " from the spec";
            }
        }
        return null;
    }

    /**
     * @return "; the last complete checkpoint is step-…" or "; no checkpoint was written"
     */
    private String latestCheckpointNote() {
        return run.checkpoints()
                .latest()
                .map(path -> "; the last complete checkpoint is " + path.getFileName())
                .orElse("; no checkpoint was written");
    }

    private RunOutcome fail(long step, long total, StepTimes times, String reason) {
        run.writeStatus(RunStatus.FAILED, reason, step, total);
        return new RunOutcome(RunStatus.FAILED, reason, step, run.root(), times.median());
    }

    /** Wall-clock seconds of each step of this session, for the median the run ends with. */
    private static final class StepTimes {
        private final double[] seconds;
        private int count;

        StepTimes(long steps) {
            seconds = new double[(int) Math.max(0, steps)];
        }

        void add(double value) {
            seconds[count++] = value;
        }

        int count() {
            return count;
        }

        double median() {
            return ResolvedPlugins.median(seconds, count);
        }
    }

    /**
     * Dataset size and plugin versions, for trackers; a live tracker starts once this file exists.
     */
    private void writeRunInfo(LabeledImages data, String precision) {
        long startedMs =
                RunInfo.read(run.root()).map(RunInfo::startedMs).orElse(System.currentTimeMillis());
        RunInfo.of(spec, data, startedMs, precision).write(run.root());
    }

    /** A training step, and what the training line adds about its precision. */
    private record ChosenStep(TrainingStep step, String note) {}

    /**
     * How run-info.json and a checkpoint's state.properties name a step's arithmetic.
     *
     * @return {@code "bf16"} for a bf16 step (whatever it adds, such as "bf16 (AVX-512 BF16)"),
     *     else {@code "fp32"}
     */
    private static String recordedPrecision(TrainingStep step) {
        return (step.precision().startsWith("bf16") ? Precision.BF16 : Precision.FP32).recordName();
    }

    /**
     * The training step. A resume with {@code training.precision: auto} keeps what the steps up to
     * its checkpoint computed in ({@link #precisionToKeep}): timing again could choose the other
     * precision, and the resume would not repeat the steps the run would have taken. Where this
     * machine cannot compute in that precision, auto chooses again, with a note.
     *
     * @param restored the checkpoint the run resumes from, or null for a new run
     * @throws IllegalArgumentException if the engine or the precision is not available here
     */
    private ChosenStep chooseStep(
            ResolvedPlugins plugins,
            LabeledImages data,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            Checkpoint restored) {
        int batchSize = spec.training().batchSize();
        Precision kept =
                restored != null
                        ? precisionToKeep(
                                spec.training().precision(),
                                restored.precision(),
                                () -> RunInfo.read(run.root()).map(RunInfo::precision).orElse(null))
                        : null;
        if (kept != null) {
            try {
                return new ChosenStep(
                        createStep(plugins, data, generator, discriminator, kept, batchSize),
                        restored.precision() != null
                                ? " (auto: kept from the checkpoint)"
                                : " (auto: kept from run-info.json, the checkpoint has no record)");
            } catch (IllegalArgumentException e) {
                console.println(
                        "note: this run computed in "
                                + SpecNames.enumText(kept)
                                + " so far, which this machine cannot ("
                                + e.getMessage()
                                + "); training.precision auto chooses again, so this resume"
                                + " does not repeat the steps exactly");
            }
        }
        return new ChosenStep(
                createStep(plugins, data, generator, discriminator, null, batchSize), "");
    }

    /**
     * The training step for this run.
     *
     * @param precision the arithmetic to use instead of {@code training.precision}, or null
     * @throws IllegalArgumentException if the engine or the precision is not available here
     */
    private TrainingStep createStep(
            ResolvedPlugins plugins,
            LabeledImages data,
            MultiLayerNetwork generator,
            MultiLayerNetwork discriminator,
            Precision precision,
            int batchSize) {
        StepRecipe recipe = plugins.recipe();
        return engines.create(
                spec.training().engine(),
                new StepSetup(
                        generator,
                        discriminator,
                        data.shape(),
                        plugins.latentDim(),
                        data.numClasses(),
                        plugins.model().conditional(),
                        batchSize,
                        precision == null ? recipe : recipe.withPrecision(precision)));
    }

    /**
     * What a resumed run computes in when its spec says {@code training.precision: auto}: the
     * precision of the steps that made its checkpoint, so that the resume repeats the steps the run
     * would have taken (auto times both precisions, and a second timing may choose the other). The
     * checkpoint's own record comes first: after a PBT exploit the checkpoint is another trial's,
     * trained in that trial's precision. run-info.json's record serves checkpoints written before
     * checkpoints recorded it.
     *
     * @param requested {@code training.precision} of the resumed spec
     * @param inCheckpoint the checkpoint's {@code precision} ({@code "fp32"} or {@code "bf16"}), or
     *     null when it has none
     * @param inRunInfo run-info.json's {@code precision}, or null; asked only when the checkpoint
     *     has none
     * @return {@link Precision#FP32} or {@link Precision#BF16} to keep; null to use {@code
     *     requested} (it is not auto, or nothing usable was recorded)
     */
    static Precision precisionToKeep(
            Precision requested, String inCheckpoint, Supplier<String> inRunInfo) {
        if (requested != Precision.AUTO) {
            return null;
        }
        return Precision.ofRecord(inCheckpoint != null ? inCheckpoint : inRunInfo.get());
    }

    private void saveCheckpoint(LoopContext context, long step) {
        run.checkpoints()
                .write(
                        step,
                        spec.seed(),
                        context.generator(),
                        context.discriminator(),
                        spec.training().keepCheckpoints(),
                        new CheckpointStore.Extras(
                                context.average() == null ? null : context.average().network(),
                                context.trainingStep().state(),
                                recordedPrecision(context.trainingStep())));
    }

    /**
     * The recipe on the "training step:" line, e.g. {@code " (hinge loss, spectral norm, …)"}: the
     * loss, then each technique that is on: D's projection head, G's conditional BatchNorm, D's
     * spectral norm, DiffAugment, the mode-seeking term, the LeCam regulariser, the generator
     * weight average.
     *
     * @param recipe the step's recipe
     * @param emaDecay {@code training.ema_decay}; 0 means no generator weight average
     * @param generator the generator; conditional BatchNorm is named when one of its layers is a
     *     {@link ConditionalBatchNormalization} ({@code model.generator_norm: conditional})
     * @return the parenthesised description, starting with a space
     */
    static String describe(StepRecipe recipe, double emaDecay, MultiLayerNetwork generator) {
        List<String> parts = new java.util.ArrayList<>();
        parts.add(SpecNames.enumText(recipe.loss()) + " loss");
        if (recipe.projection()) {
            parts.add("projection discriminator");
        }
        if (ConditionalBatchNormalization.isUsedBy(generator)) {
            parts.add("conditional BatchNorm in G");
        }
        if (recipe.spectralNorm()) {
            parts.add("spectral norm");
        }
        if (!recipe.augment().isEmpty()) {
            parts.add(
                    "DiffAugment "
                            + recipe.augment().stream()
                                    .map(SpecNames::enumText)
                                    .collect(java.util.stream.Collectors.joining(",")));
        }
        if (recipe.modeSeeking() > 0) {
            parts.add("mode seeking " + recipe.modeSeeking());
        }
        if (recipe.lecam() > 0) {
            parts.add("LeCam " + recipe.lecam());
        }
        if (emaDecay > 0) {
            parts.add("generator EMA " + emaDecay);
        }
        return " (" + String.join(", ", parts) + ")";
    }

    /** SplitMix64 finaliser of (seed, step): independent-looking seeds for consecutive steps. */
    static long mix(long seed, long step) {
        long x = seed * 0x9E3779B97F4A7C15L + step;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        x = x ^ (x >>> 31);
        // ND4J's native generator takes seed 0 as "from the clock": seed 0 at step 0 would make
        // the first fake batch of a seed-0 run differ between processes
        return x == 0 ? ResolvedPlugins.ZERO_SEED : x;
    }
}
