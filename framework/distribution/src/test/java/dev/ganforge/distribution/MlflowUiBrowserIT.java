package dev.ganforge.distribution;

import static dev.ganforge.distribution.CliFixture.run;
import static dev.ganforge.distribution.CliFixture.tinySpec;
import static dev.ganforge.distribution.CliFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import dev.ganforge.tracking.mlflow.SyncState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of ganforge's runs in MLflow's web UI, in a real browser: a run and a sweep of
 * two trials are mirrored to a real MLflow server, and the {@code MLflow charts:} links they print
 * are opened in Debian's headless Chromium (/usr/bin/chromium, driven by Playwright, which
 * downloads no browser of its own; .ci/run installs the package, and without it the test fails
 * saying so). Each link must open on the experiment's runs, not on MLflow 3.17's GenAI overview
 * (where the bare experiment URL lands whatever the experiment's tags say), and show, as the page
 * opens, the sample grid of every run for every key ({@code real}, {@code fake1}, {@code fake2}):
 * an {@code <img>} of that run, key and step, loaded, inside the viewport once its card is scrolled
 * into view, and not covered by anything else. Then every logged step is typed into each card's
 * step box and the same is checked again. The run's experiment exists before the run, without
 * ganforge's saved view (as one from an older ganforge would), the sweep's is created by the sweep.
 * Screenshots of the pages go to {@code target/browser-screenshots/}.
 */
class MlflowUiBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final double WAIT_MS = 60_000;

    /** The image keys, in the order of their cards. */
    private static final List<String> KEYS = List.of("fake1", "fake2", "real");

    /** The steps with grids of a {@code tinySpec(6)} run: before training, sample_every 3, end. */
    private static final List<Long> STEPS = List.of(0L, 3L, 6L);

    private static final Pattern CHARTS_LINK = Pattern.compile("MLflow charts: (\\S+)");

    /** Where an image is and what the browser shows at its centre. */
    private static final String GEOMETRY =
            """
            img => {
              const r = img.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return {
                inViewport: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
                    && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
                uncovered: hit !== null && (hit === img || img.contains(hit)),
                at: JSON.stringify(r),
                hit: hit === null ? 'nothing' : hit.outerHTML.slice(0, 300)
              };
            }
            """;

    private static MlflowServer server;
    private static MlflowRest rest;
    private static Playwright playwright;
    private static Browser browser;

    @TempDir static Path serverFolder;

    @TempDir Path temp;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as(
                        "this test drives Debian's Chromium at %s, which is missing: install it"
                                + " with 'sudo apt-get install chromium' (.ci/run does)",
                        CHROMIUM)
                .isTrue();
        System.setProperty("ganforge.tracking.intervalSeconds", "0.5");
        server = MlflowServer.start(serverFolder.resolve("server"));
        rest = new MlflowRest(server.uri());
        playwright =
                Playwright.create(
                        new Playwright.CreateOptions()
                                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser =
                playwright
                        .chromium()
                        .launch(
                                new BrowserType.LaunchOptions()
                                        .setExecutablePath(CHROMIUM)
                                        .setHeadless(true)
                                        // Chromium's sandbox refuses to start as root (containers)
                                        .setArgs(List.of("--no-sandbox")));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRunsChartLinkShowsItsSampleGridsAtOnceAndAtEveryStep() throws Exception {
        // an experiment from before ganforge saved views (or made by hand) gets its view too
        rest.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"ui-run\"}");
        Path folder = temp.resolve("run");
        CliFixture.Result result =
                run(
                        "run",
                        write(temp, "tiny.yaml", tinySpec(6) + tracking("ui-run")).toString(),
                        "--output",
                        folder.toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        String runId = SyncState.read(folder).runId();
        checkChartLink(chartsLink(result), "run", Map.of(runId, "tiny-run"));
    }

    @Test
    void aSweepsChartLinkShowsTheSampleGridsOfItsTrialsSideBySide() throws Exception {
        Path folder = temp.resolve("sweep");
        String sweep =
                tinySpec(6)
                        + tracking("ui-sweep")
                        + """
                        sweep:
                          method: grid
                          metric: g_loss
                          parameters:
                            model.latent_dim: [2, 4]
                        """;
        CliFixture.Result result =
                run(
                        "sweep",
                        write(temp, "sweep.yaml", sweep).toString(),
                        "--parallel",
                        "2",
                        "--output",
                        folder.toString());

        assertThat(result.exitCode()).as(result.out() + result.err() + logs(folder)).isZero();
        Map<String, String> trials = new LinkedHashMap<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path trial :
                    entries.filter(
                                    path ->
                                            Files.isDirectory(path)
                                                    && path.getFileName()
                                                            .toString()
                                                            .startsWith("trial-"))
                            .toList()) {
                String runId = SyncState.read(trial).runId();
                trials.put(runId, rest.tags(runId).get("mlflow.runName"));
            }
        }
        assertThat(trials).hasSize(2);
        checkChartLink(chartsLink(result), "sweep", trials);
    }

    /** The trial logs of a sweep folder, for a failure message. */
    private static String logs(Path sweepFolder) throws Exception {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> entries = Files.list(sweepFolder)) {
            for (Path log : entries.filter(path -> path.toString().endsWith(".log")).toList()) {
                text.append("\n--- ").append(log).append(":\n").append(Files.readString(log));
            }
        }
        return text.toString();
    }

    private static String tracking(String experiment) {
        return "tracking: {uri: '" + server.uri() + "', experiment: " + experiment + "}\n";
    }

    private static String chartsLink(CliFixture.Result result) {
        Matcher link = CHARTS_LINK.matcher(result.out());
        assertThat(link.find()).as(result.out()).isTrue();
        assertThat(link.group(1)).startsWith(server.uri() + "/#/experiments/");
        return link.group(1);
    }

    /**
     * Opens a chart link in a fresh browser profile and checks the page.
     *
     * @param link the printed link
     * @param name names the screenshots
     * @param runs the runs whose grids it must show: run id to run name
     */
    private static void checkChartLink(String link, String name, Map<String, String> runs)
            throws Exception {
        try (BrowserContext context =
                browser.newContext(new Browser.NewContextOptions().setViewportSize(1600, 1000))) {
            Page page = context.newPage();
            page.setDefaultTimeout(WAIT_MS);
            try {
                checkPage(page, link, name, runs);
            } catch (RuntimeException | AssertionError e) {
                screenshot(page, name + "-failed.png");
                Files.writeString(SCREENSHOTS.resolve(name + "-failed.html"), page.content());
                throw e;
            }
        }
    }

    private static void checkPage(Page page, String link, String name, Map<String, String> runs) {
        page.navigate(link);

        // the experiment opens on its runs: the model-training runs page lists them
        // ("Training runs" on the GenAI side)
        page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Runs").setExact(true))
                .first()
                .waitFor();
        for (String runName : runs.values()) {
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions().setName(runName).setExact(true))
                    .first()
                    .waitFor();
        }
        assertThat(page.url()).contains("/runs?");
        assertThat(
                        page.getByRole(
                                        AriaRole.HEADING,
                                        new Page.GetByRoleOptions()
                                                .setName("Overview")
                                                .setExact(true))
                                .count())
                .as("MLflow's GenAI overview")
                .isZero();

        // as it opens, the cards show step 0, where every run has its grids
        for (String key : KEYS) {
            for (String runId : runs.keySet()) {
                assertGridShown(page, key, STEPS.get(0), runId);
            }
            if (key.equals(KEYS.get(0))) {
                screenshot(page, name + "-charts.png"); // the page as it opened
            }
        }

        // every logged step, typed into each card's step box
        for (long step : STEPS.subList(1, STEPS.size())) {
            for (String key : KEYS) {
                Locator box = card(page, key).locator("input[type=number]");
                box.fill(Long.toString(step));
                box.press("Tab"); // the box applies its value when it loses the focus
                for (String runId : runs.keySet()) {
                    assertGridShown(page, key, step, runId);
                }
            }
        }
        card(page, KEYS.get(0));
        screenshot(page, name + "-charts-step-" + STEPS.get(STEPS.size() - 1) + ".png");
    }

    /**
     * Scrolls the charts until the card of an image key is rendered (MLflow renders a card only
     * once it comes near the viewport), then brings it into view.
     *
     * @return the card
     */
    private static Locator card(Page page, String key) {
        Locator card =
                page.locator("[data-testid=experiment-view-compare-runs-card]")
                        .filter(
                                new Locator.FilterOptions()
                                        .setHas(page.locator("h4[title='" + key + "']")));
        // over the charts, below their search box (which stays put)
        BoundingBox search = page.getByPlaceholder("Search metric charts").boundingBox();
        page.mouse().move(search.x + search.width / 2, search.y + search.height + 150);
        if (card.count() == 0) { // from the top of the charts down
            page.mouse().wheel(0, -100_000);
            page.waitForTimeout(250);
        }
        long deadline = System.nanoTime() + (long) (WAIT_MS * 1e6);
        while (card.count() == 0) {
            assertThat(System.nanoTime())
                    .as("a chart card for the images " + key)
                    .isLessThan(deadline);
            page.mouse().wheel(0, 300);
            page.waitForTimeout(250);
        }
        card.scrollIntoViewIfNeeded();
        return card;
    }

    /**
     * Waits until a run's grid of one key and step is loaded in its card, then checks it is on
     * screen and not covered.
     */
    private static void assertGridShown(Page page, String key, long step, String runId) {
        Locator card = card(page, key);
        // MLflow's image URLs: get-artifact?path=images/<key>+step+<N>+...&run_uuid=<run>
        Locator image =
                card.locator(
                        "img[src*='images%2F"
                                + key
                                + "%2Bstep%2B"
                                + step
                                + "%2B'][src*='run_uuid="
                                + runId
                                + "']");
        image.waitFor();
        page.waitForFunction(
                "img => img.complete && img.naturalWidth > 0",
                image.elementHandle(),
                new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        card.scrollIntoViewIfNeeded();
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) image.evaluate(GEOMETRY);
        String what = key + " of run " + runId + " at step " + step + ": " + seen;
        assertThat(seen.get("inViewport")).as(what).isEqualTo(true);
        assertThat(seen.get("uncovered")).as(what).isEqualTo(true);
    }

    private static void screenshot(Page page, String file) {
        Path path = SCREENSHOTS.resolve(file);
        page.screenshot(new Page.ScreenshotOptions().setPath(path).setFullPage(true));
        System.out.println("screenshot: " + path.toAbsolutePath());
    }
}
