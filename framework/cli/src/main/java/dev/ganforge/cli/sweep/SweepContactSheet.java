package dev.ganforge.cli.sweep;

import dev.ganforge.core.io.Folders;
import dev.ganforge.core.run.RunDirectory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The sweep's contact sheet, {@value #FILE} in the sweep folder: every trial's last {@code fake1}
 * sample grid on one picture, captioned with the trial's number (plan order, from 1), its swept
 * values (by key, each key shortened to its last distinct part), its status, its value of the
 * ranking metric and its rank, the best trial framed. MLflow's image grid compares at most 10 runs;
 * the sheet shows every trial of any sweep side by side. A trial without a grid (failed before its
 * first one, not started) gets a labelled placeholder.
 */
public final class SweepContactSheet {

    /** The file name in the sweep folder and the artifact path on the parent run. */
    public static final String FILE = "contact-sheet.png";

    /** The sample grid shown: a fresh z per cell, label = column. */
    static final String GRID = "fake1";

    private SweepContactSheet() {}

    /**
     * Composes the sheet and writes it into the sweep folder atomically.
     *
     * @param folder the sweep folder, holding the {@code trial-<id>/} run folders
     * @param experiment the experiment's name, for the heading
     * @param trials the planned trials' recorded states, in plan order
     * @param best the best trial, if any
     * @param metric the ranking metric, or null when the trials are not ranked
     * @param goal which way the metric should go
     * @return the file written
     * @throws IllegalArgumentException if there are no trials
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path write(
            Path folder,
            String experiment,
            List<TrialState> trials,
            Optional<TrialState> best,
            String metric,
            SweepSpec.Goal goal) {
        ContactSheet.Sheet sheet = compose(folder, experiment, trials, best, metric, goal);
        Path file = folder.resolve(FILE);
        Folders.writeAtomically(
                file,
                target -> {
                    if (!ImageIO.write(sheet.image(), "png", target.toFile())) {
                        throw new IOException("no PNG writer");
                    }
                });
        return file;
    }

    /**
     * @return the sheet, its tiles in the order of {@code trials}; see {@link #write}
     */
    static ContactSheet.Sheet compose(
            Path folder,
            String experiment,
            List<TrialState> trials,
            Optional<TrialState> best,
            String metric,
            SweepSpec.Goal goal) {
        // sorted keys: the same caption order in every tile and every run, whatever map holds them
        TreeSet<String> keys = new TreeSet<>();
        trials.forEach(trial -> keys.addAll(trial.currentValues().keySet()));
        Map<String, String> names = shortNames(keys);
        List<TrialState> ranked =
                trials.stream()
                        .filter(t -> t.status().equals("FINISHED") && t.metric() != null)
                        .sorted(
                                goal == SweepSpec.Goal.MAXIMIZE
                                        ? Comparator.comparingDouble(TrialState::metric).reversed()
                                        : Comparator.comparingDouble(TrialState::metric))
                        .toList();
        String bestId = best.map(TrialState::id).orElse(null);
        List<ContactSheet.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            tiles.add(tile(folder, i + 1, trials.get(i), names, ranked, bestId, metric));
        }
        long finished = trials.stream().filter(t -> t.status().equals("FINISHED")).count();
        String heading =
                experiment
                        + " sweep · "
                        + trials.size()
                        + " trials, "
                        + finished
                        + " finished · "
                        + (metric == null
                                ? "not ranked (no sweep.metric)"
                                : "ranked by "
                                        + metric
                                        + " ("
                                        + goal.name().toLowerCase(Locale.ROOT)
                                        + ")")
                        + " · last "
                        + GRID
                        + " grid of each trial";
        return ContactSheet.compose(heading, tiles);
    }

    /**
     * @param folder the sweep folder
     * @param number the trial's 1-based number on the sheet
     * @param trial the trial
     * @param names each swept key's short name ({@link #shortNames})
     * @param ranked the finished trials with a metric, best first
     * @param bestId the best trial's id, or null
     * @param metric the sweep metric, or null
     * @return the trial's tile: its last fake1 grid (or a placeholder), a caption with its number,
     *     the values that trained it last (after PBT exploits, the last exploit's), its status,
     *     metric and rank
     */
    static ContactSheet.Tile tile(
            Path folder,
            int number,
            TrialState trial,
            Map<String, String> names,
            List<TrialState> ranked,
            String bestId,
            String metric) {
        StringBuilder title = new StringBuilder("trial " + number);
        // the values that made the grid: after a PBT exploit, the perturbed ones it trained with
        new TreeMap<>(trial.currentValues())
                .forEach(
                        (key, value) ->
                                title.append(" · ")
                                        .append(names.getOrDefault(key, key))
                                        .append('=')
                                        .append(value));
        if (!trial.lineage().isEmpty()) {
            title.append(" · after ")
                    .append(trial.lineage().size())
                    .append(trial.lineage().size() == 1 ? " exploit" : " exploits");
        }
        boolean isBest = trial.id().equals(bestId);
        StringBuilder result = new StringBuilder(trial.status());
        if (metric != null && trial.metric() != null) {
            result.append(" · ").append(metric).append(" = ").append(number(trial.metric()));
        }
        int rank = ranked.indexOf(trial);
        if (rank >= 0) {
            result.append(" · rank ").append(rank + 1).append(" of ").append(ranked.size());
        }
        if (isBest) {
            result.append(" · ").append(ContactSheet.canShow("★") ? "★ best" : "best");
        }
        List<String> lines = new ArrayList<>(List.of(result.toString()));
        if (trial.reason() != null) {
            lines.add(trial.reason());
        }
        Path trialFolder = folder.resolve(trial.folderName());
        Optional<Grid> grid = lastGrid(trialFolder);
        BufferedImage image = null;
        String missing = "no sample grid";
        if (grid.isPresent()) {
            try {
                image = ImageIO.read(grid.get().file().toFile());
            } catch (IOException | RuntimeException e) {
                image = null;
            }
            if (image == null) {
                missing = "unreadable sample grid (step " + grid.get().step() + ")";
            }
        } else if (!Files.isDirectory(trialFolder)) {
            missing = "not started";
        }
        String note =
                trial.folderName()
                        + (grid.isPresent() && image != null
                                ? " · " + GRID + " at step " + grid.get().step()
                                : "");
        return new ContactSheet.Tile(image, missing, title.toString(), lines, note, isBest);
    }

    /** A sample grid file and its step. */
    record Grid(Path file, long step) {}

    /**
     * @param runFolder a run folder
     * @return its {@code samples/step-N-fake1.png} of the highest step, if any
     */
    static Optional<Grid> lastGrid(Path runFolder) {
        Path samples = runFolder.resolve(RunDirectory.SAMPLES_FOLDER);
        if (!Files.isDirectory(samples)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(samples)) {
            return files.map(
                            file -> {
                                Matcher m =
                                        RunDirectory.SAMPLE_FILE.matcher(
                                                file.getFileName().toString());
                                return m.matches() && m.group(2).equals(GRID)
                                        ? new Grid(file, Long.parseLong(m.group(1)))
                                        : null;
                            })
                    .filter(grid -> grid != null)
                    .max(Comparator.comparingLong(Grid::step));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The shortest dotted suffix that still tells each swept key from the others: {@code
     * optimizers.generator.learning_rate} and {@code model.latent_dim} become {@code learning_rate}
     * and {@code latent_dim}; two {@code learning_rate}s keep {@code generator.} and {@code
     * discriminator.}.
     *
     * @param keys dotted spec paths
     * @return each key to its short name, in the keys' order
     */
    static Map<String, String> shortNames(Collection<String> keys) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : keys) {
            String[] parts = key.split("\\.");
            String name = key;
            for (int take = 1; take <= parts.length; take++) {
                String suffix =
                        String.join(".", List.of(parts).subList(parts.length - take, parts.length));
                boolean unique =
                        keys.stream()
                                .filter(other -> !other.equals(key))
                                .noneMatch(
                                        other ->
                                                other.equals(suffix)
                                                        || other.endsWith("." + suffix));
                if (unique) {
                    name = suffix;
                    break;
                }
            }
            names.put(key, name);
        }
        return names;
    }

    /** Four significant digits, without an exponent for everyday magnitudes. */
    private static String number(double value) {
        double magnitude = Math.abs(value);
        return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6)
                ? String.format(Locale.ROOT, "%.3e", value)
                : new java.math.BigDecimal(value)
                        .round(new java.math.MathContext(4))
                        .stripTrailingZeros()
                        .toPlainString();
    }
}
