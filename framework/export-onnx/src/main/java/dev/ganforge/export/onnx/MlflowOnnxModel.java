package dev.ganforge.export.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * An MLflow model folder (https://mlflow.org/docs/latest/models.html#storage-format) for an
 * exported generator: {@code model.onnx}, an {@code MLmodel} file with the {@code onnx} and {@code
 * python_function} flavours ({@code mlflow.onnx} loads it) and the model signature (tensor specs of
 * {@code z}, {@code label} and {@code image}), and {@code requirements.txt}/{@code python_env.yaml}
 * for {@code mlflow models serve}. Uploaded to a run's artifacts under {@code model/}, it is what
 * {@code mlflow.onnx.log_model} would have written.
 */
public final class MlflowOnnxModel {

    /** The model file's name inside the folder. */
    public static final String MODEL_FILE = "model.onnx";

    /** The MLmodel file's name. */
    public static final String MLMODEL = "MLmodel";

    /**
     * The oldest {@code onnx} Python package that reads opset {@value OnnxGraph#OPSET} (recorded in
     * the flavour and the requirements).
     */
    static final String ONNX_VERSION = "1.12.0";

    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private MlflowOnnxModel() {}

    /**
     * What was written.
     *
     * @param files the folder's files, {@code MLmodel} first
     * @param modelUuid the {@code model_uuid} of the MLmodel file
     * @param mlmodel the MLmodel document as JSON, for the run tag {@code mlflow.log-model.history}
     */
    public record Written(List<Path> files, String modelUuid, ObjectNode mlmodel) {}

    /**
     * Writes the folder, replacing files of the same names.
     *
     * @param folder the model folder, created if missing
     * @param exported the exported generator
     * @param runId the MLflow run the model belongs to, or null when it was not mirrored
     * @param artifactPath the artifact path it is uploaded to, e.g. {@code model}
     * @param created when it was written
     * @return the files and the MLmodel document
     * @throws UncheckedIOException if a file cannot be written
     */
    public static Written write(
            Path folder,
            GeneratorOnnx.Exported exported,
            String runId,
            String artifactPath,
            Instant created) {
        GeneratorOnnx.Signature s = exported.signature();
        String uuid = UUID.randomUUID().toString().replace("-", "");
        ObjectNode mlmodel = JsonNodeFactory.instance.objectNode();
        mlmodel.put("artifact_path", artifactPath);
        ObjectNode flavors = mlmodel.putObject("flavors");
        ObjectNode onnx = flavors.putObject("onnx");
        onnx.putNull("code");
        onnx.put("data", MODEL_FILE);
        onnx.put("onnx_version", ONNX_VERSION);
        onnx.putArray("providers").add("CPUExecutionProvider");
        ObjectNode pyfunc = flavors.putObject("python_function");
        pyfunc.put("data", MODEL_FILE);
        ObjectNode env = pyfunc.putObject("env");
        env.put("virtualenv", "python_env.yaml");
        pyfunc.put("loader_module", "mlflow.onnx");
        pyfunc.put("python_version", "3.11");
        mlmodel.put("model_uuid", uuid);
        if (runId != null) {
            mlmodel.put("run_id", runId);
        }
        ObjectNode signature = mlmodel.putObject("signature");
        ArrayNode inputs = JsonNodeFactory.instance.arrayNode();
        inputs.add(tensorSpec(GeneratorOnnx.Z, "float32", -1, s.latentDim()));
        if (s.conditional()) {
            inputs.add(tensorSpec(GeneratorOnnx.LABEL, "int64", -1));
        }
        ArrayNode outputs = JsonNodeFactory.instance.arrayNode();
        outputs.add(tensorSpec(GeneratorOnnx.IMAGE, "uint8", -1, 3, s.height(), s.width()));
        signature.put("inputs", inputs.toString());
        signature.put("outputs", outputs.toString());
        signature.putNull("params");
        mlmodel.put("utc_time_created", CREATED.format(created));
        ObjectNode metadata = mlmodel.putObject("metadata");
        metadata.put("producer", "ganforge");
        metadata.put("z_type", s.latent().type());
        metadata.put("z_shift", s.latent().shift());
        metadata.put("z_scale", s.latent().scale());
        metadata.put("num_classes", s.numClasses());
        try {
            Files.createDirectories(folder);
            Path mlmodelFile = folder.resolve(MLMODEL);
            Path model = folder.resolve(MODEL_FILE);
            Path requirements = folder.resolve("requirements.txt");
            Path pythonEnv = folder.resolve("python_env.yaml");
            Files.write(model, exported.model());
            Files.writeString(mlmodelFile, yaml().writeValueAsString(mlmodel));
            Files.writeString(
                    requirements, "mlflow\nonnx>=" + ONNX_VERSION + "\nonnxruntime\nnumpy\n");
            Files.writeString(
                    pythonEnv,
                    "python: \"3.11\"\nbuild_dependencies:\n  - pip\ndependencies:\n"
                            + "  - -r requirements.txt\n");
            return new Written(List.of(mlmodelFile, model, requirements, pythonEnv), uuid, mlmodel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MLflow model folder " + folder, e);
        }
    }

    private static ObjectNode tensorSpec(String name, String dtype, long... shape) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("type", "tensor");
        ObjectNode tensor = spec.putObject("tensor-spec");
        tensor.put("dtype", dtype);
        ArrayNode dims = tensor.putArray("shape");
        for (long dim : shape) {
            dims.add(dim);
        }
        spec.put("name", name);
        return spec;
    }

    private static ObjectMapper yaml() {
        return new ObjectMapper(
                new YAMLFactory()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    }
}
