package dev.ganforge.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real MLflow server that misbehaves on a fixed schedule, as overloaded
 * servers and the gateways before them do. Of every 12 requests: the first two get 503 and the
 * third 429 with {@code Retry-After: 1} without reaching the server (a burst); the fourth reaches
 * the server but its answer is replaced by 503 (the request took effect, the client cannot know);
 * the fifth is forwarded after 1.5 s (a slow response); the rest pass unchanged. {@link #hold()}
 * keeps every request waiting until {@link #release()} (a server that answers nothing). Records the
 * {@code Authorization} header of each request.
 */
final class FlakyProxy implements AutoCloseable {

    private static final Set<String> NOT_COPIED =
            Set.of(
                    "host",
                    "connection",
                    "content-length",
                    "expect",
                    "upgrade",
                    "transfer-encoding");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final String target;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Requests that arrived (after the gate). */
    final AtomicInteger requests = new AtomicInteger();

    /** Requests that reached the server. */
    final AtomicInteger forwarded = new AtomicInteger();

    /** Requests answered 503 or 429 without reaching the server. */
    final AtomicInteger refused = new AtomicInteger();

    /** Requests that reached the server whose answer became 503. */
    final AtomicInteger answersLost = new AtomicInteger();

    /** The Authorization header of each request ("" when absent). */
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    private final boolean flaky;

    /**
     * @param targetUri the server behind it
     * @param flaky false to pass every request through unchanged (a recording proxy)
     */
    FlakyProxy(String targetUri, boolean flaky) throws IOException {
        this.target = targetUri;
        this.flaky = flaky;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * @return http://127.0.0.1:port of the proxy
     */
    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on requests wait, unanswered, until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets waiting and later requests through. */
    void release() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            gate.await(5, TimeUnit.MINUTES);
            int n = flaky ? requests.getAndIncrement() % 12 : 12 + requests.getAndIncrement();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (n <= 2) {
                refused.incrementAndGet();
                if (n == 2) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                }
                respond(
                        exchange,
                        n == 2 ? 429 : 503,
                        "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\"}");
                return;
            }
            if (n == 4) {
                Thread.sleep(1500);
            }
            HttpResponse<byte[]> answer = forward(exchange, body);
            forwarded.incrementAndGet();
            if (n == 3) {
                answersLost.incrementAndGet();
                respond(exchange, 503, "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\"}");
                return;
            }
            answer.headers()
                    .firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            exchange.sendResponseHeaders(
                    answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                        .timeout(Duration.ofSeconds(60))
                        .method(
                                exchange.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            if (!NOT_COPIED.contains(name.toLowerCase())) {
                                values.forEach(value -> request.header(name, value));
                            }
                        });
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
