package dev.circuitlab.experiments.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.experiments.report.ChartJs;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The scenario's JSON file ({@code series.json}): options, machine, per-run series and headline, checks. */
public final class ScenarioDocument {

    private ScenarioDocument() {
    }

    public static ObjectNode build(ObjectMapper mapper, ScenarioOptions options, List<RunResult> runs,
                                   List<ScenarioAnalysis.Check> checks, Map<String, Object> machine, double durationSeconds) {
        ObjectNode root = mapper.createObjectNode();
        root.put("kind", "circuit-breaker-lab/scenario");
        root.put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        root.set("machine", mapper.valueToTree(machine));
        ObjectNode o = root.putObject("options");
        o.put("upstreamRps", options.upstreamRps());
        o.put("healthRps", options.healthRps());
        o.put("timeline", options.timeline().spec());
        o.put("seed", options.seed());
        o.put("warmupMs", options.warmup().toMillis());
        o.put("clientTimeoutMs", options.clientTimeout().toMillis());
        o.put("maxInFlight", options.maxInFlight());
        o.put("downstreamConcurrency", options.downstreamConcurrency());
        o.set("parameterOverrides", mapper.valueToTree(options.parameterOverrides()));
        RunResult first = runs.get(0);
        root.put("callTimeoutMs", first.callTimeoutMs());
        root.put("upstreamConcurrencyLimit", first.upstreamConcurrencyLimit());
        root.put("chartJsVersion", ChartJs.version());
        ArrayNode phases = root.putArray("phases");
        Timeline t = options.timeline();
        for (int i = 0; i < t.phases().size(); i++) {
            ObjectNode p = phases.addObject();
            p.put("mode", t.phases().get(i).mode());
            p.put("startS", t.startOf(i) / 1000.0);
            p.put("endS", (t.startOf(i) + t.phases().get(i).durationMs()) / 1000.0);
        }
        ArrayNode runNodes = root.putArray("runs");
        for (RunResult run : runs) {
            ObjectNode r = runNodes.addObject();
            r.put("name", run.name());
            r.put("label", run.label());
            r.put("breakerEnabled", run.breakerEnabled());
            r.set("parameterOverrides", mapper.valueToTree(run.parameterOverrides()));
            r.put("callTimeoutMs", run.callTimeoutMs());
            r.put("upstreamConcurrencyLimit", run.upstreamConcurrencyLimit());
            r.set("headline", mapper.valueToTree(ScenarioAnalysis.headline(run)));
            r.set("stateChanges", mapper.valueToTree(RunSeries.stateChanges(run)));
            ArrayNode faults = r.putArray("faultChanges");
            for (RunResult.FaultChange f : run.faultChanges()) {
                ObjectNode fc = faults.addObject();
                fc.put("atS", Math.round(f.offsetMs()) / 1000.0);
                fc.put("mode", f.mode());
                fc.put("apiStatus", f.status());
            }
            r.set("series", mapper.valueToTree(RunSeries.perSecond(run)));
        }
        root.set("checks", mapper.valueToTree(checks));
        root.put("durationSeconds", Math.round(durationSeconds * 10) / 10.0);
        return root;
    }
}
