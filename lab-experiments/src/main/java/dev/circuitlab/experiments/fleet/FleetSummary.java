package dev.circuitlab.experiments.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: what was run and every run's figures, plus which breaker won each figure.
 * Nothing in it depends on the machine or the wall clock, so the same seed gives the same file.
 */
public final class FleetSummary {

    /** The per-second series the report draws. */
    static final List<Metric> CHARTED = List.of(Metric.ARRIVALS, Metric.LAMBDA_THROTTLES, Metric.READ_UNITS,
            Metric.READ_UNITS_CONSUMED, Metric.WRITE_UNITS, Metric.WRITE_UNITS_CONSUMED, Metric.THROTTLED,
            Metric.STORE_ERRORS, Metric.FALLBACK_DECISIONS, Metric.ENVIRONMENTS, Metric.BUSY, Metric.REJECTING_PERCENT,
            Metric.SHARED_STATE, Metric.PROBES_IN_FLIGHT, Metric.DOWNSTREAM_CALLS, Metric.CALLS_WHILE_OPEN);

    private FleetSummary() {
    }

    public static ObjectNode build(ObjectMapper mapper, FleetOptions options, List<RunResult> runs) {
        ObjectNode root = mapper.createObjectNode();
        root.put("kind", "circuit-breaker-lab/fleet");
        root.put("seed", options.seed());
        root.put("quick", options.quick());
        root.put("prices", RunResult.PRICES);
        root.set("parameters", parameters(mapper, options.parameters()));
        ArrayNode breakers = root.putArray("breakers");
        for (BreakerModel b : options.breakers()) {
            ObjectNode n = breakers.addObject();
            n.put("id", b.id());
            n.put("label", b.label());
            n.put("settings", b.settings());
        }
        ArrayNode scenarios = root.putArray("scenarios");
        for (Scenario s : options.scenarios()) {
            ObjectNode n = scenarios.addObject();
            n.put("name", s.name());
            n.put("description", s.description());
            n.put("durationS", s.durationMs() / 1000.0);
            n.put("faultStartS", s.faultStartMs() < 0 ? null : s.faultStartMs() / 1000.0);
            n.put("faultEndS", s.faultEndMs() < 0 ? null : s.faultEndMs() / 1000.0);
            n.put("shouldStayClosed", s.shouldStayClosed());
        }
        ArrayNode rates = root.putArray("rates");
        options.rates().forEach(r -> rates.add(r));
        List<Map<String, Object>> figures = runs.stream().map(RunResult::figures).toList();
        root.set("runs", mapper.valueToTree(figures));
        List<Map<String, Object>> winners = winners(options, figures);
        root.set("winners", mapper.valueToTree(winners));
        root.set("winCounts", mapper.valueToTree(winCounts(options, winners)));
        return root;
    }

    /** Per scenario and rate, each figure's winners. */
    static List<Map<String, Object>> winners(FleetOptions options, List<Map<String, Object>> figures) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Scenario s : options.scenarios()) {
            for (double rps : options.rates()) {
                List<Map<String, Object>> group = figures.stream()
                        .filter(f -> f.get("scenario").equals(s.name()) && ((Number) f.get("rps")).doubleValue() == rps)
                        .toList();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("scenario", s.name());
                entry.put("rps", group.isEmpty() ? rps : group.get(0).get("rps"));
                entry.put("figures", Winners.of(s, group));
                out.add(entry);
            }
        }
        return out;
    }

    /** How many figures each breaker won (alone or tied), over all scenarios and rates ({@link #winners}). */
    static Map<String, Integer> winCounts(FleetOptions options, List<Map<String, Object>> winners) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        options.breakers().forEach(b -> counts.put(b.id(), 0));
        for (Map<String, Object> entry : winners) {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> byFigure = (Map<String, List<String>>) entry.get("figures");
            byFigure.values().forEach(ids -> ids.forEach(id -> counts.merge(id, 1, Integer::sum)));
        }
        return counts;
    }

    static ObjectNode parameters(ObjectMapper mapper, FleetParameters p) {
        ObjectNode n = mapper.createObjectNode();
        n.put("concurrencyLimit", p.concurrencyLimit());
        n.put("idleReclaimS", p.idleReclaim().toSeconds());
        n.put("coldStartMedianMs", p.coldStartMedian().toMillis());
        n.put("coldStartSpread", p.coldStartSpread());
        n.put("downstreamLatency", p.downstreamLatency().toString());
        n.put("callTimeoutMs", p.callTimeout().toMillis());
        n.put("functionTimeoutMs", p.functionTimeout().toMillis());
        n.put("storeLatency", p.storeLatency().toString());
        n.put("itemReadUnitsPerSecond", p.readUnitsPerSecond());
        n.put("itemWriteUnitsPerSecond", p.writeUnitsPerSecond());
        n.put("burst", p.burst());
        n.put("staleReadProbability", RunResult.round(p.staleReadProbability(), 4));
        n.put("staleReadMaxLagMs", p.staleReadMaxLag().toMillis());
        return n;
    }

    /** The report's data: the summary plus each run's per-second series. */
    static ObjectNode report(ObjectMapper mapper, ObjectNode summary, List<RunResult> runs, Map<String, Object> machine,
                             String createdAt, double wallSeconds) {
        ObjectNode root = summary.deepCopy();
        root.put("createdAt", createdAt);
        root.put("wallSeconds", RunResult.round(wallSeconds, 1));
        root.set("machine", mapper.valueToTree(machine));
        ArrayNode series = root.putArray("series");
        for (RunResult r : runs) {
            ObjectNode n = series.addObject();
            n.put("strategy", r.strategy());
            n.put("scenario", r.scenario().name());
            n.put("rps", r.rps());
            ObjectNode values = n.putObject("perSecond");
            for (Metric m : CHARTED) {
                ArrayNode a = values.putArray(m.jsonName());
                for (double v : r.meters().series(m)) {
                    if (v == Math.rint(v)) {
                        a.add((long) v);
                    } else {
                        a.add(RunResult.round(v, 1));
                    }
                }
            }
        }
        ObjectNode descriptions = root.putObject("metrics");
        for (Metric m : CHARTED) {
            descriptions.put(m.jsonName(), m.description());
        }
        return root;
    }
}
