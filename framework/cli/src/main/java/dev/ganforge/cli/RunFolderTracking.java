package dev.ganforge.cli;

import dev.ganforge.core.run.RunDirectory;
import dev.ganforge.core.spec.SpecLoader;
import dev.ganforge.tracking.mlflow.MlflowTracker;
import dev.ganforge.tracking.mlflow.SyncState;
import dev.ganforge.tracking.mlflow.Tracker.RemoteRun;
import dev.ganforge.tracking.mlflow.TrackingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which MLflow server a command that reads a run folder ({@code sync}, {@code explore}) talks to,
 * and with which credentials. The server is, in order: {@code --tracking-uri}, the folder's {@code
 * spec.yaml} ({@code tracking.uri}), {@code MLFLOW_TRACKING_URI}, the folder's {@code mlflow.json}.
 * A run folder may come from someone else, so the environment's credentials go only to a server the
 * user named ({@code --tracking-uri} or {@code MLFLOW_TRACKING_URI}, same scheme, host and port);
 * for a server named only by the folder they are left out, with a notice.
 */
final class RunFolderTracking {

    /** Environment variables that hold credentials for the tracking server. */
    static final Set<String> CREDENTIAL_VARIABLES =
            Set.of("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN");

    private RunFolderTracking() {}

    /**
     * @param run a run folder
     * @param cliUri {@code --tracking-uri}, or null
     * @param env the process environment
     * @param err receives the notice when credentials are left out
     * @return the server and credentials to use
     * @throws IllegalArgumentException if no server is named anywhere, or the URI is malformed
     * @throws UncheckedIOException if spec.yaml cannot be read
     */
    static TrackingSettings settings(
            Path run, String cliUri, Map<String, String> env, PrintWriter err) {
        return resolve(run, cliUri, env, err)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no MLflow server: give --tracking-uri or set "
                                                + TrackingSettings.URI_VARIABLE));
    }

    /**
     * {@link #settings}, or empty when nothing names a server.
     *
     * @throws IllegalArgumentException if the URI is malformed
     * @throws UncheckedIOException if spec.yaml cannot be read
     */
    static Optional<TrackingSettings> resolve(
            Path run, String cliUri, Map<String, String> env, PrintWriter err) {
        String uri = cliUri;
        String specExperiment;
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
            return Optional.empty();
        }
        if (sameServer(uri, cliUri) || sameServer(uri, env.get(TrackingSettings.URI_VARIABLE))) {
            return Optional.of(TrackingSettings.withUri(uri, specExperiment, env));
        }
        // the server comes from the run folder (spec.yaml or mlflow.json), which may have been
        // written by someone else: the user's credentials do not go there
        Map<String, String> withoutCredentials = new HashMap<>(env);
        if (withoutCredentials.keySet().removeAll(CREDENTIAL_VARIABLES)) {
            err.println(
                    run
                            + ": not sending credentials to "
                            + uri
                            + ", which comes from the run folder; name it with --tracking-uri or "
                            + TrackingSettings.URI_VARIABLE
                            + " to send them");
        }
        return Optional.of(TrackingSettings.withUri(uri, specExperiment, withoutCredentials));
    }

    /**
     * Uploads files into the MLflow run the folder was mirrored to, under {@code folder/}.
     *
     * @param run a run folder whose mlflow.json names its MLflow run
     * @param settings the server ({@link #settings})
     * @param folder the artifact folder, e.g. {@code explore}
     * @param files the files to upload (their names are kept)
     * @return the MLflow run's id, or empty if the folder was never mirrored to this server
     * @throws dev.ganforge.tracking.mlflow.TrackingException if the server fails or refuses
     */
    static Optional<String> upload(
            Path run, TrackingSettings settings, String folder, List<Path> files) {
        SyncState state = SyncState.read(run);
        if (state.runId() == null || !settings.uri().equals(state.trackingUri())) {
            return Optional.empty();
        }
        MlflowTracker tracker = new MlflowTracker(settings, 4);
        RemoteRun remote = tracker.getRun(state.runId());
        for (Path file : files) {
            tracker.uploadArtifact(remote, folder + "/" + file.getFileName(), file);
        }
        return Optional.of(state.runId());
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
}
