package dev.circuitlab.local.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.local.Fixtures;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.SamTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard model without a browser: body parsing, the template's dashboard, statistics, the state label. */
class DashboardModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricLinesFollowCloudWatchShorthands() {
        DashboardDefinition d = DashboardDefinition.parse("d", """
                {"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
                  "title": "T", "stat": "Sum", "period": 60, "metrics": [
                    ["NS", "A", "D", "x", {"label": "a"}],
                    ["...", "y"],
                    [".", "B", ".", "."],
                    ["NS", "C", "...", {"stat": "p99"}],
                    [{"expression": "m1+m2", "label": "both"}]
                  ]}},
                  {"type": "text", "x": 0, "y": 6, "width": 24, "height": 2, "properties": {"markdown": "# Hi"}},
                  {"type": "alarm", "properties": {"title": "alarms"}}]}
                """);
        DashboardDefinition.MetricWidget w = (DashboardDefinition.MetricWidget) d.widgets().get(0);
        assertEquals(new MetricKey("NS", "A", Map.of("D", "x")), w.metrics().get(0).key());
        assertEquals("a", w.metrics().get(0).label());
        assertEquals(new MetricKey("NS", "A", Map.of("D", "y")), w.metrics().get(1).key());
        assertEquals(new MetricKey("NS", "B", Map.of("D", "y")), w.metrics().get(2).key());
        assertEquals(new MetricKey("NS", "C", Map.of("D", "y")), w.metrics().get(3).key());
        assertEquals("p99", w.metrics().get(3).stat());
        assertEquals("Sum", w.metrics().get(1).stat());
        assertNull(w.metrics().get(4).key());
        assertEquals("m1+m2", w.metrics().get(4).expression());
        assertEquals(new DashboardDefinition.TextWidget(new DashboardDefinition.Place(0, 6, 24, 2), "# Hi"),
                d.widgets().get(1));
        assertTrue(d.widgets().get(2) instanceof DashboardDefinition.OtherWidget);
        assertEquals(4, d.metricKeys().size());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DashboardDefinition.parse("d",
                "{\"widgets\":[{\"type\":\"metric\",\"properties\":{\"metrics\":[[\"NS\",\"A\",\"D\"]]}}]}"));
        assertTrue(bad.getMessage().contains("metrics[0]"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DashboardDefinition.parse("d", "{not json"));
    }

    @Test
    void theTemplateDashboardResolvesToLocalNamesAndEveryLineIsDrawnOrExplained() {
        SamTemplate template = SamTemplate.load(Fixtures.projectRoot().resolve("template.yaml"));
        Map<String, Map<String, Object>> dashboards = template.resolvedProperties(LocalDashboard.DASHBOARD_TYPE,
                new LocalBindings(Map.of(), "http://127.0.0.1:3000", Map.of()));
        assertFalse(dashboards.isEmpty(), "template.yaml has an AWS::CloudWatch::Dashboard");
        for (Map.Entry<String, Map<String, Object>> e : dashboards.entrySet()) {
            String body = (String) e.getValue().get("DashboardBody");
            assertFalse(body.contains("${"), e.getKey() + ": every ${...} substituted");
            DashboardDefinition d = DashboardDefinition.parse(e.getKey(), body);
            assertTrue(d.widgetShowing(DashboardData.CIRCUIT_STATE_METRIC).isPresent(), "a circuit-state widget");
            for (DashboardDefinition.Widget w : d.widgets()) {
                if (w instanceof DashboardDefinition.MetricWidget m) {
                    for (DashboardDefinition.MetricLine line : m.metrics()) {
                        assertTrue(Statistic.parse(line.stat()).isPresent(), m.title() + ": stat " + line.stat());
                        if (line.key() != null && !line.key().isAwsNamespace()) {
                            assertTrue(LocalMetricSources.unavailable(line.key()).isEmpty(), line.key().toString());
                        }
                    }
                }
            }
        }
    }

    @Test
    void statisticsPerPeriodAndCountsOfSilentPublishersAreZero() {
        MetricStore store = new MetricStore();
        Map<String, String> dims = Map.of("CircuitId", "c");
        MetricKey calls = new MetricKey("NS", "Calls", dims);
        MetricKey errors = new MetricKey("NS", "Errors", dims);
        MetricKey latency = new MetricKey("NS", "Latency", dims);
        long t0 = 1_000_000_000L; // a whole second, in ms
        store.record(calls, "Count", 2, t0);
        store.record(calls, "Count", 3, t0 + 500);
        store.published("NS", dims, t0);
        store.published("NS", dims, t0 + 2000);
        store.record(latency, "Milliseconds", List.of(1.0, 2.0, 3.0, 100.0), t0 + 2000);
        store.published("NS", dims, t0 + 2000);
        long s = t0 / 1000;

        Statistic sum = Statistic.parse("Sum").orElseThrow();
        assertEquals(List.of(new MetricSeries.Point(t0, 5)), store.query(calls, sum, s, s + 2, 1));
        // Errors was never named, but the publisher wrote documents: 0 in those seconds, nothing elsewhere.
        assertEquals(List.of(new MetricSeries.Point(t0, 0), new MetricSeries.Point(t0 + 2000, 0)),
                store.query(errors, sum, s, s + 3, 1));
        assertEquals(List.of(), store.query(errors, Statistic.parse("Maximum").orElseThrow(), s, s + 3, 1));
        assertEquals(100, store.query(latency, Statistic.parse("p99").orElseThrow(), s, s + 3, 1).get(0).value());
        assertEquals(2, store.query(latency, Statistic.parse("p50").orElseThrow(), s, s + 3, 1).get(0).value());
        assertEquals(26.5, store.query(latency, Statistic.parse("Average").orElseThrow(), s, s + 3, 1).get(0).value());
        assertEquals(4, store.query(latency, Statistic.parse("SampleCount").orElseThrow(), s + 2, s + 3, 1).get(0).value());
        // A 60 s period aligned like CloudWatch's: one point holding all of it.
        assertEquals(1, store.query(calls, sum, s, s + 3, 60).size());
        assertTrue(Statistic.parse("TM99").isEmpty());
    }

    @Test
    void theStateLabelNamesTheGaugeAndPrefersTheLoggedStateItStandsFor() {
        MetricStore store = new MetricStore();
        TransitionTimeline timeline = new TransitionTimeline(JSON);
        DashboardDefinition d = DashboardDefinition.parse("d", """
                {"widgets": [{"type": "metric", "properties": {"title": "state", "stat": "Maximum",
                  "metrics": [["NS", "CircuitState", "CircuitId", "c"]]}}]}
                """);
        DashboardData data = new DashboardData(JSON, store, timeline);
        long now = System.currentTimeMillis();
        assertEquals("NO DATA", state(data, d, now).path("name").asText());

        store.record(new MetricKey("NS", "CircuitState", Map.of("CircuitId", "c")), "None", 2, now);
        assertEquals("OPEN", state(data, d, now).path("name").asText());

        timeline.offer("UpstreamFunction", now, "{\"message\":\"circuit transition\",\"circuitId\":\"c\","
                + "\"from\":\"CLOSED\",\"to\":\"FORCED_OPEN\",\"reason\":\"admin\",\"at\":\"2020-01-01T00:00:00Z\"}");
        assertEquals("FORCED_OPEN", state(data, d, now).path("name").asText());
        assertEquals(1, timeline.since(0).size());
        assertEquals("circuit", timeline.since(0).get(0).scope());
    }

    private static ObjectNode state(DashboardData data, DashboardDefinition d, long now) {
        ObjectNode json = data.build(List.of(d), Map.of(), now, 5, 1);
        return (ObjectNode) json.at("/dashboards/0/widgets/0/currentState");
    }
}
