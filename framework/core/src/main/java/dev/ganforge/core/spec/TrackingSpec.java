package dev.ganforge.core.spec;

import dev.ganforge.spi.SpecField;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The optional {@code tracking:} section: mirrors the run into an MLflow tracking server. Tracking
 * is also switched on, without this section, by the environment variable {@code
 * MLFLOW_TRACKING_URI}; a {@code uri} given here wins over it. Credentials never go here: they are
 * read from {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} or {@code
 * MLFLOW_TRACKING_TOKEN}.
 *
 * @param uri the tracking server, {@code http://host:port} or {@code https://…}; null to use the
 *     environment
 * @param experiment the MLflow experiment name (created if missing); null for the spec's {@code
 *     experiment}
 * @param systemMetricsEvery seconds between samples of the machine's and the process's resources
 *     ({@code system.csv} in the run folder, mirrored as MLflow's {@code system/…} metrics): 0
 *     switches sampling off, else in [{@value #MIN_SYSTEM_METRICS_SECONDS}, 86400]. Without a
 *     {@code tracking:} section the default, {@value #DEFAULT_SYSTEM_METRICS_SECONDS} s, applies.
 */
public record TrackingSpec(
        @SpecField(
                        doc =
                                "MLflow tracking server URL, e.g. http://127.0.0.1:5000 (default:"
                                        + " $MLFLOW_TRACKING_URI)",
                        optional = true)
                String uri,
        @SpecField(doc = "MLflow experiment name (default: the spec's experiment)", optional = true)
                String experiment,
        @SpecField(
                        doc =
                                "seconds between samples of CPU, memory and disk use (system.csv,"
                                        + " MLflow's system/ metrics); 0 = off",
                        defaultValue = "10",
                        min = 0,
                        max = 86400)
                double systemMetricsEvery) {

    /** Seconds between system metrics samples when the spec says nothing. */
    public static final double DEFAULT_SYSTEM_METRICS_SECONDS = 10;

    /** The shortest interval between system metrics samples, in seconds. */
    public static final double MIN_SYSTEM_METRICS_SECONDS = 0.1;

    /**
     * @throws IllegalArgumentException if the URI is not http(s) or carries a user name or
     *     password, or the system metrics interval is neither 0 nor in [0.1, 86400] seconds
     */
    public TrackingSpec {
        if (uri != null) {
            checkUri(uri);
        }
        if (experiment != null && experiment.isBlank()) {
            throw new IllegalArgumentException("tracking.experiment must not be blank");
        }
        // shorter intervals would make the sampler itself a load on the cores training uses
        if (systemMetricsEvery != 0
                && !(systemMetricsEvery >= MIN_SYSTEM_METRICS_SECONDS
                        && systemMetricsEvery <= 86400)) {
            throw new IllegalArgumentException(
                    "tracking.system_metrics_every must be 0 (off) or between "
                            + MIN_SYSTEM_METRICS_SECONDS
                            + " and 86400 seconds, found "
                            + systemMetricsEvery);
        }
    }

    /**
     * A tracking section with the default system metrics interval.
     *
     * @param uri the tracking server, or null to use the environment
     * @param experiment the MLflow experiment name, or null for the spec's
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrackingSpec(String uri, String experiment) {
        this(uri, experiment, DEFAULT_SYSTEM_METRICS_SECONDS);
    }

    /**
     * @param spec a spec's tracking section, or null when it has none
     * @return the seconds between system metrics samples it asks for (0 = off)
     */
    public static double systemMetricsSeconds(TrackingSpec spec) {
        return spec == null ? DEFAULT_SYSTEM_METRICS_SECONDS : spec.systemMetricsEvery();
    }

    /**
     * @param uri a tracking URI
     * @throws IllegalArgumentException if it is not an http(s) URL with a host, or has user info
     *     (the message never repeats the user info)
     */
    public static void checkUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("tracking URI is not a valid URL: " + e.getReason());
        }
        if (parsed.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "tracking URI must not contain a user name or password;"
                            + " set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD instead");
        }
        if (!("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))
                || parsed.getHost() == null) {
            throw new IllegalArgumentException(
                    "tracking URI must be http://host[:port] or https://host[:port], found " + uri);
        }
    }
}
