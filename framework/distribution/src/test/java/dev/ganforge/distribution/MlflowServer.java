package dev.ganforge.distribution;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow tracking server ({@code mlflow server}, the Python package) owned by a test: SQLite
 * backend and artifact store in a temporary folder, a free port on 127.0.0.1, readiness by {@code
 * GET /health}. It can be killed and restarted on the same port and store. Fails (never skips) when
 * the {@code mlflow} executable is missing; {@code MLFLOW_EXECUTABLE} may name it.
 */
final class MlflowServer implements AutoCloseable {

    /** The admin of a basic-auth server. */
    static final String ADMIN = "admin";

    /** The admin password of a basic-auth server (set through its auth config file). */
    static final String ADMIN_PASSWORD = "ganforge-test-Secret-7319";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private final Path folder;
    private final int port;
    private final List<String> extraArguments;
    private final boolean basicAuth;
    private Process process;

    private MlflowServer(Path folder, boolean basicAuth, List<String> extraArguments)
            throws IOException {
        this.folder = folder;
        this.port = freePort();
        this.basicAuth = basicAuth;
        this.extraArguments = extraArguments;
    }

    /**
     * The server {@code .ci/run} shares between the tests that only read runs back ({@code
     * GANFORGE_TEST_MLFLOW_URI}), or, run alone, a server of the test's own.
     *
     * @param folder store of the test's own server
     * @return the server's URI and, when the test started it, the server to close
     */
    static Use sharedOrStart(Path folder) throws Exception {
        String shared = System.getenv("GANFORGE_TEST_MLFLOW_URI");
        if (shared != null && !shared.isBlank()) {
            return new Use(shared, null);
        }
        MlflowServer own = start(folder);
        return new Use(own.uri(), own);
    }

    /**
     * A server a test uses.
     *
     * @param uri its URI
     * @param own the server the test started, or null for the shared one
     */
    record Use(String uri, MlflowServer own) implements AutoCloseable {
        /** Stops the test's own server; the shared one stays. */
        @Override
        public void close() {
            if (own != null) {
                own.close();
            }
        }
    }

    /** Starts a plain server serving artifacts. */
    static MlflowServer start(Path folder) throws Exception {
        return start(folder, false);
    }

    /**
     * Starts a server; {@code basicAuth} adds {@code --app-name basic-auth} with admin/{@link
     * #ADMIN_PASSWORD}.
     */
    static MlflowServer start(Path folder, boolean basicAuth, String... extraArguments)
            throws Exception {
        MlflowServer server = new MlflowServer(folder, basicAuth, List.of(extraArguments));
        server.startProcess();
        return server;
    }

    /**
     * @return http://127.0.0.1:port
     */
    String uri() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @return a port where nothing listens
     */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void startProcess() throws Exception {
        Files.createDirectories(folder);
        List<String> command =
                new ArrayList<>(
                        List.of(
                                executable(),
                                "server",
                                "--host",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(port),
                                "--workers",
                                "1",
                                "--backend-store-uri",
                                "sqlite:///" + folder.resolve("mlflow.db").toAbsolutePath()));
        if (!extraArguments.contains("--no-serve-artifacts")) {
            command.addAll(
                    List.of(
                            "--artifacts-destination",
                            folder.resolve("artifacts").toAbsolutePath().toString()));
        }
        if (extraArguments.contains("--no-serve-artifacts")) {
            command.addAll(
                    List.of(
                            "--default-artifact-root",
                            folder.resolve("artifacts").toAbsolutePath().toString()));
        }
        command.addAll(extraArguments);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(folder.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        folder.resolve("server.log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("MLFLOW_"));
        if (basicAuth) {
            command.addAll(List.of("--app-name", "basic-auth"));
            Path config = folder.resolve("basic_auth.ini");
            Files.writeString(
                    config,
                    """
                    [mlflow]
                    default_permission = READ
                    database_uri = sqlite:///%s
                    admin_username = %s
                    admin_password = %s
                    authorization_function = mlflow.server.auth:authenticate_request_basic_auth
                    """
                            .formatted(
                                    folder.resolve("auth.db").toAbsolutePath(),
                                    ADMIN,
                                    ADMIN_PASSWORD));
            env.put("MLFLOW_AUTH_CONFIG_PATH", config.toString());
            env.put("MLFLOW_FLASK_SERVER_SECRET_KEY", "ganforge-test-flask-secret");
        }
        builder.command(command);
        process = builder.start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "mlflow server exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> health =
                        client.send(
                                HttpRequest.newBuilder(URI.create(uri() + "/health"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException(
                "mlflow server not ready within " + START_TIMEOUT + ":\n" + log());
    }

    /** Kills the server and its workers (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            handle.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> handle).join();
        }
        process = null;
    }

    /** Starts it again on the same port and store. */
    void restart() throws Exception {
        startProcess();
    }

    String log() {
        try {
            return Files.readString(folder.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String executable() {
        String named = System.getenv("MLFLOW_EXECUTABLE");
        if (named != null && !named.isBlank()) {
            return named;
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry, "mlflow");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(
                "the MLflow tests need a real MLflow server, but the 'mlflow' command is not on"
                        + " PATH: install it with 'pip install mlflow' (.ci/run does) or set"
                        + " MLFLOW_EXECUTABLE");
    }
}
