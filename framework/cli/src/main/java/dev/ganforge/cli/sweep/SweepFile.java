package dev.ganforge.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ganforge.config.PluginLookup;
import dev.ganforge.config.Problems;
import dev.ganforge.config.RecordBinder;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.config.YamlDocument;
import dev.ganforge.spi.SpecField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sweep file: an experiment spec with a top-level {@code sweep:} block, or a file holding
 * {@code base: other.yaml} (relative to the sweep file) plus the {@code sweep:} block and optional
 * experiment keys that override the base. Example:
 *
 * <pre>
 * base: cgan_fashion_mnist.yaml      # optional; otherwise the rest of this file is the experiment
 * sweep:
 *   method: grid                     # or random (then: trials: N)
 *   seed: 1
 *   metric: g_loss                   # optional; names the best trial
 *   goal: minimize
 *   scheduler: {type: asha, min_steps: 100, reduction_factor: 3}   # optional early stopping
 *   parameters:
 *     optimizers.generator.learning_rate: [0.0001, 0.0002]
 *     model.latent_dim: [32, 100]
 *     seed: {choice: [1, 2, 3]}      # random search domains: choice, uniform, log_uniform, int
 * </pre>
 *
 * Problems in the sweep block are reported all at once as a {@link SpecException} naming the file
 * and the dotted path.
 */
public final class SweepFile {

