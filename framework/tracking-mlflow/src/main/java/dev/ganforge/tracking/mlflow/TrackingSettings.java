package dev.ganforge.tracking.mlflow;

import dev.ganforge.core.spec.TrackingSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach the tracking server, resolved the way MLflow's own clients do: the URI
 * from the spec's {@code tracking.uri} or else {@code MLFLOW_TRACKING_URI}; credentials from {@code
 * MLFLOW_TRACKING_USERNAME} + {@code MLFLOW_TRACKING_PASSWORD} (HTTP basic) or {@code
 * MLFLOW_TRACKING_TOKEN} (bearer); TLS from {@code MLFLOW_TRACKING_INSECURE_TLS} (true: trust any
 * certificate and host name) and {@code MLFLOW_TRACKING_SERVER_CERT_PATH} (a PEM file of CA
 * certificates to trust). See https://mlflow.org/docs/latest/auth/index.html and
 * https://mlflow.org/docs/latest/python_api/mlflow.environment_variables.html.
 *
 * <p>{@link #toString()} never shows credentials.
 *
 * @param uri the server, http(s)://host[:port][/prefix], without a trailing '/'
 * @param experiment the experiment name from the spec, or null for the spec's experiment
 * @param username basic-auth user, or null
 * @param password basic-auth password, or null
 * @param token bearer token, or null
 * @param insecureTls skip certificate and host-name checks
 * @param serverCertPath PEM file of trusted CA certificates, or null for the JVM's defaults
 */
public record TrackingSettings(
        String uri,
        String experiment,
        String username,
        String password,
        String token,
        boolean insecureTls,
        Path serverCertPath) {

    /** Environment variable that switches tracking on. */
    public static final String URI_VARIABLE = "MLFLOW_TRACKING_URI";

    /**
     * @throws IllegalArgumentException if the URI is not http(s) or has user info
     */
    public TrackingSettings {
        TrackingSpec.checkUri(uri);
        uri = uri.replaceAll("/+$", "");
    }

    /**
     * @param spec the spec's tracking section, or null
     * @param environment the process environment (e.g. {@code System.getenv()})
     * @return the settings, or empty when neither the spec nor the environment names a server
     * @throws IllegalArgumentException if the URI is malformed (the message has no credentials)
     */
    public static Optional<TrackingSettings> resolve(
            TrackingSpec spec, Map<String, String> environment) {
        String uri =
                spec != null && spec.uri() != null
                        ? spec.uri()
                        : blankToNull(environment.get(URI_VARIABLE));
        if (uri == null) {
            return Optional.empty();
        }
        return Optional.of(withUri(uri, spec == null ? null : spec.experiment(), environment));
    }

    /**
     * @param uri the server
     * @param experiment the experiment name, or null for the spec's
     * @param environment the process environment, for credentials and TLS settings
     * @return settings for that server
     * @throws IllegalArgumentException if the URI is malformed
     */
    public static TrackingSettings withUri(
            String uri, String experiment, Map<String, String> environment) {
        String cert = blankToNull(environment.get("MLFLOW_TRACKING_SERVER_CERT_PATH"));
        return new TrackingSettings(
                uri,
                experiment,
                blankToNull(environment.get("MLFLOW_TRACKING_USERNAME")),
                blankToNull(environment.get("MLFLOW_TRACKING_PASSWORD")),
                blankToNull(environment.get("MLFLOW_TRACKING_TOKEN")),
                "true"
                        .equalsIgnoreCase(
                                environment.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", "false")),
                cert == null ? null : Path.of(cert));
    }

    /**
     * @return the value of an HTTP {@code Authorization} header, if credentials are set
     */
    Optional<String> authorization() {
        if (username != null && password != null) {
            return Optional.of(
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            (username + ":" + password)
                                                    .getBytes(StandardCharsets.UTF_8)));
        }
        if (token != null) {
            return Optional.of("Bearer " + token);
        }
        return Optional.empty();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return "TrackingSettings[uri="
                + uri
                + ", experiment="
                + experiment
                + ", auth="
                + (username != null && password != null
                        ? "basic"
                        : token != null ? "bearer" : "none")
                + ", insecureTls="
                + insecureTls
                + ", serverCertPath="
                + serverCertPath
                + "]";
    }
}
