package dev.ganforge.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ganforge.config.PluginSection;
import dev.ganforge.core.io.Folders;
import dev.ganforge.core.spec.ExperimentSpec;
import dev.ganforge.spi.LabeledImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code run-info.json}: what a run knows only while it trains and a tracker needs later: the
 * dataset as loaded (name, size, class count), the plugins and their versions, who ran it, the
 * source's git commit, and when the run started. Written at every start and resume.
 *
 * @param datasetName the dataset plugin name ({@code dataset.type})
 * @param datasetSize N, the number of training images
 * @param classCount K, the number of classes
 * @param plugins role ({@code model}, {@code dataset}, {@code sampler}, {@code
 *     optimizer.generator}, {@code optimizer.discriminator}) to {@code "name version"}
 * @param user the operating-system user ({@code user.name})
 * @param gitCommit the commit the running code's jars were built from (recorded by the build), or,
 *     for code run from class folders, the HEAD of the checkout holding them; null when not known
 * @param gitDirty whether that code was built from (or, from class folders, runs with) a working
 *     tree that differs from {@code gitCommit}: changed tracked files, or files git neither tracks
 *     nor ignores ({@code git status --porcelain} is not empty); null when not known (no commit, or
 *     a run-info.json written before it was recorded)
 * @param startedMs when the run first started, Unix epoch milliseconds
 * @param datasetDigest the {@link DataFingerprint} of the decoded training data, or null (a
 *     run-info.json written before it existed)
 * @param datasetSource where the data came from: {@code <dataset type>:<root or path>}, or just the
 *     type when the plugin reads its default location; null when unknown
 * @param precision what the training step computes in, {@code training.precision: auto} resolved:
 *     {@code "fp32"} or {@code "bf16"}; a resume with {@code auto} keeps it ({@code Trainer}); null
 *     when unknown (a run-info.json written before it was recorded)
 */