    private static final ObjectMapper YAML =
            new ObjectMapper(
                    new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final Path file;
    private final String baseYaml;
    private final SweepSpec sweep;

    private SweepFile(Path file, String baseYaml, SweepSpec sweep) {
        this.file = file;
        this.baseYaml = baseYaml;
        this.sweep = sweep;
    }

    /**
     * @return the sweep file
     */
    public Path file() {
        return file;
    }

    /**
     * @return the experiment every trial starts from, as YAML (sweep block removed, base merged)
     */
    public String baseYaml() {
        return baseYaml;
    }

    /**
     * @return the sweep block
     */
    public SweepSpec sweep() {
        return sweep;
    }

    /**
     * @param metric the metric that names the best trial
     * @param goal whether it is minimised or maximised
     * @return this sweep ranked by another metric
     */
    public SweepFile withMetric(String metric, SweepSpec.Goal goal) {
        return new SweepFile(
                file,
                baseYaml,
                new SweepSpec(
                        sweep.method(),
                        sweep.parameters(),
                        sweep.trials(),
                        sweep.seed(),
                        metric,
                        goal,
                        sweep.scheduler()));
    }

    /**
     * @param file the sweep file
     * @return the parsed sweep
     * @throws SpecException listing every problem of the file and its sweep block
     */
    public static SweepFile read(Path file) {
        String name = file.toString();
        YamlDocument document;
        try {
            document = YamlDocument.parse(Files.readString(file));
        } catch (IOException e) {
            throw new SpecException(
                    List.of(
                            SpecProblem.ofFile(
                                    name, "cannot read the sweep file: " + e.getMessage(), 0)));
        }
        JsonNode root = document.root();
        if (root == null || !root.isObject() || !root.has("sweep")) {
            throw new SpecException(
                    List.of(
                            SpecProblem.ofFile(
                                    name,
                                    "a sweep file is a YAML map with a 'sweep:' block (and the"
                                            + " experiment or 'base: FILE')",
                                    0)));
        }
        ObjectNode experiment = ((ObjectNode) root).deepCopy();
        JsonNode block = experiment.remove("sweep");
        JsonNode base = experiment.remove("base");
        if (base != null) {
            Path baseFile = file.toAbsolutePath().getParent().resolve(base.asText());
            try {
                // YamlDocument, not a plain Jackson tree, so anchors and merge keys in the base
                // resolve
                JsonNode baseTree = YamlDocument.parse(Files.readString(baseFile)).root();
                if (baseTree == null || !baseTree.isObject()) {
                    throw new IOException("not a YAML map");
                }
                experiment = merge((ObjectNode) baseTree, experiment);
            } catch (IOException e) {
                throw new SpecException(
                        List.of(
                                new SpecProblem(
                                        name,
                                        "base",
                                        base.asText(),
                                        "cannot read the base experiment "
                                                + baseFile
                                                + ": "
                                                + e.getMessage(),
                                        0)));
            }
        }
        Problems problems = new Problems(name, document.positions());
        SweepSpec sweep = parse(block, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems.list());
        }
        try {
            return new SweepFile(file, YAML.writeValueAsString(experiment), sweep);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode merge(ObjectNode base, ObjectNode overrides) {
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingMap
                    && field.getValue() instanceof ObjectNode overrideMap) {
                merge(existingMap, overrideMap);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
        return base;
    }

    /**
     * The scalar keys of the {@code sweep:} block, bound by the strict spec binder (unknown keys
     * with a did-you-mean hint, types and ranges checked, line numbers); {@code parameters} is read
     * by {@link Domains}.
     *
     * @param method grid or random
     * @param trials number of random trials
     * @param seed seed of the random search
     * @param metric the metric that names the best trial
     * @param goal minimize or maximize
     */
    record Block(
            @SpecField(
                            doc = "grid (every combination) or random (trials draws)",
                            defaultValue = "grid")
                    SweepSpec.Method method,
            @SpecField(doc = "number of random trials (method: random)", optional = true, min = 1)
                    Integer trials,
            @SpecField(doc = "seed of the random search", defaultValue = "0") long seed,
            @SpecField(
                            doc =
                                    "metric that names the best trial, e.g. g_loss or"
                                            + " eval/label_accuracy",
                            optional = true)
                    String metric,
            @SpecField(doc = "minimize or maximize the metric", defaultValue = "minimize")
                    SweepSpec.Goal goal,
            @SpecField(
                            doc =
                                    "early stopping of bad trials: {type: asha, min_steps,"
                                        + " reduction_factor} (absent: every trial trains to its"
                                        + " end)",
                            optional = true)
                    SchedulerSpec scheduler) {}

    private static final RecordBinder BINDER = new RecordBinder(PluginLookup.NONE);

    private static SweepSpec parse(JsonNode block, Problems problems) {
        Object bound =
                BINDER.bindRecord(Block.class, block, "sweep", Set.of("parameters"), problems);
        Block scalars = bound instanceof Block b ? b : null;
        if (scalars != null
                && scalars.method() == SweepSpec.Method.RANDOM
                && scalars.trials() == null) {
            problems.addWithoutValue("sweep.trials", "random search needs 'trials: N'");
        }
        // the parameters are checked even when a scalar key is wrong, so every problem is reported
        // at once
        SweepSpec.Method method =
                scalars != null
                        ? scalars.method()
                        : "random".equalsIgnoreCase(block.path("method").asText())
                                ? SweepSpec.Method.RANDOM
                                : SweepSpec.Method.GRID;
        Map<String, SweepSpec.Domain> parameters = new LinkedHashMap<>();
        JsonNode parameterNode = block.get("parameters");
        if (parameterNode == null || !parameterNode.isObject() || parameterNode.isEmpty()) {
            problems.addWithoutValue(
                    "sweep.parameters", "must map at least one dotted spec path to its values");
        } else {
            parameterNode
                    .fields()
                    .forEachRemaining(
                            entry -> {
                                SweepSpec.Domain domain =
                                        Domains.parse(
                                                "sweep.parameters." + entry.getKey(),
                                                entry.getValue(),
                                                method,
                                                problems);
                                if (domain != null) {
                                    parameters.put(entry.getKey(), domain);
                                }
                            });
        }
        if (scalars == null) {
            return null;
        }
        return new SweepSpec(
                scalars.method(),
                parameters,
                scalars.trials(),
                scalars.seed(),
                scalars.metric(),
                scalars.goal(),
                scalars.scheduler());
    }
}
