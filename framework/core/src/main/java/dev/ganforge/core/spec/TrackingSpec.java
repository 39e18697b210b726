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
 */
public record TrackingSpec(
        @SpecField(
                        doc =
                                "MLflow tracking server URL, e.g. http://127.0.0.1:5000 (default:"
                                        + " $MLFLOW_TRACKING_URI)",
                        optional = true)
                String uri,
        @SpecField(doc = "MLflow experiment name (default: the spec's experiment)", optional = true)
                String experiment) {

    /**
     * @throws IllegalArgumentException if the URI is not http(s) or carries a user name or password
     */
    public TrackingSpec {
        if (uri != null) {
            checkUri(uri);
        }
        if (experiment != null && experiment.isBlank()) {
            throw new IllegalArgumentException("tracking.experiment must not be blank");
        }
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
