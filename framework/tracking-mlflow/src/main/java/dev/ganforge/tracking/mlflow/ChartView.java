package dev.ganforge.tracking.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Saved views of MLflow's experiment page (the "Views" menu of MLflow 3.17's runs page) that open
 * the chart view on ganforge's sample grids, and the links that open them.
 *
 * <p>Why (MLflow 3.17.2's UI, under {@code mlflow/server/js/src/experiment-tracking/}): its image
 * cards start at step 0 ({@code RunsChartsImageCardConfig} in {@code
 * components/runs-charts/runs-charts.types.ts}) and list every param of every run above the picture
 * ({@code showRunParams}, on by default); ganforge logs some 60 params per run, which push the grid
 * out of the card. A saved view is an experiment tag {@code mlflow.sharedViewState.<id>} holding
 * the JSON envelope {@code {name, createdAt, updatedAt, state}} ({@code
 * components/experiment-page/utils/savedViewEnvelope.ts}), {@code state} being the page's state as
 * JSON; the link's {@code viewStateShareKey=<id>} applies it ({@code
 * components/experiment-page/hooks/useSharedExperimentViewState.ts}). The views here hold one
 * section "Sample grids", first on the page, with one card across the page per key ({@code fake1},
 * {@code fake2}, {@code real}) at step 0, where every run has its grids from before training, and
 * without the params. A sweep's view also lists its trials flat, by name, filtered on {@code
 * mlflow.parentRunId}: MLflow nests child runs under their collapsed parent unless the runs are
 * filtered and sorted by something other than their start time, and charts only the visible rows.
 *
 * <p>The link also carries {@code workflowType=machine_learning}: MLflow 3.17's UI chooses between
 * its GenAI pages and its model-training pages (the runs) from that URL parameter or the browser's
 * local storage (default GenAI), not from the experiment's {@code mlflow.experimentKind} tag
 * ({@code mlflow/server/js/src/common/contexts/WorkflowTypeContext.tsx}).
 */
public final class ChartView {

    /** The prefix of MLflow's saved-view experiment tags. */
    static final String TAG_PREFIX = "mlflow.sharedViewState.";

    /** The id of the view of an experiment's runs, saved on every experiment ganforge uses. */
    public static final String EXPERIMENT_VIEW = "ganforge-sample-grids";

    /** The sample-grid keys, in the order of the cards. */
    static final List<String> KEYS = List.of("fake1", "fake2", "real");

    private static final String SECTION = "ganforge-sample-grids";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChartView() {}

    /**
     * @param viewId a view id
     * @return the experiment tag that holds it
     */
    static String tagKey(String viewId) {
        return TAG_PREFIX + viewId;
    }

    /**
     * @param parentRunId a sweep's parent run
     * @return the id of the view of its trials
     */
    static String sweepViewId(String parentRunId) {
        return "ganforge-sweep-" + parentRunId;
    }

    /**
     * @param nowMs the creation time, Unix epoch ms
     * @return the tag value of {@link #EXPERIMENT_VIEW}: the sample grids of the experiment's runs
     */
    static String experimentView(long nowMs) {
        return envelope("ganforge: sample grids", state(), nowMs);
    }

    /**
     * @param sweepName the sweep's parent run name
     * @param parentRunId the parent run
     * @param nowMs the creation time, Unix epoch ms
     * @return the tag value of the view of the sweep's trials: their sample grids side by side
     */
    static String sweepView(String sweepName, String parentRunId, long nowMs) {
        ObjectNode state = state();
        state.put("searchFilter", "tags.mlflow.parentRunId = '" + parentRunId + "'");
        state.put("orderByKey", "tags.`mlflow.runName`");
        state.put("orderByAsc", true);
        return envelope("ganforge: trials of " + sweepName, state, nowMs);
    }

    /**
     * @param trackingUri the server, e.g. {@code http://127.0.0.1:5000}
     * @param experimentId the experiment
     * @param viewId a view saved on it
     * @return the link that opens the experiment's runs in the chart view with that view applied
     */
    public static String link(String trackingUri, String experimentId, String viewId) {
        return trackingUri
                + "/#/experiments/"
                + experimentId
                + "/runs?compareRunsMode=CHART&workflowType=machine_learning&viewStateShareKey="
                + viewId;
    }

    private static ObjectNode state() {
        ObjectNode state = JSON.createObjectNode();
        ArrayNode charts = state.putArray("compareRunCharts");
        for (String key : KEYS) {
            ObjectNode card = charts.addObject();
            card.put("uuid", SECTION + "-" + key);
            card.put("type", "IMAGE");
            card.put("runsCountToCompare", 10);
            card.put("metricSectionId", SECTION);
            card.put("deleted", false);
            card.put("isGenerated", false);
            card.putArray("imageKeys").add(key);
            card.put("step", 0);
            card.put("showRunParams", false);
        }
        ObjectNode section = state.putArray("compareRunSections").addObject();
        section.put("uuid", SECTION);
        section.put("name", "Sample grids");
        section.put("display", true);
        section.put("isReordered", false);
        section.put("deleted", false);
        section.put("isGenerated", false);
        section.put("columns", 1); // one card per row: the runs side by side in it
        section.put("cardHeight", 420); // the run name and a 256 px thumbnail, uncut
        // keeps this section first; MLflow sorts sections by name otherwise
        state.put("isAccordionReordered", true);
        return state;
    }

    private static String envelope(String name, ObjectNode state, long nowMs) {
        try {
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("name", name);
            envelope.put("createdAt", nowMs);
            envelope.put("updatedAt", nowMs);
            envelope.put("state", JSON.writeValueAsString(state));
            return JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is JSON", e);
        }
    }
}
