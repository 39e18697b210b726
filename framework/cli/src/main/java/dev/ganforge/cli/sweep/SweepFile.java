package dev.ganforge.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a sweep file: an experiment spec with a top-level {@code sweep:} block, or a file holding
 * {@code base: other.yaml} (relative to the sweep file) plus the {@code sweep:} block and optional
 * experiment keys that override the base. Example:
 * <pre>
 * base: cgan_fashion_mnist.yaml      # optional; otherwise the rest of this file is the experiment
 * sweep:
 *   method: grid                     # or random (then: trials: N)
 *   seed: 1
 *   metric: g_loss                   # optional; names the best trial
 *   goal: minimize
 *   parameters:
 *     optimizers.generator.learning_rate: [0.0001, 0.0002]
 *     model.latent_dim: [32, 100]
 *     seed: {choice: [1, 2, 3]}      # random search domains: choice, uniform, log_uniform, int
 * </pre>
 * Problems in the sweep block are reported all at once as a {@link SpecException} naming the file
 * and the dotted path.
 */
public final class SweepFile {

    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final List<String> KEYS = List.of("method", "parameters", "trials", "seed", "metric", "goal");

    private final Path file;
    private final String baseYaml;
    private final SweepSpec sweep;

    private SweepFile(Path file, String baseYaml, SweepSpec sweep) {
        this.file = file;
        this.baseYaml = baseYaml;
        this.sweep = sweep;
    }

    /** @return the sweep file */
    public Path file() {
        return file;
    }

    /** @return the experiment every trial starts from, as YAML (sweep block removed, base merged) */
    public String baseYaml() {
        return baseYaml;
    }

    /** @return the sweep block */
    public SweepSpec sweep() {
        return sweep;
    }

    /**
     * @param file the sweep file
     * @return the parsed sweep
     * @throws SpecException listing every problem of the file and its sweep block
     */
    public static SweepFile read(Path file) {
        String name = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new SpecException(List.of(SpecProblem.ofFile(name, "cannot read the sweep file: " + e.getMessage(), 0)));
        }
        if (root == null || !root.isObject() || !root.has("sweep")) {
            throw new SpecException(List.of(SpecProblem.ofFile(name,
                    "a sweep file is a YAML map with a 'sweep:' block (and the experiment or 'base: FILE')", 0)));
        }
        ObjectNode experiment = ((ObjectNode) root).deepCopy();
        JsonNode block = experiment.remove("sweep");
        JsonNode base = experiment.remove("base");
        if (base != null) {
            Path baseFile = file.toAbsolutePath().getParent().resolve(base.asText());
            try {
                JsonNode baseTree = YAML.readTree(Files.readString(baseFile));
                if (baseTree == null || !baseTree.isObject()) {
                    throw new IOException("not a YAML map");
                }
                experiment = merge((ObjectNode) baseTree, experiment);
            } catch (IOException e) {
                throw new SpecException(List.of(new SpecProblem(name, "base", base.asText(),
                        "cannot read the base experiment " + baseFile + ": " + e.getMessage(), 0)));
            }
        }
        List<SpecProblem> problems = new ArrayList<>();
        SweepSpec sweep = parse(name, block, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
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
            if (existing instanceof ObjectNode existingMap && field.getValue() instanceof ObjectNode overrideMap) {
                merge(existingMap, overrideMap);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
        return base;
    }

    private static SweepSpec parse(String file, JsonNode block, List<SpecProblem> problems) {
        if (block == null || !block.isObject()) {
            problems.add(new SpecProblem(file, "sweep", String.valueOf(block), "must be a map", 0));
            return null;
        }
        block.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                problems.add(new SpecProblem(file, "sweep." + key, block.get(key).toString(),
                        "unknown key; known keys: " + String.join(", ", KEYS), 0));
            }
        });
        SweepSpec.Method method = enumValue(file, block, "method", SweepSpec.Method.class, SweepSpec.Method.GRID, problems);
        SweepSpec.Goal goal = enumValue(file, block, "goal", SweepSpec.Goal.class, SweepSpec.Goal.MINIMIZE, problems);
        Integer trials = null;
        if (block.has("trials")) {
            JsonNode node = block.get("trials");
            if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1) {
                problems.add(new SpecProblem(file, "sweep.trials", node.toString(), "must be an integer >= 1", 0));
            } else {
                trials = node.asInt();
            }
        }
        if (method == SweepSpec.Method.RANDOM && trials == null) {
            problems.add(new SpecProblem(file, "sweep.trials", "(missing)", "random search needs 'trials: N'", 0));
        }
        long seed = block.path("seed").asLong(0);
        String metric = block.has("metric") ? block.get("metric").asText() : null;
        Map<String, SweepSpec.Domain> parameters = new LinkedHashMap<>();
        JsonNode parameterNode = block.get("parameters");
        if (parameterNode == null || !parameterNode.isObject() || parameterNode.isEmpty()) {
            problems.add(new SpecProblem(file, "sweep.parameters", String.valueOf(parameterNode),
                    "must map at least one dotted spec path to its values", 0));
        } else {
            parameterNode.fields().forEachRemaining(entry -> {
                SweepSpec.Domain domain = Domains.parse(file, "sweep.parameters." + entry.getKey(), entry.getValue(),
                        method, problems);
                if (domain != null) {
                    parameters.put(entry.getKey(), domain);
                }
            });
        }
        return new SweepSpec(method, parameters, trials, seed, metric, goal);
    }

    private static <E extends Enum<E>> E enumValue(String file, JsonNode block, String key, Class<E> type, E fallback,
            List<SpecProblem> problems) {
        if (!block.has(key)) {
            return fallback;
        }
        String text = block.get(key).asText();
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT));
            }
            problems.add(new SpecProblem(file, "sweep." + key, text, "must be one of " + allowed, 0));
            return fallback;
        }
    }
}
