package dev.circuitlab.experiments.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.experiments.report.Chromium;
import dev.circuitlab.experiments.report.HtmlReport;
import dev.circuitlab.experiments.report.Machine;
import dev.circuitlab.experiments.report.TextTable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./lab scenario}: the same open-loop load through the same outage twice, breaker on and
 * breaker off; writes {@code series.json}, {@code report.html} (and {@code report.png} with
 * headless Chromium) and prints a summary with the acceptance checks.
 */
public final class ScenarioCommand {

    /** What a run of the command produced. */
    public record Result(Path directory, Path seriesJson, Path reportHtml, List<Path> pngs,
                          List<ScenarioAnalysis.Check> checks, double seconds) {

        public boolean allPassed() {
            return checks.stream().allMatch(ScenarioAnalysis.Check::pass);
        }
    }

    /** The whole command must finish within this: a stuck run fails instead of hanging. */
    public static final double TIME_BUDGET_SECONDS = 180;

    private final ScenarioOptions options;
    private final PrintStream out;

    public ScenarioCommand(ScenarioOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path dir = options.outputDir();
        Files.createDirectories(dir);
        out.printf(Locale.ROOT, "scenario: timeline %s, /upstream %s rps + /health %s rps (open loop, seed %d), twice:"
                        + " breaker on, then off; output %s%n", options.timeline().spec(), num(options.upstreamRps()),
                num(options.healthRps()), options.seed(), dir);
        ScenarioRunner runner = new ScenarioRunner(options, out);
        List<RunResult> runs = new ArrayList<>();
        for (boolean enabled : new boolean[] {true, false}) {
            Path log = dir.resolve("runtime-" + (enabled ? "breaker-on" : "breaker-off") + ".log");
            try (OutputStream file = Files.newOutputStream(log);
                 PrintStream runtimeLog = new PrintStream(new BufferedOutputStream(file, 1 << 16), false, StandardCharsets.UTF_8)) {
                runs.add(runner.run(enabled, runtimeLog, runs.isEmpty()));
            }
        }
        HealthyComparison.Result healthy;
        out.printf(Locale.ROOT, "[healthy A/B] both stacks at once, %d warm-up and %d timed /upstream requests each, alternating%n",
                options.comparisonRequests() * 3 / 2, options.comparisonRequests());
        try (OutputStream file = Files.newOutputStream(dir.resolve("runtime-healthy-ab.log"));
             PrintStream runtimeLog = new PrintStream(new BufferedOutputStream(file, 1 << 16), false, StandardCharsets.UTF_8)) {
            healthy = new HealthyComparison(options).run(runtimeLog);
        }
        List<ScenarioAnalysis.Check> checks = new ArrayList<>(ScenarioAnalysis.checks(runs.get(0), runs.get(1)));
        checks.add(healthyCheck(healthy));

        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        double elapsed = (System.nanoTime() - start) / 1e9;
        ObjectNode doc = withHealthy(ScenarioDocument.build(mapper, options, runs, checks, Machine.describe(), elapsed), healthy);
        Path json = dir.resolve("series.json");
        mapper.writeValue(json.toFile(), doc);
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(doc, new ObjectMapper()));

        List<Path> pngs = new ArrayList<>();
        if (options.png()) {
            Optional<Path> chromium = Chromium.find();
            if (chromium.isEmpty()) {
                out.println("scenario: PNG skipped: no chromium (/usr/bin/chromium or on PATH); the HTML report has the same charts");
            } else {
                Path png = dir.resolve("report.png");
                String problem = Chromium.screenshot(chromium.get(), html, png, 1400, 1800);
                if (problem == null) {
                    pngs.add(png);
                } else {
                    out.println("scenario: PNG skipped: " + problem);
                }
            }
        }
        elapsed = (System.nanoTime() - start) / 1e9;
        checks.add(new ScenarioAnalysis.Check("duration", "scenario finished within 3 minutes", elapsed <= TIME_BUDGET_SECONDS,
                String.format(Locale.ROOT, "%.1f s (JVM start and build not included)", elapsed)));
        // Rewrite with the final check list and duration (cheap: a few hundred KB at most).
        doc = withHealthy(ScenarioDocument.build(mapper, options, runs, checks, Machine.describe(), elapsed), healthy);
        mapper.writeValue(json.toFile(), doc);
        Files.writeString(html, HtmlReport.render(doc, new ObjectMapper()));

