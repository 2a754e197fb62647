package dev.circuitlab.experiments.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.experiments.report.Machine;
import dev.circuitlab.experiments.report.TextTable;
import dev.circuitlab.experiments.scenario.ScenarioAnalysis;
import dev.circuitlab.local.template.FunctionDefinition;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.ResolvedTemplate;
import dev.circuitlab.local.template.SamTemplate;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@code ./lab bench}: the breaker's costs and guarantees as numbers. DynamoDB requests per
 * upstream request by state, fail-fast latency in OPEN, downstream calls while OPEN, probes
 * admitted in HALF_OPEN under 50 concurrent callers (20 repetitions), cold starts in fresh JVMs,
 * deployment artifact sizes, and the in-process decision throughput (JMH). Prints a summary with
 * PASS/FAIL lines and writes {@code target/experiments/bench-<ts>.json}.
 */
public final class BenchCommand {

    static final int CALLERS = 50;
    static final int REPETITIONS = 20;
    static final int COLD_START_SAMPLES = 7;
    /** Rounds pinned to one CPU: what the cold starts cost without a second core to spread over. */
    static final int ONE_CPU_SAMPLES = 5;
    /** Profiled cold starts per function for the breakdown by stage (not among the timed samples). */
    static final int BREAKDOWN_RUNS = 3;
    /** The largest zip the functions may have: the upstream's cold start grows with its artifact. */
    static final double MAX_ZIP_MB = 9.0;

    private final BenchOptions options;
    private final PrintStream out;

    public BenchCommand(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** @return whether every check passed */
    public boolean run() throws Exception {
        long start = System.nanoTime();
        Path root = options.projectRoot();
        Files.createDirectories(options.jsonOut().toAbsolutePath().getParent());
        boolean quick = options.quick();
        int reps = quick ? 3 : REPETITIONS;
        out.println("bench: dynalite, in-process upstream handler with a counting DynamoDB client"
                + (quick ? " (quick mode: fewer samples)" : ""));

        RequestCostBench.Result cost;
        List<HalfOpenProbeBench.Result> probes = new ArrayList<>();
        List<FunctionArtifacts.Function> functions;
        List<FunctionArtifacts.Size> sizes = new ArrayList<>();
        List<ColdStartBench.Result> cold = List.of();
        Map<String, Double> seconds = new LinkedHashMap<>();
        try (DynaliteServer dynalite = DynaliteServer.start(root);
             DynamoDbClient admin = DynamoDbEndpoint.clientBuilder(dynalite.endpoint()).build()) {
            ResolvedTemplate template = SamTemplate.load(root.resolve("template.yaml"))
                    .resolve(new LocalBindings(Map.of(), "http://127.0.0.1:9", Map.of()));
            String circuitTable = tableName(template, "CircuitStateTable");
            admin.createTable(DynamoDbCircuitStateStore.createTableRequest(circuitTable));
            seedCircuitItem(admin, circuitTable, template);
            admin.createTable(hashKeyTable(tableName(template, "FaultConfigTable"), "faultId"));

            long t = System.nanoTime();
            cost = quietly(() -> new RequestCostBench(dynalite.endpoint(), circuitTable, quick).run());
            seconds.put("requestCost", since(t));
            out.printf(Locale.ROOT, "bench: request costs by state done (%.1f s)%n", since(t));

            t = System.nanoTime();
            HalfOpenProbeBench half = new HalfOpenProbeBench(dynalite.endpoint(), circuitTable);
            for (int configured : new int[] {1, 3}) {
                probes.add(quietly(() -> half.run(configured, CALLERS, reps)));
            }
            seconds.put("halfOpenProbes", since(t));
            out.printf(Locale.ROOT, "bench: HALF_OPEN probes, %d callers x %d repetitions done (%.1f s)%n", CALLERS, reps, since(t));

            t = System.nanoTime();
            Map<String, String> modules = new LinkedHashMap<>();
            for (FunctionDefinition fn : template.functions().values()) {
                modules.put(fn.logicalId(), fn.codeUri());
            }
            functions = new ArrayList<>(FunctionArtifacts.resolve(root, modules, out));
            FunctionArtifacts.resolveReference(root, out).ifPresent(functions::add);
            for (FunctionArtifacts.Function f : functions) {
                sizes.add(FunctionArtifacts.size(f));
            }
            seconds.put("artifacts", since(t));

            t = System.nanoTime();
            cold = new ColdStartBench(root, dynalite.endpoint()).run(functions, quick ? 1 : COLD_START_SAMPLES,
                    quick ? 0 : ONE_CPU_SAMPLES, quick ? 1 : BREAKDOWN_RUNS);
            seconds.put("coldStart", since(t));
            out.printf(Locale.ROOT, "bench: cold starts done (%.1f s)%n", since(t));
        }

        long t = System.nanoTime();
        Path jmhLog = options.jsonOut().resolveSibling(options.jsonOut().getFileName().toString().replace(".json", "-jmh.txt"));
        List<JmhBench.Score> jmh = JmhBench.run(jmhLog, quick);
        seconds.put("jmh", since(t));
        out.printf(Locale.ROOT, "bench: JMH done (%.1f s)%n", since(t));

        double elapsed = since(start);
        List<ScenarioAnalysis.Check> checks = checks(cost, probes, elapsed);
        checks.addAll(startupChecks(cold, sizes));
        ObjectNode json = json(cost, probes, sizes, cold, jmh, checks, seconds, elapsed, jmhLog);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.jsonOut().toFile(), json);
        printSummary(cost, probes, sizes, cold, jmh, checks, elapsed);
        return checks.stream().allMatch(ScenarioAnalysis.Check::pass);
    }

