package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Spark standalone cluster owned by a test: one master and workers on 127.0.0.1,
 * started with {@code $SPARK_HOME/bin/spark-class} from the Spark distribution inside PyPI's {@code
 * pyspark} wheel (found beside the {@code mlflow} executable, in the virtual environment {@code
 * .ci/run} makes; {@code SPARK_HOME} may name another). Workers can be killed outright ({@code kill
 * -9}) and new ones started. Fails (never skips) when no Spark is found.
 */
final class SparkCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private final Path sparkHome;
    private final Path folder;
    private final int port;
    private final int webPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    private SparkCluster(Path sparkHome, Path folder) throws Exception {
        this.sparkHome = sparkHome;
        this.folder = folder;
        this.port = freePort();
        this.webPort = freePort();
        Files.createDirectories(folder);
        this.master =
                spark(
                        "master",
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--webui-port",
                        Integer.toString(webPort));
    }

    /**
     * Starts a master and {@code workers} workers of one core each and waits until all are alive.
     *
     * @param folder logs and work folders
     * @param workers how many workers
     * @return the cluster
     */
    static SparkCluster start(Path folder, int workers) throws Exception {
        SparkCluster cluster = new SparkCluster(sparkHome(), folder);
        try {
            for (int i = 0; i < workers; i++) {
                cluster.startWorker();
            }
            cluster.awaitAliveWorkers(workers);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * @return {@code spark://127.0.0.1:PORT}
     */
    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /**
     * @return the Spark distribution's folder
     */
    Path home() {
        return sparkHome;
    }

    /**
     * @return the worker processes (the JVMs; their executors are their children), in start order
     */
    List<Process> workers() {
        return workers;
    }

    /** Starts one more worker with one core and 1 GiB for its executors. */
    void startWorker() throws IOException {
        int index = workers.size();
        workers.add(
                spark(
                        "worker-" + index,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        "1",
                        "--memory",
                        "1g",
                        "--webui-port",
                        Integer.toString(freePort()),
                        "--work-dir",
                        folder.resolve("work-" + index).toString(),
                        masterUrl()));
    }

    /** Kills worker {@code index} with SIGKILL; its executors notice and exit. */
    void killWorker(int index) throws InterruptedException {
        Process worker = workers.get(index);
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits until the master lists {@code count} alive workers. */
    void awaitAliveWorkers(int count) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int alive = -1;
        while (System.nanoTime() < deadline) {
            alive = state().path("aliveworkers").asInt(-1);
            if (alive == count) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "the Spark master lists " + alive + " alive workers, not " + count + "; " + logs());
    }

    /**
     * @return the master's state ({@code /json/}: workers, applications)
     */
    JsonNode state() {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + webPort
                                                                    + "/json/"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            return new ObjectMapper().createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ObjectMapper().createObjectNode();
        }
    }

    private Process spark(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(sparkHome.resolve("bin/spark-class").toString());
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(folder.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_NO_DAEMONIZE", "1");
        env.put("SPARK_LOG_DIR", folder.toString());
        return builder.start();
    }

    private String logs() {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(folder)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                text.append("\n--- ")
                        .append(log.getFileName())
                        .append('\n')
                        .append(
                                String.join(
                                        "\n",
                                        lines.subList(
                                                Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (IOException e) {
            text.append(e);
        }
        return text.toString();
    }

    @Override
    public void close() {
        for (Process worker : workers) {
            worker.destroyForcibly();
        }
        master.destroyForcibly();
        for (Process process : workers) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code SPARK_HOME}, else the {@code pyspark} package of the Python beside {@code mlflow} on
     * the PATH.
     */
    static Path sparkHome() throws Exception {
        String env = System.getenv("SPARK_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path python = Path.of(dir, "python");
            if (Files.isExecutable(Path.of(dir, "mlflow")) && Files.isExecutable(python)) {
                Process process =
                        new ProcessBuilder(
                                        python.toString(),
                                        "-c",
                                        "import os, pyspark;"
                                                + " print(os.path.dirname(pyspark.__file__))")
                                .redirectErrorStream(true)
                                .start();
                String out =
                        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                                .strip();
                if (process.waitFor() == 0 && Files.isExecutable(Path.of(out, "bin/spark-class"))) {
                    return Path.of(out);
                }
            }
        }
        assertThat((Path) null)
                .as(
                        "a Spark distribution: SPARK_HOME, or pip install pyspark==4.0.1 into the"
                                + " Python environment that has mlflow (.ci/run does)")
                .isNotNull();
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
