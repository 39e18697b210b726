package dev.ganforge.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.config.Overrides;
import dev.ganforge.config.PluginSection;
import dev.ganforge.config.Problems;
import dev.ganforge.config.RecordBinder;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecKey;
import dev.ganforge.config.SpecKeys;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.config.SpecWriter;
import dev.ganforge.config.YamlDocument;
import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.ModelPlugin;
import dev.ganforge.spi.PluginKind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads experiment specs strictly: parses the YAML, applies {@code --set} overrides, binds the tree
 * onto {@link ExperimentSpec} with {@link RecordBinder}, and reports every problem in the file at
 * once in one {@link SpecException}.
 *
 * <p>Paths in a spec ({@code java.nio.file.Path} keys) are kept exactly as written; a relative path
 * is relative to the working directory, as with any command-line tool, not to the spec file. A key
 * given as {@code null} counts as absent (it takes its default).
 *
 * <p>Standard YAML anchors, aliases and merge keys work ({@code generator: *adam}, {@code <<:
 * *adam}; see {@link YamlDocument}); top-level keys starting with {@code x-} are ignored, so blocks
 * that only hold anchors have a home:
 *
 * <pre>
 * x-adam: &amp;adam {type: adam, learning_rate: 0.0002, beta1: 0.5}
 * optimizers:
 *   generator: *adam
 *   discriminator: {&lt;&lt;: *adam, learning_rate: 0.0001}
 * </pre>
 */
public final class SpecLoader {

    private final RecordBinder binder;

    /**
     * @param registry the plugins that {@code type:} keys may name
     */
    public SpecLoader(PluginRegistry registry) {
        this.binder = new RecordBinder(registry);
    }

