package dev.ganforge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads runs back from an MLflow server over its REST API, independently of the product's client.
 */
final class MlflowRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String uri;
    private final String authorization;
    private final HttpClient client = HttpClient.newHttpClient();

    MlflowRest(String uri) {
        this(uri, null, null);
    }

    MlflowRest(String uri, String user, String password) {
        this.uri = uri;
        this.authorization =
                user == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (user + ":" + password)
                                                        .getBytes(StandardCharsets.UTF_8));
    }

    record Point(long step, double value, long timestamp) {}

    byte[] getBytes(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response =
                client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET "
                            + path
                            + ": "
                            + response.statusCode()
                            + " "
                            + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    JsonNode get(String path) throws Exception {
        return JSON.readTree(getBytes(path));
    }

    JsonNode post(String path, String json) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(uri + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response =
                client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    JsonNode run(String runId) throws Exception {
        return get("/api/2.0/mlflow/runs/get?run_id=" + q(runId)).path("run");
    }

    Map<String, String> params(String runId) throws Exception {
        return keyValues(run(runId).path("data").path("params"));
    }

    Map<String, String> tags(String runId) throws Exception {
        return keyValues(run(runId).path("data").path("tags"));
    }

    String status(String runId) throws Exception {
        return run(runId).path("info").path("status").asText();
    }

    private static Map<String, String> keyValues(JsonNode list) {
        Map<String, String> map = new LinkedHashMap<>();
        list.forEach(item -> map.put(item.path("key").asText(), item.path("value").asText()));
        return map;
    }

    List<Point> history(String runId, String key) throws Exception {
        List<Point> points = new ArrayList<>();
        get("/api/2.0/mlflow/metrics/get-history?run_id=" + q(runId) + "&metric_key=" + q(key))
                .path("metrics")
                .forEach(
                        m ->
                                points.add(
                                        new Point(
                                                m.path("step").asLong(),
                                                m.path("value").asDouble(),
                                                m.path("timestamp").asLong())));
        points.sort(Comparator.comparingLong(Point::timestamp).thenComparingLong(Point::step));
        return points;
    }

    /**
     * @return every artifact file path of the run, recursively
     */
    List<String> artifacts(String runId) throws Exception {
        List<String> files = new ArrayList<>();
        collect(runId, "", files);
        return files;
    }

    private void collect(String runId, String path, List<String> files) throws Exception {
        JsonNode listing =
                get(
                        "/api/2.0/mlflow/artifacts/list?run_id="
                                + q(runId)
                                + (path.isEmpty() ? "" : "&path=" + q(path)));
        for (JsonNode file : listing.path("files")) {
            if (file.path("is_dir").asBoolean()) {
                collect(runId, file.path("path").asText(), files);
            } else {
                files.add(file.path("path").asText());
            }
        }
    }

    /**
     * @return the bytes of an artifact, through the server's artifact proxy
     */
    byte[] artifact(String runId, String path) throws Exception {
        String root =
                run(runId)
                        .path("info")
                        .path("artifact_uri")
                        .asText()
                        .replaceFirst("^mlflow-artifacts:/+", "");
        StringBuilder url = new StringBuilder("/api/2.0/mlflow-artifacts/artifacts/" + root);
        for (String segment : path.split("/")) {
            url.append('/').append(q(segment).replace("+", "%20"));
        }
        return getBytes(url.toString());
    }

    /**
     * @return the run ids of an experiment by name
     */
    List<String> runIds(String experimentName) throws Exception {
        String id =
                get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + q(experimentName))
                        .path("experiment")
                        .path("experiment_id")
                        .asText();
        List<String> ids = new ArrayList<>();
        post(
                        "/api/2.0/mlflow/runs/search",
                        "{\"experiment_ids\": [\"" + id + "\"], \"max_results\": 1000}")
                .path("runs")
                .forEach(r -> ids.add(r.path("info").path("run_id").asText()));
        return ids;
    }
}
