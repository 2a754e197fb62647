package dev.circuitlab.local.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON behind {@code GET /_dashboard/data}: each template dashboard's widgets with their series
 * over the last minutes (the widget's statistic per local period), the circuit's current state for
 * the state widget, and the transitions timeline.
 */
final class DashboardData {

    /** The metric the circuit-state widget shows: a gauge, 0 closed, 1 half-open, 2 open. */
    static final String CIRCUIT_STATE_METRIC = "CircuitState";
    private static final String[] STATE_NAMES = {"CLOSED", "HALF_OPEN", "OPEN"};

    private final ObjectMapper mapper;
    private final MetricStore store;
    private final TransitionTimeline timeline;

    DashboardData(ObjectMapper mapper, MetricStore store, TransitionTimeline timeline) {
        this.mapper = mapper;
        this.store = store;
        this.timeline = timeline;
    }

    /**
     * @param dashboards    the template's dashboards
     * @param errors        dashboards that could not be read, by name, with the reason
     * @param nowMillis     the end of the window
     * @param minutes       the window's length
     * @param periodSeconds the local period every statistic is computed over
     */
    ObjectNode build(List<DashboardDefinition> dashboards, Map<String, String> errors, long nowMillis, int minutes,
                     int periodSeconds) {
        long toSecond = nowMillis / 1000 + 1;
        long fromSecond = toSecond - minutes * 60L;
        ObjectNode root = mapper.createObjectNode();
        root.put("generatedAt", nowMillis);
        root.put("from", fromSecond * 1000);
        root.put("to", toSecond * 1000);
        root.put("minutes", minutes);
        root.put("period", periodSeconds);
        ArrayNode list = root.putArray("dashboards");
        for (DashboardDefinition d : dashboards) {
            ObjectNode dashboard = list.addObject();
            dashboard.put("name", d.name());
            ArrayNode widgets = dashboard.putArray("widgets");
            int index = 0;
            for (DashboardDefinition.Widget w : d.widgets()) {
                ObjectNode json = widgets.addObject();
                json.put("index", index++);
                place(json, w.place());
                switch (w) {
                    case DashboardDefinition.MetricWidget m -> metricWidget(json, m, fromSecond, toSecond, periodSeconds);
                    case DashboardDefinition.TextWidget t -> json.put("type", "text").put("markdown", t.markdown());
                    case DashboardDefinition.OtherWidget o -> json.put("type", o.type()).put("title", o.title())
                            .put("note", "not available locally: " + o.type() + " widgets are drawn by the CloudWatch console only");
                }
            }
        }
        errors.forEach((name, error) -> list.addObject().put("name", name).put("error", error).putArray("widgets"));
        ArrayNode transitions = root.putArray("transitions");
        for (TransitionTimeline.Transition t : timeline.since(fromSecond * 1000)) {
            transitions.addObject()
                    .put("time", t.timeMillis())
                    .put("function", t.function())
                    .put("circuitId", t.circuitId())
                    .put("from", t.from())
                    .put("to", t.to())
                    .put("reason", t.reason())
                    .put("scope", t.scope());
        }
        return root;
    }

    private static void place(ObjectNode json, DashboardDefinition.Place p) {
        json.put("x", p.x()).put("y", p.y()).put("width", p.width()).put("height", p.height());
    }

    private void metricWidget(ObjectNode json, DashboardDefinition.MetricWidget m, long fromSecond, long toSecond,
                              int periodSeconds) {
        json.put("type", "metric");
        json.put("title", m.title());
        json.put("view", m.view());
        json.put("stacked", m.stacked());
        json.put("stat", m.stat());
        json.put("templatePeriod", m.period());
        json.set("yAxis", m.yAxis());
        json.set("annotations", m.annotations());
        ArrayNode series = json.putArray("series");
        for (DashboardDefinition.MetricLine line : m.metrics()) {
            if (!line.visible()) {
                continue;
            }
            ObjectNode s = series.addObject();
            s.put("label", line.label());
            s.put("stat", line.stat());
            ArrayNode points = mapper.createArrayNode();
            Optional<String> unavailable = unavailable(line);
            if (line.key() != null) {
                MetricKey k = line.key();
                s.put("namespace", k.namespace()).put("name", k.name());
                ObjectNode dims = s.putObject("dimensions");
                k.dimensions().forEach(dims::put);
                store.unit(k).ifPresent(u -> s.put("unit", u));
            } else {
                s.put("expression", line.expression());
            }
            s.put("available", unavailable.isEmpty());
            if (unavailable.isPresent()) {
                s.put("note", unavailable.get());
            } else {
                s.put("source", LocalMetricSources.source(line.key()));
                Statistic stat = Statistic.parse(line.stat()).orElseThrow();
                for (MetricSeries.Point p : store.query(line.key(), stat, fromSecond, toSecond, periodSeconds)) {
                    points.addArray().add(p.timeMillis()).add(round(p.value()));
                }
            }
            s.set("points", points);
        }
        if (m.metrics().stream().anyMatch(l -> l.key() != null && l.key().name().equals(CIRCUIT_STATE_METRIC))) {
            currentState(json, m);
        }
    }

    private static Optional<String> unavailable(DashboardDefinition.MetricLine line) {
        if (line.key() == null) {
            return Optional.of("not available locally: metric math (" + line.expression() + ") is not evaluated");
        }
        if (Statistic.parse(line.stat()).isEmpty()) {
            return Optional.of("not available locally: statistic " + line.stat() + " is not computed");
        }
        return LocalMetricSources.unavailable(line.key());
    }

    /**
     * The state widget's big label: the newest CircuitState value as a name. A gauge of 0 is CLOSED or
     * DISABLED and 2 is OPEN or FORCED_OPEN; the newest logged transition tells which when it agrees.
     */
    private void currentState(ObjectNode json, DashboardDefinition.MetricWidget m) {
        ObjectNode state = json.putObject("currentState");
        MetricSeries.Point newest = null;
        for (DashboardDefinition.MetricLine line : m.metrics()) {
            if (line.key() != null && line.key().name().equals(CIRCUIT_STATE_METRIC)) {
                Optional<MetricSeries.Point> p = store.latest(line.key());
                if (p.isPresent() && (newest == null || p.get().timeMillis() > newest.timeMillis())) {
                    newest = p.get();
                }
            }
        }
        if (newest == null) {
            state.putNull("value");
            state.put("name", "NO DATA");
            return;
        }
        int value = (int) Math.round(newest.value());
        String name = value >= 0 && value < STATE_NAMES.length ? STATE_NAMES[value] : "UNKNOWN (" + value + ")";
        Optional<TransitionTimeline.Transition> last = timeline.latestCircuitTransition();
        if (last.isPresent() && gauge(last.get().to()) == value) {
            name = last.get().to();
        }
        state.put("value", value);
        state.put("name", name);
        state.put("time", newest.timeMillis());
    }

    private static int gauge(String state) {
        return switch (state) {
            case "CLOSED", "DISABLED" -> 0;
            case "HALF_OPEN" -> 1;
            case "OPEN", "FORCED_OPEN" -> 2;
            default -> -1;
        };
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
