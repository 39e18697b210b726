package dev.ganforge.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The saved views in the form MLflow 3.17.2's UI reads them: an envelope with a string name, a
 * number createdAt and the page state as a JSON string. MlflowUiBrowserIT opens them in a browser.
 */
class ChartViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theExperimentViewPutsOneCardPerSampleGridKeyFirstAtStepZeroWithoutTheParams()
            throws Exception {
        JsonNode envelope = JSON.readTree(ChartView.experimentView(1_700_000_000_000L));

        assertThat(envelope.get("name").isTextual()).isTrue();
        assertThat(envelope.get("createdAt").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(envelope.get("state").isTextual()).isTrue();
        JsonNode state = JSON.readTree(envelope.get("state").asText());
        assertThat(state.get("isAccordionReordered").asBoolean()).isTrue();
        JsonNode section = state.get("compareRunSections").get(0);
        assertThat(state.get("compareRunSections")).hasSize(1);
        assertThat(section.get("name").asText()).isEqualTo("Sample grids");
        assertThat(section.get("columns").asInt()).isEqualTo(1);
        JsonNode cards = state.get("compareRunCharts");
        assertThat(cards).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode card = cards.get(i);
            assertThat(card.get("type").asText()).isEqualTo("IMAGE");
            assertThat(card.get("imageKeys").get(0).asText())
                    .isEqualTo(ChartView.KEYS.get(i))
                    .isIn("real", "fake1", "fake2");
            assertThat(card.get("step").asLong()).isZero();
            assertThat(card.get("showRunParams").asBoolean()).isFalse();
            assertThat(card.get("metricSectionId").asText())
                    .isEqualTo(section.get("uuid").asText());
            assertThat(card.get("deleted").asBoolean()).isFalse();
        }
        assertThat(state.has("searchFilter")).isFalse();
    }

    @Test
    void aSweepViewListsTheTrialsOfItsParentFlatByName() throws Exception {
        JsonNode envelope = JSON.readTree(ChartView.sweepView("faces-sweep", "abc123", 5L));

        assertThat(envelope.get("name").asText()).contains("faces-sweep");
        JsonNode state = JSON.readTree(envelope.get("state").asText());
        assertThat(state.get("searchFilter").asText())
                .isEqualTo("tags.mlflow.parentRunId = 'abc123'");
        // any order but the start time's: MLflow nests children under their parent otherwise
        assertThat(state.get("orderByKey").asText()).isEqualTo("tags.`mlflow.runName`");
        assertThat(state.get("compareRunCharts")).hasSize(3);
        assertThat(ChartView.tagKey(ChartView.sweepViewId("abc123")))
                .isEqualTo("mlflow.sharedViewState.ganforge-sweep-abc123");
    }

    @Test
    void theLinkOpensTheRunsChartViewOnTheModelTrainingSideWithTheView() {
        assertThat(ChartView.link("http://127.0.0.1:5000", "7", ChartView.EXPERIMENT_VIEW))
                .isEqualTo(
                        "http://127.0.0.1:5000/#/experiments/7/runs?compareRunsMode=CHART"
                                + "&workflowType=machine_learning"
                                + "&viewStateShareKey=ganforge-sample-grids");
    }
}
