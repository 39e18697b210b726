package dev.ganforge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.core.train.ResolvedPlugins;
import dev.ganforge.export.onnx.GeneratorOnnx;
import dev.ganforge.export.onnx.MlflowOnnxModel;
import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.StandardLatent;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.Tracker;
import dev.ganforge.tracking.mlflow.TrackingException;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge export RUN_DIR --format onnx}: the run's generator (the weight average when the
 * run keeps one) as an ONNX model that follows torch-fidelity's generator contract ({@link
 * GeneratorOnnx}), plus an MLflow model folder ({@link MlflowOnnxModel}). When the run was mirrored
 * to MLflow (a server named as for {@code ganforge sync}) the folder is logged to its run under
 * {@code model/} with the run tag {@code mlflow.log-model.history}, and {@code --register NAME}
 * adds it to the model registry as a new version of NAME.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Export a run's generator as ONNX (torch-fidelity's generator contract) and as an"
                        + " MLflow model; optionally register it.")
final class ExportCommand implements Callable<Integer> {

    /** The artifact path of the logged model in the MLflow run. */
    static final String ARTIFACT_PATH = "model";

    private final SpecLoader loader;

    /**
     * @param loader the spec loader, with every installed plugin
     */
    @Inject
    ExportCommand(SpecLoader loader) {
        this.loader = loader;
    }

    @Spec CommandSpec commandSpec;

    @Mixin CheckpointArguments target;