    /**
     * The cold starts' circuit as a deployed one usually is: an item that exists (a CLOSED circuit
     * that has counted a failure), so a cold start's first read maps a real item, as the reference
     * handler's reads one. Other sections use circuits of their own.
     */
    private static void seedCircuitItem(DynamoDbClient admin, String table, ResolvedTemplate template) {
        String circuitId = template.function("UpstreamFunction").map(f -> f.environment().get("CIRCUIT_ID"))
                .orElse("downstream");
        long now = System.currentTimeMillis();
        CircuitBreakerConfig defaults = CircuitBreakerConfig.defaults();
        CircuitSnapshot seen = CircuitSnapshot.builder(circuitId).state(CircuitState.CLOSED)
                .recentFailures(Map.of(defaults.windowBucketStart(now - 60_000), 1L)).version(1).updatedAt(now).build();
        if (!new DynamoDbCircuitStateStore(admin, table).replace(0, seen)) {
            throw new IllegalStateException("could not seed circuit " + circuitId + " in " + table);
        }
    }

    static List<ScenarioAnalysis.Check> checks(RequestCostBench.Result cost, List<HalfOpenProbeBench.Result> probes,
                                               double elapsed) {
        List<ScenarioAnalysis.Check> checks = new ArrayList<>();
        RequestCostBench.Cost healthy = cost.costs().get(0);
        checks.add(new ScenarioAnalysis.Check("healthy.no-cache", "healthy CLOSED, refresh interval 0: exactly 1 DynamoDB read and 0 writes per request",
                healthy.reads() == healthy.requests() && healthy.writes() == 0,
                healthy.reads() + " reads, " + healthy.writes() + " writes for " + healthy.requests() + " requests"));
        RequestCostBench.CacheCost c = cost.cache();
        checks.add(new ScenarioAnalysis.Check("healthy.cache", "healthy CLOSED, refresh interval on: at most 1 read per interval per environment",
                c.reads() <= c.periods() * c.environments() && c.writes() == 0,
                String.format(Locale.ROOT, "%d reads, %d writes for %d requests over %d ms in %d environments, refresh %d ms (%.2f reads per environment per interval)",
                        c.reads(), c.writes(), c.requests(), c.spanMs(), c.environments(), c.cacheMs(), c.readsPerEnvironmentPerPeriod())));
        for (RequestCostBench.Cost k : cost.costs()) {
            if (k.state().equals("OPEN")) {
                checks.add(new ScenarioAnalysis.Check("open.cost", "OPEN: a rejected call costs at most 1 read, no write, no downstream call",
                        k.reads() <= k.requests() && k.writes() == 0 && k.downstreamCalls() == 0,
                        k.reads() + " reads, " + k.writes() + " writes, " + k.downstreamCalls() + " downstream calls for " + k.requests() + " requests"));
            }
        }
        double p99 = cost.openLatency().p99();
        checks.add(new ScenarioAnalysis.Check("open.fail-fast", "OPEN, refresh 0: fail-fast p99 <= 5% of the call timeout (in-process handler, dynalite read)",
                p99 <= ScenarioAnalysis.FAST_SHARE * cost.callTimeoutMs(),
                String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms = %.2f%% of %d ms", cost.openLatency().p50(), p99,
                        100 * p99 / cost.callTimeoutMs(), cost.callTimeoutMs())));
        checks.add(new ScenarioAnalysis.Check("open.fail-fast.default", "OPEN, default refresh interval: fail-fast p99 <= 1 ms, no read",
                cost.openLatencyDefault().p99() <= 1.0 && cost.openReadsDefault() == 0,
                String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, %d reads for %d requests", cost.openLatencyDefault().p50(),
                        cost.openLatencyDefault().p99(), cost.openReadsDefault(), cost.openRequestsDefault())));
        for (HalfOpenProbeBench.Result r : probes) {
            checks.add(new ScenarioAnalysis.Check("half-open." + r.configuredProbes(),
                    "HALF_OPEN, " + r.callers() + " concurrent callers: admitted probes <= " + r.configuredProbes()
                            + " in each of " + r.repetitions() + " repetitions",
                    r.withinLimitEveryTime() && r.repetitions() == r.admitted().size(),
                    "admitted per repetition: min " + r.min() + ", max " + r.max() + " " + r.admitted()));
        }
        checks.add(new ScenarioAnalysis.Check("duration", "bench finished within 3 minutes", elapsed <= 180,
                String.format(Locale.ROOT, "%.1f s (JVM start and build not included)", elapsed)));
        return checks;
    }

    /**
     * The functions against the reference handler: cold start (init + first invoke, medians of the
     * same rounds) and zip size. Timings on a shared machine are noisy: the detail gives the spread.
     */
    static List<ScenarioAnalysis.Check> startupChecks(List<ColdStartBench.Result> cold, List<FunctionArtifacts.Size> sizes) {
        List<ScenarioAnalysis.Check> checks = new ArrayList<>();
        ColdStartBench.Result reference = cold.stream()
                .filter(r -> r.logicalId().equals(FunctionArtifacts.REFERENCE)).findFirst().orElse(null);
        if (reference != null) {
            for (ColdStartBench.Result r : cold) {
                if (r == reference) {
                    continue;
                }
                double ratio = r.median(ColdStartBench.Sample::totalMs) / reference.median(ColdStartBench.Sample::totalMs);
                checks.add(new ScenarioAnalysis.Check("cold-start." + r.logicalId(),
                        r.logicalId() + " cold start (init + first invoke) <= the reference handler's",
                        ratio <= 1.0,
                        String.format(Locale.ROOT, "%.2f = %s / %s (medians of %d; per-round ratios %s; request thread CPU %.2f)%s",
                                ratio, spread(r), spread(reference), r.samples().size(), roundRatios(r, reference),
                                r.median(ColdStartBench.Sample::mainCpuMs) / reference.median(ColdStartBench.Sample::mainCpuMs),
                                r.oneCpu().isEmpty() || reference.oneCpu().isEmpty() ? ""
                                        : String.format(Locale.ROOT, "; pinned to one CPU %.2f", r.oneCpuMedian(ColdStartBench.Sample::totalMs)
                                        / reference.oneCpuMedian(ColdStartBench.Sample::totalMs)))));
            }
        }
        FunctionArtifacts.Size referenceSize = sizes.stream()
                .filter(s -> s.logicalId().equals(FunctionArtifacts.REFERENCE)).findFirst().orElse(null);
        for (FunctionArtifacts.Size s : sizes) {
            if (s == referenceSize) {
                continue;
            }
            checks.add(new ScenarioAnalysis.Check("zip." + s.logicalId(),
                    s.logicalId() + " zip <= " + MAX_ZIP_MB + " MB", s.zipBytes() / 1e6 <= MAX_ZIP_MB,
                    String.format(Locale.ROOT, "%.2f MB, %d jars (reference handler: %s)", s.zipBytes() / 1e6, s.jars(),
                            referenceSize == null ? "not measured"
                                    : String.format(Locale.ROOT, "%.2f MB, %d jars", referenceSize.zipBytes() / 1e6,
                                    referenceSize.jars()))));
        }
        return checks;
    }

    /** "1234 ms [1100-1400]": median and min-max of init + first invoke. */
    static String spread(ColdStartBench.Result r) {
        return String.format(Locale.ROOT, "%.0f ms [%.0f-%.0f]", r.median(ColdStartBench.Sample::totalMs),
                r.min(ColdStartBench.Sample::totalMs), r.max(ColdStartBench.Sample::totalMs));
    }

    /** Min-max of the ratio within each round (the samples of one round ran back to back). */
    private static String roundRatios(ColdStartBench.Result r, ColdStartBench.Result reference) {
        int n = Math.min(r.samples().size(), reference.samples().size());
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double ratio = r.samples().get(i).totalMs() / reference.samples().get(i).totalMs();
            min = Math.min(min, ratio);
            max = Math.max(max, ratio);
        }
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.2f-%.2f", min, max);
    }

    private void printSummary(RequestCostBench.Result cost, List<HalfOpenProbeBench.Result> probes,
                              List<FunctionArtifacts.Size> sizes, List<ColdStartBench.Result> cold,
                              List<JmhBench.Score> jmh, List<ScenarioAnalysis.Check> checks, double elapsed) {
        out.println();
        TextTable costs = new TextTable("state", "request", "requests", "reads/req", "writes/req", "downstream/req");
        for (RequestCostBench.Cost k : cost.costs()) {
            costs.row(k.state(), k.what(), k.requests(), f2(k.readsPerRequest()), f2(k.writesPerRequest()), f2(k.downstreamPerRequest()));
        }
        RequestCostBench.CacheCost c = cost.cache();
        costs.row("CLOSED", "healthy, refresh interval " + c.cacheMs() + " ms, " + c.environments() + " environments", c.requests(),
                f2((double) c.reads() / c.requests()), f2((double) c.writes() / c.requests()), "1.00");
        out.println("DynamoDB requests per upstream request (CountingInterceptor on the handler's client):");
        out.print(costs.render());
        out.printf(Locale.ROOT, "  refresh interval: %.2f reads per environment per %d ms%n%n", c.readsPerEnvironmentPerPeriod(), c.cacheMs());

        out.printf(Locale.ROOT, "Fail-fast in OPEN (%d requests, in-process), refresh 0: p50 %.2f ms, p99 %.2f ms = %.2f%% of the %d ms call timeout; downstream calls %d%n",
                cost.openRequests(), cost.openLatency().p50(), cost.openLatency().p99(),
                100 * cost.openLatency().p99() / cost.callTimeoutMs(), cost.callTimeoutMs(), cost.openDownstreamCalls());
        out.printf(Locale.ROOT, "Fail-fast in OPEN (%d requests, in-process), default refresh interval: p50 %.3f ms, p99 %.3f ms, %d reads%n%n",
                cost.openRequestsDefault(), cost.openLatencyDefault().p50(), cost.openLatencyDefault().p99(), cost.openReadsDefault());
        out.printf(Locale.ROOT, "Healthy request, in-process, breaker on (defaults) / off, interleaved: p50 %.3f / %.3f ms"
                        + " (+%.3f ms, %.2fx), p99 %.3f / %.3f ms%n%n", cost.healthyOn().p50(), cost.healthyOff().p50(),
                cost.healthyOn().p50() - cost.healthyOff().p50(), cost.healthyOn().p50() / cost.healthyOff().p50(),
                cost.healthyOn().p99(), cost.healthyOff().p99());

        TextTable half = new TextTable("configured probes", "callers", "repetitions", "admitted min", "admitted max");
        probes.forEach(r -> half.row(r.configuredProbes(), r.callers(), r.repetitions(), r.min(), r.max()));
        out.println("HALF_OPEN single-flight:");
        out.print(half.render());
        out.println();

        TextTable cs = new TextTable("function", "init ms", "first invoke ms", "init + invoke ms [min-max]", "CPU ms",
                "request thread CPU ms", "classes loaded", "1 CPU: init + invoke ms", "samples");
        cold.forEach(r -> cs.row(r.logicalId(), f1(r.median(ColdStartBench.Sample::initMs)), f1(r.median(ColdStartBench.Sample::invokeMs)),
                spread(r), f0(r.median(ColdStartBench.Sample::cpuMs)), f0(r.median(ColdStartBench.Sample::mainCpuMs)),
                f0(r.median(s -> s.classes())),
                r.oneCpu().isEmpty() ? "-" : f0(r.oneCpuMedian(ColdStartBench.Sample::totalMs)) + " (" + r.oneCpu().size() + ")",
                r.samples().size()));
        out.println("Cold start, fresh JVM per sample, functions and reference in rounds (medians; CPU: all threads; request thread: the one that constructs and invokes):");
        out.print(cs.render());
        out.println();
        printBreakdown(cold);

        TextTable as = new TextTable("function", "zip MB", "unzipped MB", "jars", "own classes KB");
        sizes.forEach(s -> as.row(s.logicalId(), f2(s.zipBytes() / 1e6), f2(s.unzippedBytes() / 1e6), s.jars(), f1(s.classesBytes() / 1e3)));
        out.println("Deployment artifacts (classes + lib/*.jar, as sam build packages them):");
        out.print(sizes.isEmpty() ? "  (not measured: the functions' classpaths could not be resolved)\n" : as.render());
        out.println();

        TextTable js = new TextTable("JMH, in-memory store, 1 thread", "ops/s", "iterations min - max", "ns/op");
        jmh.forEach(s -> js.row(s.benchmark(), String.format(Locale.ROOT, "%,.0f", s.opsPerSecond()),
                String.format(Locale.ROOT, "%,.0f - %,.0f", s.min(), s.max()), f1(s.nanosPerOp())));
        out.print(js.render());
        out.println();
        for (ScenarioAnalysis.Check ch : checks) {
            out.println((ch.pass() ? "PASS " : "FAIL ") + ch.description() + " -- " + ch.detail());
        }
        out.println();
        out.println("figures: " + options.jsonOut());
        out.printf(Locale.ROOT, "bench finished in %.1f s%n", elapsed);
    }

    /**
     * Time by phase and stage (one column per function), then the classes the cold start loaded by
     * the library they come from.
     */
    private void printBreakdown(List<ColdStartBench.Result> cold) {
        if (cold.isEmpty() || cold.get(0).breakdownRuns() == 0) {
            return;
        }
        List<String> header = new ArrayList<>(List.of("phase", "stage"));
        cold.forEach(r -> header.add(r.logicalId() + " ms"));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (StartupProfile.Phase phase : StartupProfile.Phase.values()) {
            for (StartupProfile.Stage stage : StartupProfile.Stage.values()) {
                List<Object> row = new ArrayList<>(List.of(phase.name().toLowerCase(Locale.ROOT).replace('_', '-'), stage.label));
                boolean any = false;
                for (ColdStartBench.Result r : cold) {
                    ColdStartBench.Stage cell = r.breakdown().stream()
                            .filter(c -> c.phase().equals(phase.name()) && c.stage().equals(stage.name())).findFirst().orElse(null);
                    any |= cell != null && cell.medianMs() >= 0.5;
                    row.add(cell == null ? "-" : f1(cell.medianMs()));
                }
                if (any) {
                    table.row(row.toArray());
                }
            }
        }
        out.println("Start-up breakdown: where the request thread's time goes (and the warm-up thread's, where one runs);"
                + " stacks sampled every ms, medians of " + cold.get(0).breakdownRuns() + " profiled runs:");
        out.print(table.render());
        out.println();

        List<String> libraries = cold.stream().flatMap(r -> r.libraries().keySet().stream()).distinct()
                .sorted(java.util.Comparator.comparingDouble((String lib) -> -cold.stream()
                        .mapToDouble(r -> r.libraries().getOrDefault(lib, 0.0)).max().orElse(0)))
                .toList();
        List<String> columns = new ArrayList<>(List.of("classes loaded from"));
        cold.forEach(r -> columns.add(r.logicalId()));
        TextTable byLibrary = new TextTable(columns.toArray(String[]::new));
        for (String lib : libraries) {
            List<Object> row = new ArrayList<>(List.of(lib));
            cold.forEach(r -> row.add(f0(r.libraries().getOrDefault(lib, 0.0))));
            byLibrary.row(row.toArray());
        }
        List<Object> total = new ArrayList<>(List.of("total"));
        cold.forEach(r -> total.add(f0(r.libraries().values().stream().mapToDouble(Double::doubleValue).sum())));
        byLibrary.row(total.toArray());
        out.println("Classes the cold start loaded (construction and first invocation, all threads), by library"
                + " (a lambda counts for the library that defines it):");
        out.print(byLibrary.render());
        out.println();
    }

    private ObjectNode json(RequestCostBench.Result cost, List<HalfOpenProbeBench.Result> probes,
                            List<FunctionArtifacts.Size> sizes, List<ColdStartBench.Result> cold, List<JmhBench.Score> jmh,
                            List<ScenarioAnalysis.Check> checks, Map<String, Double> seconds, double elapsed, Path jmhLog) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("kind", "circuit-breaker-lab/bench");
        root.put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("command", "./lab bench" + (options.quick() ? " --quick" : ""));
        root.set("machine", m.valueToTree(Machine.describe()));
        ArrayNode costs = root.putArray("dynamoDbRequestsPerUpstreamRequest");
        for (RequestCostBench.Cost k : cost.costs()) {
            ObjectNode n = costs.addObject();
            n.put("state", k.state());
            n.put("request", k.what());
            n.put("requests", k.requests());
            n.put("reads", k.reads());
            n.put("writes", k.writes());
            n.put("downstreamCalls", k.downstreamCalls());
            n.put("readsPerRequest", k.readsPerRequest());
            n.put("writesPerRequest", k.writesPerRequest());
        }
        root.set("refreshInterval", m.valueToTree(cost.cache()));
        root.with("refreshInterval").put("readsPerEnvironmentPerPeriod", cost.cache().readsPerEnvironmentPerPeriod());
        ObjectNode ff = root.putObject("failFastInOpen");
        ff.put("requests", cost.openRequests());
        ff.put("p50Ms", cost.openLatency().p50());
        ff.put("p90Ms", cost.openLatency().p90());
        ff.put("p99Ms", cost.openLatency().p99());
        ff.put("maxMs", cost.openLatency().max());
        ff.put("callTimeoutMs", cost.callTimeoutMs());
        ff.put("p99OfCallTimeout", cost.openLatency().p99() / cost.callTimeoutMs());
        ff.put("downstreamCalls", cost.openDownstreamCalls());
        ff.put("refreshIntervalMs", 0);
        ObjectNode ffDefault = root.putObject("failFastDefaultRefresh");
        ffDefault.put("requests", cost.openRequestsDefault());
        ffDefault.put("p50Ms", cost.openLatencyDefault().p50());
        ffDefault.put("p99Ms", cost.openLatencyDefault().p99());
        ffDefault.put("reads", cost.openReadsDefault());
        ObjectNode healthy = root.putObject("healthyBreakerOnOff");
        healthy.put("onP50Ms", cost.healthyOn().p50());
        healthy.put("offP50Ms", cost.healthyOff().p50());
        healthy.put("onP99Ms", cost.healthyOn().p99());
        healthy.put("offP99Ms", cost.healthyOff().p99());
        healthy.put("p50Ratio", cost.healthyOn().p50() / cost.healthyOff().p50());
        ArrayNode half = root.putArray("halfOpenProbes");
        for (HalfOpenProbeBench.Result r : probes) {
            ObjectNode n = m.valueToTree(r);
            n.put("min", r.min());
            n.put("max", r.max());
            half.add(n);
        }
        ArrayNode cs = root.putArray("coldStart");
        for (ColdStartBench.Result r : cold) {
            ObjectNode n = cs.addObject();
            n.put("function", r.logicalId());
            n.put("handler", r.handlerClass());
            n.put("event", r.event());
            n.put("classpath", r.classpathKind());
            n.put("initMedianMs", r.median(ColdStartBench.Sample::initMs));
            n.put("firstInvokeMedianMs", r.median(ColdStartBench.Sample::invokeMs));
            n.put("initPlusInvokeMedianMs", r.median(ColdStartBench.Sample::totalMs));
            n.put("initPlusInvokeMinMs", r.min(ColdStartBench.Sample::totalMs));
            n.put("initPlusInvokeMaxMs", r.max(ColdStartBench.Sample::totalMs));
            n.put("classesLoadedMedian", r.median(s -> s.classes()));
            n.put("cpuMedianMs", r.median(ColdStartBench.Sample::cpuMs));
            n.put("requestThreadCpuMedianMs", r.median(ColdStartBench.Sample::mainCpuMs));
            n.put("oneCpuInitPlusInvokeMedianMs", r.oneCpu().isEmpty() ? Double.NaN : r.oneCpuMedian(ColdStartBench.Sample::totalMs));
            n.set("oneCpuSamples", m.valueToTree(r.oneCpu()));
            n.put("jvmStartToDoneMedianMs", r.median(s -> s.jvmToReadyMs()));
            n.set("samples", m.valueToTree(r.samples()));
            n.put("breakdownRuns", r.breakdownRuns());
            n.set("breakdown", m.valueToTree(r.breakdown()));
            n.set("classesByLibrary", m.valueToTree(r.libraries()));
        }
        root.set("artifacts", m.valueToTree(sizes));
        root.set("jmh", m.valueToTree(jmh));
        root.put("jmhLog", jmhLog.toString());
        root.set("sectionSeconds", m.valueToTree(seconds));
        root.set("checks", m.valueToTree(checks));
        root.put("durationSeconds", Math.round(elapsed * 10) / 10.0);
        return root;
    }

    private static String tableName(ResolvedTemplate template, String logicalId) {
        return template.tables().stream().filter(t -> t.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml has no " + logicalId)).tableName();
    }

    private static CreateTableRequest hashKeyTable(String name, String key) {
        return CreateTableRequest.builder().tableName(name)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(key).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).build();
    }

    interface Section<T> {
        T run() throws Exception;
    }

    /** The handler logs every request and metric to stdout; the bench discards them while it runs. */
    static <T> T quietly(Section<T> section) throws Exception {
        PrintStream saved = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return section.run();
        } finally {
            System.setOut(saved);
        }
    }

    private static double since(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
