package dev.ganforge.tracking.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTP transport to an MLflow server with {@link java.net.http.HttpClient}: connect and request
 * timeouts, the credentials and TLS settings of {@link TrackingSettings}, and retries of server and
 * network failures (5xx, I/O, timeouts) with exponential backoff; 4xx answers are not retried. The
 * MLflow Java client's own transport has no timeouts and cannot load a CA file, which is why this
 * class exists. Error messages name the method, path and the server's answer; never headers.
 */
final class MlflowHttp {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private final TrackingSettings settings;
    private final HttpClient client;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration requestTimeout;

    /**
     * @param settings server, credentials and TLS
     * @param attempts tries per request for retryable failures, at least 1
     * @param firstBackoff wait before the second try; doubles for each further try
     * @param requestTimeout limit for one request's answer (uploads get 4 times as long)
     * @throws IllegalArgumentException if the CA certificate file cannot be read
     */
    MlflowHttp(
            TrackingSettings settings,
            int attempts,
            Duration firstBackoff,
            Duration requestTimeout) {
        this.settings = settings;
        this.attempts = Math.max(1, attempts);
        this.firstBackoff = firstBackoff;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(CONNECT_TIMEOUT);
        if (settings.uri().startsWith("https:")
                && (settings.insecureTls() || settings.serverCertPath() != null)) {
            builder.sslContext(sslContext(settings));
        }
        this.client = builder.build();
    }

    /**
     * @return the response body of {@code GET uri + pathAndQuery}
     */
    String get(String pathAndQuery) {
        return send("GET", pathAndQuery, () -> request(pathAndQuery, requestTimeout).GET().build());
    }

    /**
     * @return the response body of {@code POST uri + path} with a JSON body
     */
    String post(String path, String json) {
        return send(
                "POST",
                path,
                () ->
                        request(path, requestTimeout)
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                json, StandardCharsets.UTF_8))
                                .build());
    }

    /** {@code PUT uri + path} with a body made fresh for each try. */
    void put(String path, Supplier<HttpRequest.BodyPublisher> body) {
        send(
                "PUT",
                path,
                () ->
                        request(path, requestTimeout.multipliedBy(4))
                                .header("Content-Type", "application/octet-stream")
                                .PUT(body.get())
                                .build());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(settings.uri() + path)).timeout(timeout);
        settings.authorization().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private String send(String method, String path, Supplier<HttpRequest> requests) {
        String where =
                "MLflow " + method + " " + path.replaceAll("\\?.*", "") + " at " + settings.uri();
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            TrackingException failure;
            try {
                HttpResponse<String> response =
                        client.send(requests.get(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status < 300) {
                    return response.body();
                }
                failure =
                        new TrackingException(
                                where
                                        + " failed: HTTP "
                                        + status
                                        + " "
                                        + answer(response.body())
                                        + hint(status),
                                status >= 500 || status == 429,
                                status,
                                null);
            } catch (HttpTimeoutException e) {
                failure = new TrackingException(where + " timed out", true, 0, e);
            } catch (IOException e) {
                failure =
                        new TrackingException(
                                where
                                        + " failed: "
                                        + e.getClass().getSimpleName()
                                        + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                                true,
                                0,
                                e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrackingException(where + " was interrupted", true, 0, e);
            }
            if (!failure.retryable() || attempt >= attempts) {
                throw failure;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    /** The server's JSON error ({@code error_code: message}) or the start of its body. */
    private static String answer(String body) {
        if (body == null || body.isBlank()) {
            return "(empty answer)";
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    private String hint(int status) {
        if (status == 401) {
            return settings.authorization().isPresent()
                    ? "; the server rejected the credentials in"
                            + " MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or"
                            + " MLFLOW_TRACKING_TOKEN"
                    : "; the server requires authentication: set MLFLOW_TRACKING_USERNAME and"
                            + " MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)";
        }
        return status == 403 ? "; the user lacks permission for this experiment or run" : "";
    }

    private static SSLContext sslContext(TrackingSettings settings) {
        try {
            TrustManager[] trust;
            if (settings.insecureTls()) {
                trust = new TrustManager[] {new TrustAll()};
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(settings.serverCertPath())) {
                    int i = 0;
                    for (Certificate certificate :
                            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("ca-" + i++, certificate);
                    }
                }
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read the CA certificates in MLFLOW_TRACKING_SERVER_CERT_PATH="
                            + settings.serverCertPath()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * MLFLOW_TRACKING_INSECURE_TLS=true: accepts any certificate; as an extended trust manager it
     * also takes over the host-name check, which it skips, as MLflow's clients do.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(
                X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(
                X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