        printSummary(runs, healthy, checks, json, html, pngs, elapsed);
        return new Result(dir, json, html, pngs, checks, elapsed);
    }

    /** The acceptance figure for the healthy path: breaker on ÷ off, p50, side by side. */
    static final double HEALTHY_P50_RATIO_MAX = 1.10;

    static ScenarioAnalysis.Check healthyCheck(HealthyComparison.Result h) {
        return new ScenarioAnalysis.Check("healthy.ab",
                "breaker on: healthy /upstream p50 <= " + HEALTHY_P50_RATIO_MAX + "x breaker off (both stacks at once, alternating)",
                h.p50Ratio() <= HEALTHY_P50_RATIO_MAX,
                String.format(Locale.ROOT, "p50 %.2f / %.2f ms = %.2fx, p99 %.2f / %.2f ms (%d requests each after %d warm-up)",
                        h.on().p50(), h.off().p50(), h.p50Ratio(), h.on().p99(), h.off().p99(), h.samples(), h.warmup()));
    }

    private static ObjectNode withHealthy(ObjectNode doc, HealthyComparison.Result h) {
        ObjectNode n = doc.putObject("healthyComparison");
        n.put("onP50Ms", h.on().p50());
        n.put("offP50Ms", h.off().p50());
        n.put("onP99Ms", h.on().p99());
        n.put("offP99Ms", h.off().p99());
        n.put("p50Ratio", h.p50Ratio());
        n.put("requestsEach", h.samples());
        n.put("warmupEach", h.warmup());
        return doc;
    }

    private void printSummary(List<RunResult> runs, HealthyComparison.Result healthy, List<ScenarioAnalysis.Check> checks,
                              Path json, Path html, List<Path> pngs, double elapsed) {
        Map<String, Object> on = ScenarioAnalysis.headline(runs.get(0));
        Map<String, Object> off = ScenarioAnalysis.headline(runs.get(1));
        TextTable t = new TextTable("", "breaker ON", "breaker OFF");
        t.row("healthy /upstream p50 / p99 ms", pair(on, "healthyUpstreamP50Ms", "healthyUpstreamP99Ms"),
                pair(off, "healthyUpstreamP50Ms", "healthyUpstreamP99Ms"));
        t.row("healthy again: /upstream p50 / p99 ms", pair(on, "recoveredUpstreamP50Ms", "recoveredUpstreamP99Ms"),
                pair(off, "recoveredUpstreamP50Ms", "recoveredUpstreamP99Ms"));
        t.row("healthy side by side: p50 / p99 ms", String.format(Locale.ROOT, "%.2f / %.2f", healthy.on().p50(), healthy.on().p99()),
                String.format(Locale.ROOT, "%.2f / %.2f", healthy.off().p50(), healthy.off().p99()));
        t.row("outage window analysed (s)", pair(on, "windowFromS", "windowToS"), pair(off, "windowFromS", "windowToS"));
        t.row("/upstream p50 / p99 ms in window", pair(on, "windowUpstreamP50Ms", "windowUpstreamP99Ms"),
                pair(off, "windowUpstreamP50Ms", "windowUpstreamP99Ms"));
        t.row("/upstream p99 / call timeout", pct(on.get("windowUpstreamP99OfCallTimeout")),
                pct(off.get("windowUpstreamP99OfCallTimeout")));
        t.row("/upstream fast503 / 429 / timed out", triple(on, "windowUpstreamFast503", "windowUpstreamThrottled",
                "windowUpstreamTimedOut"), triple(off, "windowUpstreamFast503", "windowUpstreamThrottled", "windowUpstreamTimedOut"));
        t.row("/health ok / 429 of sent", health(on), health(off));
        t.row("/health p99 ms in window", on.get("windowHealthP99Ms"), off.get("windowHealthP99Ms"));
        t.row("upstream concurrency max (limit " + runs.get(0).upstreamConcurrencyLimit() + ")",
                on.get("windowUpstreamConcurrencyMax"), off.get("windowUpstreamConcurrencyMax"));
        t.row("seconds at the limit", pair(on, "windowSaturatedSeconds", "windowWholeSeconds", " of "),
                pair(off, "windowSaturatedSeconds", "windowWholeSeconds", " of "));
        t.row("downstream invocations, whole outage", on.get("outageDownstreamInvocations"), off.get("outageDownstreamInvocations"));
        t.row("downstream invocations while OPEN", on.getOrDefault("downstreamInvocationsWhileOpen", "n/a"), "n/a");
        t.row("trip after fault began (ms)", on.getOrDefault("tripAfterFaultMs", "n/a"), "n/a");
        t.row("CLOSED again after fault ended (ms)", on.getOrDefault("closedAfterFaultEndedMs", "n/a"), "n/a");
        out.println();
        out.print(t.render());
        out.println();
        for (ScenarioAnalysis.Check c : checks) {
            out.println((c.pass() ? "PASS " : "FAIL ") + c.description() + " -- " + c.detail());
        }
        out.println();
        out.println("series:  " + json);
        out.println("report:  " + html);
        pngs.forEach(p -> out.println("image:   " + p));
        out.printf(Locale.ROOT, "scenario finished in %.1f s%n", elapsed);
    }

    private static String pair(Map<String, Object> h, String a, String b) {
        return pair(h, a, b, " / ");
    }

    private static String pair(Map<String, Object> h, String a, String b, String sep) {
        return h.getOrDefault(a, "-") + sep + h.getOrDefault(b, "-");
    }

    private static String triple(Map<String, Object> h, String a, String b, String c) {
        return h.getOrDefault(a, "-") + " / " + h.getOrDefault(b, "-") + " / " + h.getOrDefault(c, "-")
                + " of " + h.getOrDefault("windowUpstreamSent", "-");
    }

    private static String health(Map<String, Object> h) {
        return h.getOrDefault("windowHealthOk", "-") + " / " + h.getOrDefault("windowHealthThrottled", "-") + " of "
                + h.getOrDefault("windowHealthSent", "-");
    }

    private static String pct(Object ratio) {
        return ratio instanceof Number n ? String.format(Locale.ROOT, "%.1f %%", 100 * n.doubleValue()) : "-";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
