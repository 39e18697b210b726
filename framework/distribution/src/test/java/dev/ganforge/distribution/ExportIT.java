package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.core.run.Checkpoint;
import dev.ganforge.core.run.CheckpointStore;
import dev.ganforge.core.train.Generation;
import dev.ganforge.tracking.mlflow.SyncState;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ganforge export RUN_DIR --format onnx --register NAME} on a trained, tracked run, against
 * a real MLflow server: the ONNX file runs in ONNX Runtime and gives the checkpoint's images within
 * one grey level (z drawn the way torch-fidelity draws it, from the metadata the file carries); the
 * MLflow run holds the model folder; the registry has a version whose source is that folder; and
 * MLflow's own Python client reads the model's flavours and signature.
 */
class ExportIT {

    private static MlflowServer.Use server;
    private static MlflowRest rest;
    private static String uri;

    @TempDir static Path serverFolder;

    @TempDir Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        server = MlflowServer.sharedOrStart(serverFolder.resolve("server"));
        uri = server.uri();
        rest = new MlflowRest(uri);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void exportsAnOnnxGeneratorThatMatchesTheCheckpointAndLogsAndRegistersIt() throws Exception {
        Path out = temp.resolve("run");
        String spec = tinySpec(8) + "tracking: {uri: '" + uri + "', experiment: export}\n";
        CliFixture.Result trained =
                run("run", write(temp, "tiny.yaml", spec).toString(), "--output", out.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        String name = "tiny-generator-" + System.nanoTime();

        CliFixture.Result exported =
                run("export", out.toString(), "--register", name, "--tracking-uri", uri);

        assertThat(exported.exitCode()).as(exported.err()).isZero();
        Path onnx = out.resolve("export/generator.onnx");
        assertThat(exported.out())
                .contains("wrote " + onnx)
                .contains("--input1-model-num-classes 3")
                .contains("registered as " + name + " version 1");

        // ONNX Runtime against the checkpoint's generator
        Checkpoint checkpoint =
                CheckpointStore.read(
                        new CheckpointStore(out.resolve("checkpoints")).latest().orElseThrow(),
                        false);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session =
                env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            String zType = metadata.get("ganforge.z_type");
            double shift = Double.parseDouble(metadata.get("ganforge.z_shift"));
            double scale = Double.parseDouble(metadata.get("ganforge.z_scale"));
            int n = 9;
            int latent = 4;
            INDArray u =
                    "normal".equals(zType)
                            ? Nd4j.randn(DataType.FLOAT, n, latent)
                            : Nd4j.rand(DataType.FLOAT, n, latent);
            long[] labels = new long[n];
            int[] intLabels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 3;
                intLabels[i] = i % 3;
            }
            INDArray expected =
                    Generation.generate(
                            checkpoint.inferenceGenerator(),
                            u.mul(scale).addi(shift),
                            intLabels,
                            3,
                            true);
            try (OnnxTensor z = OnnxTensor.createTensor(env, u.toFloatMatrix());
                    OnnxTensor label = OnnxTensor.createTensor(env, labels);
                    OrtSession.Result result = session.run(Map.of("z", z, "label", label))) {
                OnnxTensor image = (OnnxTensor) result.get("image").orElseThrow();
                assertThat(image.getInfo().getShape()).containsExactly(n, 3, 8, 8);
                ByteBuffer bytes = image.getByteBuffer();
                double[] want = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
                int worst = 0;
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < 3; c++) {
                        for (int p = 0; p < 64; p++) {
                            int got = bytes.get((i * 3 + c) * 64 + p) & 0xff;
                            double x = want[i * 64 + p];
                            int grey = (int) Math.max(0, Math.min(255, Math.rint((x + 1) * 127.5)));
                            worst = Math.max(worst, Math.abs(got - grey));
                        }
                    }
                }
                assertThat(worst)
                        .as("grey levels between ONNX and generate")
                        .isLessThanOrEqualTo(1);
            }
        }

        // bad input: another format
        CliFixture.Result format = run("export", out.toString(), "--format", "tflite");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err())
                .contains("--format 'tflite' is not supported; the only format is onnx");

        // the MLflow run, its model folder and the registry
        String runId = SyncState.read(out).runId();
        assertThat(rest.artifacts(runId))
                .contains("model/MLmodel", "model/model.onnx", "model/requirements.txt");
        assertThat(rest.artifact(runId, "model/model.onnx")).isEqualTo(Files.readAllBytes(onnx));
        JsonNode version =
                rest.get("/api/2.0/mlflow/model-versions/get?name=" + name + "&version=1")
                        .path("model_version");
        assertThat(version.path("run_id").asText()).isEqualTo(runId);
        assertThat(version.path("source").asText()).endsWith("/model");

        // MLflow's own client reads the MLmodel file: flavours and signature
        String info =
                python(
                        "import mlflow; m = mlflow.models.get_model_info('runs:/"
                                + runId
                                + "/model'); print(sorted(m.flavors));"
                                + " print(m.signature.to_dict())");
        assertThat(info)
                .contains("['onnx', 'python_function']")
                .contains("\"name\": \"z\", \"type\": \"tensor\"")
                .contains("\"dtype\": \"int64\", \"shape\": [-1]")
                .contains("\"dtype\": \"uint8\", \"shape\": [-1, 3, 8, 8]");
    }

    /** Runs code in the Python environment of the {@code mlflow} executable on the PATH. */
    private String python(String code) throws Exception {
        Path python = null;
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path mlflow = Path.of(dir, "mlflow");
            if (Files.isExecutable(mlflow) && Files.isExecutable(Path.of(dir, "python"))) {
                python = Path.of(dir, "python");
                break;
            }
        }
        assertThat(python)
                .as("a Python environment with mlflow on the PATH (.ci/run's .venv)")
                .isNotNull();
        ProcessBuilder builder =
                new ProcessBuilder(python.toString(), "-c", code).redirectErrorStream(true);
        builder.environment().put("MLFLOW_TRACKING_URI", uri);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