public record RunInfo(
        String datasetName,
        long datasetSize,
        int classCount,
        Map<String, String> plugins,
        String user,
        String gitCommit,
        Boolean gitDirty,
        long startedMs,
        String datasetDigest,
        String datasetSource,
        String precision) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file name inside the run folder. */
    public static final String FILE = "run-info.json";

    /** Copies the plugin map. */
    public RunInfo {
        plugins = Map.copyOf(new LinkedHashMap<>(plugins));
    }

    /**
     * @param spec the resolved experiment
     * @param data the loaded dataset
     * @param startedMs when the run first started (kept from an earlier run-info.json on resume)
     * @param precision the training step's resolved arithmetic, {@code "fp32"} or {@code "bf16"}
     * @return the info of this run, with the git commit of the running code
     */
    public static RunInfo of(
            ExperimentSpec spec, LabeledImages data, long startedMs, String precision) {
        Map<String, String> plugins = new LinkedHashMap<>();
        plugins.put("model", describe(spec.model()));
        plugins.put("dataset", describe(spec.dataset()));
        plugins.put("sampler", describe(spec.sampler()));
        plugins.put("optimizer.generator", describe(spec.optimizers().generator()));
        plugins.put("optimizer.discriminator", describe(spec.optimizers().discriminator()));
        Optional<Revision> revision = headRevision();
        return new RunInfo(
                spec.dataset().type(),
                data.size(),
                data.numClasses(),
                plugins,
                System.getProperty("user.name", "unknown"),
                revision.map(Revision::commit).orElse(null),
                revision.map(Revision::dirty).orElse(null),
                startedMs,
                DataFingerprint.of(data),
                source(spec.dataset()),
                precision);
    }

    /**
     * @return {@code type:location} from the dataset spec's {@code root} or {@code path} component
     *     (made absolute), or the type alone when it has neither or it is unset
     */
    private static String source(PluginSection dataset) {
        Object spec = dataset.spec();
        if (spec != null && spec.getClass().isRecord()) {
            for (RecordComponent component : spec.getClass().getRecordComponents()) {
                if (component.getName().equals("root") || component.getName().equals("path")) {
                    try {
                        Object value = component.getAccessor().invoke(spec);
                        if (value != null) {
                            return dataset.type()
                                    + ":"
                                    + Path.of(value.toString()).toAbsolutePath().normalize();
                        }
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        break; // no readable location: the type says enough
                    }
                }
            }
        }
        return dataset.type();
    }

    private static String describe(PluginSection section) {
        return section.type() + " " + section.plugin().version();
    }

    /**
     * @param runFolder a run folder
     * @return its run-info.json, if present
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static Optional<RunInfo> read(Path runFolder) {
        Path file = runFolder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            Map<String, String> plugins = new LinkedHashMap<>();
            node.path("plugins")
                    .fields()
                    .forEachRemaining(e -> plugins.put(e.getKey(), e.getValue().asText()));
            JsonNode commit = node.path("git_commit");
            JsonNode dirty = node.path("git_dirty");
            return Optional.of(
                    new RunInfo(
                            node.path("dataset").path("name").asText(),
                            node.path("dataset").path("size").asLong(),
                            node.path("dataset").path("classes").asInt(),
                            plugins,
                            node.path("user").asText("unknown"),
                            commit.isTextual() ? commit.asText() : null,
                            dirty.isBoolean() ? dirty.asBoolean() : null,
                            node.path("started_ms").asLong(),
                            node.path("dataset").path("digest").asText(null),
                            node.path("dataset").path("source").asText(null),
                            node.path("precision").asText(null)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code run-info.json} atomically.
     *
     * @param runFolder the run folder
     * @throws UncheckedIOException if it cannot be written
     */
    public void write(Path runFolder) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode dataset = node.putObject("dataset");
        dataset.put("name", datasetName);
        dataset.put("size", datasetSize);
        dataset.put("classes", classCount);
        if (datasetDigest != null) {
            dataset.put("digest", datasetDigest);
        }
        if (datasetSource != null) {
            dataset.put("source", datasetSource);
        }
        ObjectNode pluginNode = node.putObject("plugins");
        plugins.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> pluginNode.put(e.getKey(), e.getValue()));
        node.put("user", user);
        if (gitCommit != null) {
            node.put("git_commit", gitCommit);
        }
        if (gitDirty != null) {
            node.put("git_dirty", gitDirty);
        }
        node.put("started_ms", startedMs);
        if (precision != null) {
            node.put("precision", precision);
        }
        Folders.writeAtomically(
                runFolder.resolve(FILE),
                target -> JSON.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), node));
    }

    /**
     * A source revision. @param commit the full 40-digit commit id @param dirty whether the working
     * tree differed from it, null when not known
     */
    record Revision(String commit, Boolean dirty) {}

    /**
     * The revision of the running ganforge code. Run from the core jar: the commit the build
     * recorded in it, wherever the jar lies (a jar inside another repository, or in a checkout that
     * moved on without a rebuild, would otherwise report the wrong HEAD); a build from uncommitted
     * changes records the commit they were made on, marked dirty. Run from a class folder (an IDE,
     * a module's tests): the HEAD of the checkout holding it, dirty when {@code git status
     * --porcelain} lists anything (the rule of git-commit-id's native-git {@code git.dirty}:
     * changed tracked files and files neither tracked nor ignored).
     *
     * @return the revision, or empty when the commit is not known
     */
    static Optional<Revision> headRevision() {
        Optional<Path> code = codeSource();
        if (code.isPresent() && Files.isRegularFile(code.get())) {
            return builtRevision();
        }
        return code.flatMap(RunInfo::checkoutRevision);
    }

    private static Optional<Path> codeSource() {
        try {
            return Optional.of(
                    Path.of(
                            RunInfo.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI()));
        } catch (RuntimeException | URISyntaxException e) {
            return Optional.empty(); // code not loaded from a file
        }
    }

    /**
     * @return the revision recorded at build time (git-commit-id-maven-plugin's {@code
     *     git.properties} beside this class), or empty when the build had no git checkout
     */
    static Optional<Revision> builtRevision() {
        try (InputStream in = RunInfo.class.getResourceAsStream("git.properties")) {
            return in == null ? Optional.empty() : builtRevision(in);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @param properties a {@code git.properties} file
     * @return its {@code git.commit.id.full}, when that is a full 40-digit commit id, with its
     *     {@code git.dirty} ({@code true} or {@code false}; anything else is not known)
     * @throws IOException if it cannot be read
     */
    static Optional<Revision> builtRevision(InputStream properties) throws IOException {
        Properties recorded = new Properties();
        recorded.load(new java.io.InputStreamReader(properties, StandardCharsets.UTF_8));
        String commit = recorded.getProperty("git.commit.id.full", "").trim();
        String dirty = recorded.getProperty("git.dirty", "").trim();
        return commit.matches("[0-9a-f]{40}")
                ? Optional.of(
                        new Revision(
                                commit,
                                dirty.equals("true")
                                        ? Boolean.TRUE
                                        : dirty.equals("false") ? Boolean.FALSE : null))
                : Optional.empty();
    }

    /**
     * @param folder a folder inside a git checkout
     * @return its HEAD, dirty when {@code git status --porcelain} lists anything; empty when there
     *     is no checkout or no git
     */
    static Optional<Revision> checkoutRevision(Path folder) {
        return git(folder, "rev-parse", "HEAD")
                .filter(out -> out.matches("[0-9a-f]{40}"))
                .map(
                        commit ->
                                new Revision(
                                        commit,
                                        git(folder, "status", "--porcelain")
                                                .map(out -> !out.isEmpty())
                                                .orElse(null)));
    }

    /**
     * @return git's trimmed standard output in {@code folder}, or empty when git is missing, fails
     *     or takes over 5 s
     */
    private static Optional<String> git(Path folder, String... arguments) {
        // no index.lock: a user's commit at the same moment must not fail
        List<String> command =
                new ArrayList<>(List.of("git", "--no-optional-locks", "-C", folder.toString()));
        command.addAll(List.of(arguments));
        try {
            Process git =
                    new ProcessBuilder(command)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!git.waitFor(5, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Optional.empty();
            }
            String out =
                    new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no git
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
