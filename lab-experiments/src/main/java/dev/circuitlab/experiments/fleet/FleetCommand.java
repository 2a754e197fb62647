package dev.circuitlab.experiments.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.experiments.report.HtmlReport;
import dev.circuitlab.experiments.report.Machine;
import dev.circuitlab.experiments.report.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./lab fleet}: simulates every scenario at every rate for every breaker, and writes
 * {@code summary.json} (the figures, deterministic for a seed) and {@code report.html} (the figures
 * and each run's per-second series, drawn with Chart.js) under the output directory.
 */
public final class FleetCommand {

    /** What a run of the command produced. */
    public record Result(Path directory, Path summaryJson, Path reportHtml, ObjectNode summary, List<RunResult> runs,
                         double seconds) {
    }

    private final FleetOptions options;
    private final PrintStream out;

    public FleetCommand(FleetOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path dir = options.outputDir();
        Files.createDirectories(dir);
        out.printf(Locale.ROOT, "fleet: %d scenario(s) x %d rate(s) x %d breaker(s), seed %d%s, %d at a time; output %s%n",
                options.scenarios().size(), options.rates().size(), options.breakers().size(), options.seed(),
                options.quick() ? ", quick" : "", options.parallelism(), dir);
        List<RunResult> runs = simulate();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode summary = FleetSummary.build(mapper, options, runs);
        Path summaryJson = dir.resolve("summary.json");
        mapper.writeValue(summaryJson.toFile(), summary);
        if (options.jsonFile() != null) {
            Path parent = options.jsonFile().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(summaryJson, options.jsonFile(), StandardCopyOption.REPLACE_EXISTING);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        ObjectNode report = FleetSummary.report(mapper, summary, runs, Machine.describe(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), elapsed);
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(HtmlReport.FLEET_TEMPLATE, report, new ObjectMapper()));
        printSummary(summary);
        out.println();
        out.println("summary: " + summaryJson);
        if (options.jsonFile() != null) {
            out.println("json:    " + options.jsonFile());
        }
        out.println("report:  " + html);
        elapsed = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "fleet finished in %.1f s%n", elapsed);
        return new Result(dir, summaryJson, html, summary, runs, elapsed);
    }

    /** Every run, in scenario, rate, breaker order, {@link FleetOptions#parallelism()} at a time. */
    private List<RunResult> simulate() throws InterruptedException {
        List<Future<RunResult>> futures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "fleet-run");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Scenario s : options.scenarios()) {
                for (double rps : options.rates()) {
                    for (BreakerModel b : options.breakers()) {
                        futures.add(pool.submit(() -> timed(s, rps, b)));
                    }
                }
            }
            List<RunResult> runs = new ArrayList<>();
            for (Future<RunResult> f : futures) {
                try {
                    runs.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a fleet run failed: " + e.getCause(), e.getCause());
                }
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    private RunResult timed(Scenario s, double rps, BreakerModel b) {
        long t0 = System.nanoTime();
        RunResult r = new FleetRun(s, rps, b, options.parameters(), options.seed()).run();
        synchronized (out) {
            out.printf(Locale.ROOT, "  %-15s %8s rps  %-22s %5.1f s%n", s.name(), rate(rps), b.id(), (System.nanoTime() - t0) / 1e9);
        }
        return r;
    }

    private void printSummary(ObjectNode summary) {
        TextTable t = new TextTable("scenario", "rps", "breaker", "envs", "RU/s peak", "WU/s peak", "throttled",
                "store err", "req/req", "p50 ms", "p99 ms", "trip ms", "99% ms", "open calls", "probes", "false",
                "close ms", "$/M req");
        for (var run : summary.get("runs")) {
            t.row(run.get("scenario").asText(), rate(run.get("rps").asDouble()), run.get("strategy").asText(),
                    v(run, "instancesPeak"), v(run, "itemReadUnitsPeakPerSec"), v(run, "itemWriteUnitsPeakPerSec"),
                    v(run, "throttledRequests"), v(run, "storeErrors"), v(run, "requestsPerUpstreamRequest"),
                    v(run, "addedLatencyP50Ms"), v(run, "addedLatencyP99Ms"), v(run, "tripAfterFirstFailureMs"),
                    v(run, "fleetRejectingAfterFirstFailureMs"), v(run, "downstreamCallsWhileOpen"),
                    v(run, "maxConcurrentProbes"), v(run, "falseTrips"), v(run, "closeAfterFaultEndMs"),
                    v(run, "costUsdPerMillionRequests"));
        }
        out.println();
        out.print(t.render());
        out.println();
        out.println("figures won (alone or tied), over every scenario and rate: " + summary.get("winCounts"));
    }

    private static String v(com.fasterxml.jackson.databind.JsonNode run, String field) {
        var n = run.get(field);
        return n == null || n.isNull() ? "-" : n.asText();
    }

    static String rate(double rps) {
        return rps == Math.rint(rps) ? String.format(Locale.ROOT, "%,d", (long) rps) : Double.toString(rps);
    }

    /** The command line's pieces, for ExperimentsMain. */
    public static FleetOptions options(Map<String, String> flags, Path root, String stamp) {
        boolean quick = flags.containsKey("--quick");
        List<Double> rates = flags.containsKey("--rps") ? FleetOptions.parseRates(flags.get("--rps"))
                : quick ? FleetOptions.QUICK_RATES : FleetOptions.DEFAULT_RATES;
        List<Scenario> scenarios = flags.containsKey("--scenario") ? FleetOptions.parseScenarios(flags.get("--scenario"), quick)
                : FleetOptions.defaultScenarios(quick);
        long seed = FleetOptions.DEFAULT_SEED;
        if (flags.containsKey("--seed")) {
            try {
                seed = Long.parseLong(flags.get("--seed"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed needs a whole number, got '" + flags.get("--seed") + "'");
            }
        }
        Path out = flags.containsKey("--out") ? Path.of(flags.get("--out")) : root.resolve("target/experiments/fleet-" + stamp);
        Path json = flags.containsKey("--json") ? Path.of(flags.get("--json")) : null;
        List<BreakerModel> breakers = new ArrayList<>(FleetOptions.defaultBreakers());
        if (flags.containsKey("--refresh-ms")) {
            breakers.add(1, FleetOptions.circuitLabWithRefresh(flags.get("--refresh-ms")));
        }
        if (flags.containsKey("--circuit-env")) {
            breakers.add(1, FleetOptions.circuitLabWithEnvironment(flags.get("--circuit-env")));
        }
        return new FleetOptions(rates, scenarios, breakers, FleetParameters.defaults(), seed, quick, out, json,
                FleetOptions.defaultParallelism());
    }
}
