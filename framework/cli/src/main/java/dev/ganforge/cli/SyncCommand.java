package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.tracking.mlflow.MlflowSync;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.TrackingException;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganforge sync RUN_DIR…}: mirrors run folders into MLflow, sending only what mlflow.json
 * says is missing; a folder without spec.yaml (e.g. {@code runs/}) is searched for run folders. The
 * server is {@code --tracking-uri}, else the spec's {@code tracking.uri}, else {@code
 * MLFLOW_TRACKING_URI}, else the one recorded in mlflow.json. Credentials come from the environment
 * only.
 *
 * <p>Exit status: 0 when every folder is mirrored; {@link Main#USAGE} (2) when a folder names no
 * server anywhere or a malformed URI (the command must change); else {@link Main#TRACKING} (5) when
 * the server failed or refused, or a folder held something that could not be sent.
 */
@Command(
        name = "sync",
        mixinStandardHelpOptions = true,
        description =
                "Send run folders (or every run under a folder) to MLflow; sends only what is"
                        + " missing.")
final class SyncCommand implements Callable<Integer> {

    @Spec CommandSpec commandSpec;

    @Parameters(
            arity = "1..*",
            paramLabel = "RUN_DIR",
            description = "run folders, or folders holding run folders")
    List<Path> folders;

    @Option(
            names = "--tracking-uri",
            paramLabel = "URI",
            description =
                    "MLflow server (default: the run spec's tracking.uri, else"
                            + " MLFLOW_TRACKING_URI, else the one in the run's mlflow.json)")
    String trackingUri;

    @Option(
            names = "--experiment",
            paramLabel = "NAME",
            description = "MLflow experiment (default: the spec's)")
    String experiment;

    @Override
    public Integer call() {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        List<Path> runs = new ArrayList<>();
        for (Path folder : folders) {
            runs.addAll(runFolders(folder));
        }
        int failed = 0;
        int refused = 0;
        for (Path run : runs) {
            TrackingSettings settings;
            MlflowTracker tracker;
            try {
                settings = settings(run);
                tracker = new MlflowTracker(settings, 4);
            } catch (IllegalArgumentException e) {
                // no server named anywhere, or a malformed URI: the command needs changing
                err.println("error: " + run + ": " + e.getMessage());
                refused++;
                continue;
            }
            try {
                MlflowSync sync =
                        new MlflowSync(
                                run,
                                tracker,
                                settings.uri(),
                                experiment != null ? experiment : settings.experiment(),
                                err::println);
                MlflowSync.Report report = sync.sync();
                SyncState state = sync.state();
                out.printf(
                        "%s: %s; %s%s%n",
                        run,
                        report.nothingSent()
                                ? "already up to date"
                                : String.format(
                                        "sent %d metric values, %d params, %d tags, %d sample"
                                                + " grids, %d artifacts",
                                        report.metricPoints(),
                                        report.params(),
                                        report.tags(),
                                        report.images(),
                                        report.artifacts()),
                        settings.uri()
                                + "/#/experiments/"
                                + state.experimentId()
                                + "/runs/"
                                + state.runId(),
                        report.complete() ? "" : " (the run has not ended)");
            } catch (TrackingException | IllegalArgumentException | UncheckedIOException e) {
                // the server failed or refused, or the folder holds something that cannot be sent
                err.println("error: " + run + ": " + e.getMessage());
                failed++;
            }
        }
        return refused > 0 ? Main.USAGE : failed > 0 ? Main.TRACKING : 0;
    }

    private TrackingSettings settings(Path run) {
        return RunFolderTracking.settings(
                run, trackingUri, System.getenv(), commandSpec.commandLine().getErr());
    }

    /**
     * @return the folder if it holds spec.yaml, else every folder under it that does (not below a
     *     run folder)
     */
    private static List<Path> runFolders(Path folder) {
        if (Files.isRegularFile(folder.resolve(RunDirectory.SPEC_FILE))) {
            return List.of(folder);
        }
        if (!Files.isDirectory(folder)) {
            throw new ExperimentException(folder + " is not a folder");
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            List<Path> found =
                    paths.filter(p -> Files.isRegularFile(p.resolve(RunDirectory.SPEC_FILE)))
                            .sorted()
                            .toList();
            if (found.isEmpty()) {
                throw new ExperimentException("no run folders (with spec.yaml) under " + folder);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }
}