    /**
     * @param file the experiment YAML file
     * @param overrides {@code path=value} strings from {@code --set}, applied in order; may be
     *     empty
     * @return the resolved spec, every default filled in
     * @throws SpecException if the file is missing, unreadable, empty or not YAML, or if the spec
     *     has any problem; the exception lists them all
     */
    public ExperimentSpec load(Path file, List<String> overrides) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new SpecException(List.of(SpecProblem.ofFile(name, "file not found", 0)));
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new SpecException(List.of(SpecProblem.ofFile(name, "file is not UTF-8 text", 0)));
        } catch (IOException e) {
            throw new SpecException(
                    List.of(SpecProblem.ofFile(name, "cannot read the file: " + e, 0)));
        }
        return parse(text, name, overrides);
    }

    /**
     * @param yaml the experiment YAML text
     * @param sourceName the name problems give as their file, e.g. the path it came from
     * @param overrides {@code path=value} strings from {@code --set}, applied in order; may be
     *     empty
     * @return the resolved spec, every default filled in
     * @throws SpecException if the text is empty or not YAML, its top level is not a map, or the
     *     spec has any problem; the exception lists them all
     * @throws IllegalStateException if a plugin's spec record has a component type the binder does
     *     not support (a plugin bug, not a user error)
     */
    public ExperimentSpec parse(String yaml, String sourceName, List<String> overrides) {
        YamlDocument document;
        try {
            document = YamlDocument.parse(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            int line = location == null ? 0 : Math.max(0, location.getLineNr());
            throw new SpecException(
                    List.of(
                            SpecProblem.ofFile(
                                    sourceName,
                                    "not valid YAML: " + summary(e.getOriginalMessage()),
                                    line)));
        }
        String expected =
                "expected a map with keys: "
                        + SpecKeys.describe(ExperimentSpec.class).stream()
                                .map(SpecKey::key)
                                .filter(key -> !key.contains("."))
                                .collect(Collectors.joining(", "));
        if (document.root() == null || document.root().isNull()) {
            throw new SpecException(
                    List.of(SpecProblem.ofFile(sourceName, "file is empty; " + expected, 0)));
        }
        if (!(document.root() instanceof ObjectNode root)) {
            throw new SpecException(
                    List.of(
                            SpecProblem.ofFile(
                                    sourceName, "top level is not a map; " + expected, 1)));
        }
        Problems problems = new Problems(sourceName, document.positions());
        for (String duplicate : document.duplicates()) {
            problems.addWithoutValue(duplicate, "key is given more than once");
        }
        Overrides.apply(root, overrides, problems);
        Object spec = binder.bindRecord(ExperimentSpec.class, root, "", Set.of(), problems);
        if (spec instanceof ExperimentSpec bound) {
            checkModelAgainstImages(bound.dataset(), bound.model(), problems);
        } else {
            // Other sections failed; the two that matter here may still bind on their own.
            checkModelAgainstImages(
                    binder.sectionOrNull(PluginKind.DATASET, root.get("dataset"), "dataset"),
                    binder.sectionOrNull(PluginKind.MODEL, root.get("model"), "model"),
                    problems);
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems.list());
        }
        return (ExperimentSpec) spec;
    }

    /**
     * Reports, with the other spec problems, a model that cannot work on the dataset's images (for
     * example more halving layers than the image size allows), when both sections bound (null when
     * not) and the dataset can tell its image shape without loading (an IDX file whose header
     * cannot be read is left to the run, which names the file).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void checkModelAgainstImages(
            PluginSection dataset, PluginSection model, Problems problems) {
        if (dataset == null || model == null) {
            return;
        }
        ImageShape shape;
        try {
            shape = ((DatasetPlugin) dataset.plugin()).imageShape(dataset.spec());
        } catch (RuntimeException e) {
            return;
        }
        List<String> mismatches = ((ModelPlugin) model.plugin()).check(model.spec(), shape);
        for (String mismatch : mismatches) {
            problems.addWithoutValue("model", mismatch);
        }
    }

    /**
     * The paths a spec text and its overrides give, before defaults are filled in: what the user
     * chose, as opposed to what the spec version added. A sweep's trial identity hashes the
     * resolved values at and below these paths, so a ganforge version with a new key (at its
     * default) keeps the identity.
     *
     * @param yaml the spec text, as given to {@link #parse}
     * @param overrides {@code path=value} overrides, as given to {@link #parse}
     * @return the paths of the text's leaves after the overrides ({@link SpecWriter#leaves}: list
     *     elements by index, an empty map, an empty list or a null as a leaf), in file order; empty
     *     if the text is not a YAML map; overrides that {@link #parse} would reject are left out
     */
    public static Set<String> givenKeys(String yaml, List<String> overrides) {
        JsonNode root;
        try {
            root = YamlDocument.parse(yaml).root();
        } catch (JsonProcessingException e) {
            return Set.of();
        }
        if (!(root instanceof ObjectNode map)) {
            return Set.of();
        }
        Overrides.apply(map, overrides, new Problems("", new HashMap<>()));
        return new LinkedHashSet<>(SpecWriter.leaves(map).keySet());
    }

    /**
     * @param spec a resolved spec
     * @return every leaf of it by path ({@link SpecWriter#leaves}: list elements by index, e.g.
     *     {@code evaluation.evaluators[0].type}), every default filled in, in file order
     */
    public Map<String, String> leaves(ExperimentSpec spec) {
        return SpecWriter.leaves(SpecWriter.toTree(spec));
    }

    /**
     * @param spec a resolved spec
     * @return its YAML text: snake_case keys, every default filled in, {@code type:} first in
     *     plugin sections; {@link #parse} of it gives an equal spec
     */
    public String toYaml(ExperimentSpec spec) {
        return SpecWriter.toYaml(spec);
    }

    /**
     * @param spec a resolved spec
     * @return dotted keys ({@code training.batch_size}, {@code model.type}) to values as text,
     *     lists as {@code [64, 128]}, in file order; absent optional keys are left out
     */
    public Map<String, String> flatten(ExperimentSpec spec) {
        return SpecWriter.flatten(spec);
    }

    /**
     * Flattens a saved resolved spec without binding it, so a run's spec can be read even when its
     * plugins are not on the classpath; for a file written by {@link #toYaml} the result equals
     * {@link #flatten(ExperimentSpec)} of the spec.
     *
     * @param resolvedYaml the text of a run's {@code spec.yaml}
     * @return dotted keys to values as text, lists as {@code [64, 128]}, in file order
     * @throws SpecException if the text is not YAML
     */
    public static Map<String, String> flattenYaml(String resolvedYaml) {
        try {
            return SpecWriter.flatten(YamlDocument.parse(resolvedYaml).root());
        } catch (JsonProcessingException e) {
            throw new SpecException(
                    List.of(
                            SpecProblem.ofFile(
                                    "spec.yaml",
                                    "not valid YAML: " + summary(e.getOriginalMessage()),
                                    0)));
        }
    }

    /**
     * @param type a spec record class: {@link ExperimentSpec} or a plugin's spec class
     * @return its keys in component order with type, doc, default and range; a nested record's keys
     *     follow it, dotted
     */
    public static List<SpecKey> describe(Class<? extends Record> type) {
        return SpecKeys.describe(type);
    }

    /** SnakeYAML messages span several lines with a source excerpt; keep the sentences only. */
    private static String summary(String message) {
        return message.lines()
                .filter(line -> !line.isBlank() && !line.startsWith(" "))
                .collect(Collectors.joining("; "));
    }
}