    @Option(
            names = "--format",
            defaultValue = "onnx",
            description = "the model format; onnx (default) is the only one")
    String format;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "the ONNX file (default: RUN_DIR/export/generator.onnx)")
    Path output;

    @Option(
            names = "--register",
            paramLabel = "NAME",
            description =
                    "register the logged model in MLflow's model registry as a new version of NAME")
    String register;

    @Option(
            names = "--tracking-uri",
            paramLabel = "URI",
            description =
                    "MLflow server to log the model to (default: as 'ganforge sync' finds it)")
    String trackingUri;

    @Override
    public Integer call() {
        if (!"onnx".equalsIgnoreCase(format)) {
            throw new ExperimentException(
                    "--format '" + format + "' is not supported; the only format is onnx");
        }
        long started = System.nanoTime();
        RunDirectory run = target.run();
        ExperimentSpec spec = loader.load(run.specFile(), List.of());
        ResolvedPlugins plugins = new ResolvedPlugins(spec);
        Path folder = target.checkpointFolder();
        Checkpoint checkpoint = CheckpointStore.read(folder, false);
        int classes = plugins.model().conditional() ? run.readClassNames().size() : 0;
        StandardLatent latent = standardLatent(spec);
        GeneratorOnnx.Exported exported;
        try {
            exported =
                    GeneratorOnnx.export(
                            checkpoint.inferenceGenerator(),
                            plugins.latentDim(),
                            latent,
                            classes,
                            version());
        } catch (IllegalArgumentException e) {
            throw new ExperimentException(
                    "cannot export " + target.runDirectory + ": " + e.getMessage());
        }
        Path exportFolder = target.runDirectory.resolve("export");
        Path onnxFile = output != null ? output : exportFolder.resolve("generator.onnx");
        Folders.writeAtomically(
                onnxFile, file -> java.nio.file.Files.write(file, exported.model()));
        PrintWriter console = commandSpec.commandLine().getOut();
        GeneratorOnnx.Signature s = exported.signature();
        console.printf(
                "wrote %s (%.1f MB, checkpoint %s%s): z float32 [N, %d] ~ %s%s -> image uint8"
                        + " [N, 3, %d, %d]%n",
                onnxFile,
                exported.model().length / 1e6,
                folder.getFileName(),
                checkpoint.averageGenerator() != null ? ", weight average" : "",
                s.latentDim(),
                latent.type(),
                classes > 0 ? ", label int64 [N] in [0, " + classes + ")" : "",
                s.height(),
                s.width());
        console.printf(
                "  Inception metrics: fidelity --fid --kid --prc --input1 %s"
                        + " --input1-model-z-type %s --input1-model-z-size %d%s"
                        + " --input1-model-num-samples 10000 --input2 <folder of real images>%n",
                onnxFile,
                latent.type(),
                s.latentDim(),
                classes > 0 ? " --input1-model-num-classes " + classes : "");
        int code = logToMlflow(exported, exportFolder.resolve("mlflow-model"), console);
        console.printf("export took %.1f s%n", (System.nanoTime() - started) / 1e9);
        return code;
    }

    /**
     * Writes the MLflow model folder; logs it to the run's MLflow run when the folder was mirrored
     * to the named server, and registers it with {@code --register}.
     *
     * @return 0, or {@link Main#TRACKING} if the server failed or refused, or {@code --register}
     *     has no MLflow run to register from (the files stay)
     */
    private int logToMlflow(
            GeneratorOnnx.Exported exported, Path modelFolder, PrintWriter console) {
        PrintWriter err = commandSpec.commandLine().getErr();
        try {
            Optional<TrackingSettings> settings =
                    RunFolderTracking.resolve(
                            target.runDirectory, trackingUri, System.getenv(), err);
            SyncState state = SyncState.read(target.runDirectory);
            boolean mirrored =
                    settings.isPresent()
                            && state.runId() != null
                            && settings.get().uri().equals(state.trackingUri());
            MlflowOnnxModel.Written written =
                    MlflowOnnxModel.write(
                            modelFolder,
                            exported,
                            mirrored ? state.runId() : null,
                            ARTIFACT_PATH,
                            Instant.now());
            console.printf("wrote the MLflow model folder %s%n", modelFolder);
            if (!mirrored) {
                if (settings.isPresent()) {
                    console.printf(
                            "not logged to MLflow: %s was not mirrored to %s (ganforge sync"
                                    + " first)%n",
                            target.runDirectory, settings.get().uri());
                }
                if (register != null) {
                    err.println(
                            "error: --register needs the run's MLflow run: name the server with"
                                    + " --tracking-uri or MLFLOW_TRACKING_URI, and run 'ganforge"
                                    + " sync "
                                    + target.runDirectory
                                    + "' first if it was trained without tracking");
                    return Main.TRACKING;
                }
                return 0;
            }
            MlflowTracker tracker = new MlflowTracker(settings.get(), 4);
            Tracker.RemoteRun remote = tracker.getRun(state.runId());
            for (Path file : written.files()) {
                tracker.uploadArtifact(remote, ARTIFACT_PATH + "/" + file.getFileName(), file);
            }
            tracker.logBatch(
                    remote.runId(),
                    List.of(),
                    List.of(),
                    List.of(
                            new Tracker.KeyValue(
                                    "mlflow.log-model.history",
                                    JsonNodeFactory.instance
                                            .arrayNode()
                                            .add(written.mlmodel())
                                            .toString())));
            console.printf(
                    "logged the model to MLflow run %s (artifacts/%s)%n",
                    remote.runId(), ARTIFACT_PATH);
            if (register != null) {
                String version =
                        tracker.registerModelVersion(
                                register,
                                remote.artifactUri() + "/" + ARTIFACT_PATH,
                                remote.runId());
                console.printf("registered as %s version %s%n", register, version);
            }
            return 0;
        } catch (TrackingException | IllegalArgumentException e) {
            err.println("error: MLflow: " + e.getMessage() + "; the exported files stay");
            return Main.TRACKING;
        }
    }

    /**
     * @return the run's sampler as a map of a standard distribution
     * @throws ExperimentException if the sampler has no such form
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StandardLatent standardLatent(ExperimentSpec spec) {
        SamplerPlugin sampler = spec.sampler().plugin(SamplerPlugin.class);
        Optional<StandardLatent> form = sampler.standardForm(spec.sampler().spec());
        return form.orElseThrow(
                () ->
                        new ExperimentException(
                                "cannot export: the sampler '"
                                        + spec.sampler().type()
                                        + "' does not say how its z is drawn from a standard"
                                        + " distribution (SamplerPlugin.standardForm), so tools"
                                        + " that draw z themselves could not feed the model"));
    }

    private static String version() {
        String version = ExportCommand.class.getPackage().getImplementationVersion();
        return version != null ? version : "development build";
    }
}
