package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.tracking.mlflow.MlflowSync;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.TrackingException;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            description = "MLflow server (default: see above)")
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
        for (Path run : runs) {
            try {
                TrackingSettings settings = settings(run);
                MlflowTracker tracker = new MlflowTracker(settings, 4);
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
                err.println("error: " + run + ": " + e.getMessage());
                failed++;
            }
        }
        return failed == 0 ? 0 : Main.TRACKING;
    }

    private TrackingSettings settings(Path run) {
        Map<String, String> env = System.getenv();
        String uri = trackingUri;
        String specExperiment = null;
        try {
            Map<String, String> spec =
                    SpecLoader.flattenYaml(Files.readString(run.resolve(RunDirectory.SPEC_FILE)));
            uri = uri != null ? uri : spec.get("tracking.uri");
            specExperiment = spec.get("tracking.experiment");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + run.resolve(RunDirectory.SPEC_FILE) + ": " + e.getMessage(),
                    e);
        }
        uri = uri != null ? uri : env.get(TrackingSettings.URI_VARIABLE);
        uri = uri != null && !uri.isBlank() ? uri : SyncState.read(run).trackingUri();
        if (uri == null) {
            throw new IllegalArgumentException(
                    "no MLflow server: give --tracking-uri or set "
                            + TrackingSettings.URI_VARIABLE);
        }
        if (!namedByUser(uri, env)) {
            // the server comes from the run folder (spec.yaml or mlflow.json), which may have
            // been written by someone else: the user's credentials do not go there
            Map<String, String> withoutCredentials = new HashMap<>(env);
            if (withoutCredentials.keySet().removeAll(CREDENTIAL_VARIABLES)) {
                commandSpec
                        .commandLine()
                        .getErr()
                        .println(
                                run
                                        + ": not sending credentials to "
                                        + uri
                                        + ", which comes from the run folder; name it with"
                                        + " --tracking-uri or "
                                        + TrackingSettings.URI_VARIABLE
                                        + " to send them");
            }
            return TrackingSettings.withUri(uri, specExperiment, withoutCredentials);
        }
        return TrackingSettings.withUri(uri, specExperiment, env);
    }

    /** Environment variables that hold credentials for the tracking server. */
    static final Set<String> CREDENTIAL_VARIABLES =
            Set.of("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN");

    /**
     * @return true if the server of {@code uri} (scheme, host and port) is the one the user named
     *     on the command line or in {@code MLFLOW_TRACKING_URI}
     */
    private boolean namedByUser(String uri, Map<String, String> env) {
        return sameServer(uri, trackingUri)
                || sameServer(uri, env.get(TrackingSettings.URI_VARIABLE));
    }

    /**
     * @return true if both URIs name the same scheme, host and port (paths may differ)
     */
    static boolean sameServer(String a, String b) {
        if (a == null || b == null || b.isBlank()) {
            return false;
        }
        try {
            URI x = URI.create(a.trim());
            URI y = URI.create(b.trim());
            return x.getScheme() != null
                    && x.getScheme().equalsIgnoreCase(y.getScheme())
                    && x.getHost() != null
                    && x.getHost().equalsIgnoreCase(y.getHost())
                    && port(x) == port(y);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1
                ? uri.getPort()
                : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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
