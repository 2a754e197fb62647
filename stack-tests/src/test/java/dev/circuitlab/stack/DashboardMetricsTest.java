package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import dev.circuitlab.testing.SigV4Requests;
import dev.circuitlab.local.dashboard.LocalDashboard;
import dev.circuitlab.local.dashboard.MetricKey;
import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.observability.EmfDocument;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.upstream.DownstreamClient;
import dev.circuitlab.upstream.UpstreamComponents;
import dev.circuitlab.upstream.UpstreamConfig;
import dev.circuitlab.upstream.UpstreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every metric that template.yaml's dashboard and alarms name is one the code really emits, with
 * exactly those dimensions, and every metric the code emits is on some dashboard widget.
 *
 * <p>The metrics named are read from the template with the local runtime's resolution (parameter
 * defaults, so {@code ${MetricsNamespace}} and {@code ${CircuitId}} are what the functions get). The
 * metrics emitted are what the functions print as EMF documents while the whole stack runs on the
 * local runtime and is walked through everything that produces a metric: calls succeeding, failing
 * for each reason and being rejected, a trip, a cool-down, a probe, the admin transitions, racing
 * callers (conditional-write conflicts), each fault mode, and — with a second upstream instance whose
 * DynamoDB and downstream are unreachable — state-store errors and the local fallback breaker.
 *
 * <p>Rule for {@code AWS/*} namespaces (AWS/Lambda, AWS/ApiGateway, AWS/DynamoDB): AWS publishes
 * them, not our code, so they are outside both checks. The functions may not publish into
 * {@code AWS/} (the metrics library refuses it), so that cannot hide a metric of ours.
 */
class DashboardMetricsTest {

    /**
     * The walk expects each step's answer at once (the probe 400 ms after a 300 ms cool-down): every
     * call reads the item and every failure writes, with no refresh interval or wake jitter.
     */
    private static final Map<String, String> OVERRIDES = Map.ofEntries(
            Map.entry("EnableFaultInjection", "true"),
            Map.entry("CircuitFailureThreshold", "2"),
            Map.entry("CircuitOpenDurationMs", "300"),
            Map.entry("CircuitSuccessThreshold", "1"),
            Map.entry("CircuitCallTimeoutMs", "1000"),
            Map.entry("CircuitRefreshIntervalMs", "0"),
            Map.entry("CircuitFlushIntervalMs", "0"),
            // Rates set, so calls are counted and the window's rates emitted; far more calls than the
            // walk makes are needed before a rate decides, so the count of 2 still trips as above.
            Map.entry("CircuitFailureRateThreshold", "50"),
            Map.entry("CircuitSlowCallRateThreshold", "90"),
            Map.entry("CircuitSlowCallDurationMs", "900"),
            Map.entry("CircuitMinimumCalls", "100000"));
    private static final int BURST = 8;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every request is signed: the walk uses the IAM routes (faults, circuits, the downstream) too. */
    private SigV4Requests signer;

    @Test
    void everyTemplateMetricIsEmittedAndEveryEmittedMetricIsOnTheDashboard() throws Exception {
        TemplateMetricReferences template = TemplateMetricReferences.load(OVERRIDES);
        Map<MetricKey, List<String>> named = customOnly(template.all());
        assertFalse(named.isEmpty(), "template.yaml's dashboard and alarms name no metric of our own namespace");

        Set<MetricKey> emitted = new TreeSet<>(Comparator.comparing(MetricKey::toString));
        RuntimeOptions options = RuntimeOptions.forProject(StackTemplate.projectRoot(), 0)
                .withParameterOverrides(OVERRIDES)
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false);
        Map<String, String> upstreamEnvironment;
        LocalDashboard dashboard;
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            dashboard = runtime.dashboard();
            upstreamEnvironment = new HashMap<>(runtime.template().function("UpstreamFunction").orElseThrow()
                    .environment());
            signer = new SigV4Requests(runtime.credentials());
            walk(runtime.baseUrl(), dashboard);
            awaitIdle(runtime);
        }
        emitted.addAll(customOnly(dashboard.store().keys()));
        emitted.addAll(storeFailureMetrics(new HashMap<>(upstreamEnvironment)));
        emitted.addAll(staleDecisionMetrics(upstreamEnvironment));

        List<String> problems = new ArrayList<>();
        named.forEach((key, where) -> {
            if (!emitted.contains(key)) {
                String sameName = emitted.stream().filter(e -> e.name().equals(key.name()))
                        .map(MetricKey::toString).collect(Collectors.joining("; "));
                problems.add("not emitted by the code: " + key + ", named by " + String.join(", ", where)
                        + (sameName.isEmpty() ? "" : " (emitted with other namespace/dimensions: " + sameName + ")"));
            }
        });
        Set<MetricKey> onWidgets = template.onDashboards().keySet();
        for (MetricKey key : emitted) {
            if (!onWidgets.contains(key)) {
                problems.add("emitted but on no dashboard widget: " + key);
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " dashboard/metric mismatch(es):\n  " + String.join("\n  ", problems));
        }
    }

    /** Walks the stack through every path that emits a metric. */
    private void walk(String base, LocalDashboard dashboard) throws Exception {
        expect(200, send(base, "GET", "/downstream", null)); // a warm downstream: its cold start is no timeout
        expect(200, send(base, "GET", "/upstream", null));
        expect(200, send(base, "GET", "/upstream", null));
        // Trip: two failures (threshold 2), then a rejection while OPEN.
        expect(200, send(base, "PUT", "/faults", "{\"mode\":\"error\",\"probability\":1}"));
        expect(502, send(base, "GET", "/upstream", null));
        expect(502, send(base, "GET", "/upstream", null));
        expect(503, send(base, "GET", "/upstream", null));
        // Cool-down (300 ms), then a successful probe closes it (success threshold 1).
        expect(200, send(base, "DELETE", "/faults", null));
        Thread.sleep(400);
        expect(200, send(base, "GET", "/upstream", null));
        // One failure per fault mode; latency and timeout outlast the 1 s call timeout.
        for (String fault : List.of("{\"mode\":\"throttle\"}", "{\"mode\":\"unavailable\"}",
                "{\"mode\":\"latency\",\"latencyMs\":1300}", "{\"mode\":\"timeout\",\"latencyMs\":1300}")) {
            expect(200, send(base, "PUT", "/faults", fault));
            HttpResponse<String> r = send(base, "GET", "/upstream", null);
            assertTrue(r.statusCode() >= 500, fault + ": the upstream reports the failure, got " + r.statusCode());
            expect(200, send(base, "POST", "/circuits/downstream/reset", null));
        }
        // Admin transitions.
        expect(200, send(base, "POST", "/circuits/downstream/force-open", null));
        expect(200, send(base, "POST", "/circuits/downstream/disable", null));
        expect(200, send(base, "POST", "/circuits/downstream/reset", null));
        // Racing callers: concurrent failures contend for the same conditional writes (bursts until one
        // lost a race; the metric itself is still checked against the template below).
        expect(200, send(base, "PUT", "/faults", "{\"mode\":\"error\",\"probability\":1}"));
        for (int round = 0; round < 15 && !emittedName(dashboard, "ConditionalWriteConflicts"); round++) {
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burst.add(http.sendAsync(request(base, "GET", "/upstream", null), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).join();
            expect(200, send(base, "POST", "/circuits/downstream/reset", null));
        }
        expect(200, send(base, "DELETE", "/faults", null));
    }

    private static boolean emittedName(LocalDashboard dashboard, String name) {
        return dashboard.store().keys().stream().anyMatch(k -> k.name().equals(name));
    }

    /** Waits (bounded) until no function is running, so every invocation has published its document. */
    private static void awaitIdle(LocalRuntime runtime) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean busy = false;
            for (ExecutionEnvironmentPool pool : runtime.lambdas().pools()) {
                busy |= pool.metrics().concurrentExecutions() > 0;
            }
            if (!busy) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /**
     * A second upstream instance, built as the runtime builds handlers, but with DynamoDB and the
     * downstream unreachable: store errors (the breaker falls back to its in-memory breaker, whose
     * transitions are LocalTransitions) and connection failures. Its stdout is captured and read as
     * CloudWatch would read it.
     */
    private static Set<MetricKey> storeFailureMetrics(Map<String, String> environment) {
        environment.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:1");
        environment.put("DOWNSTREAM_URL", "http://127.0.0.1:1");
        return emittedBy(() -> {
            UpstreamHandler handler = UpstreamHandler.fromEnvironment(environment);
            for (int i = 0; i < 4; i++) {
                handler.handleRequest(getUpstream("store-down-" + i), null);
            }
        });
    }

    /**
     * An upstream whose state refreshes fail after its first read (a throttled item): it decides from
     * its copy (StaleDecisions). Built from the function's environment with a 5 s refresh interval, a
     * store whose eventually consistent reads fail after the first, and a downstream that answers 200.
     */
    private static Set<MetricKey> staleDecisionMetrics(Map<String, String> functionEnvironment) {
        Map<String, String> environment = new HashMap<>(functionEnvironment);
        environment.put("CIRCUIT_REFRESH_INTERVAL_MS", "5000");
        MutableClock clock = MutableClock.startingNow();
        InMemoryCircuitStateStore memory = new InMemoryCircuitStateStore();
        java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
        CircuitStateStore throttledAfterFirstRead = (CircuitStateStore) java.lang.reflect.Proxy.newProxyInstance(
                CircuitStateStore.class.getClassLoader(), new Class<?>[] {CircuitStateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("loadRecent") && refreshes.incrementAndGet() > 1) {
                        throw new CircuitStateStoreException("GetItem throttled (injected)", null);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DownstreamClient healthy = (headers, timeout) ->
                new DownstreamClient.DownstreamResponse(200, "application/json", "{\"ok\":true}");
        return emittedBy(() -> {
            // The embedding components publish to stdout in the default namespace, the template's default too.
            UpstreamHandler handler = new UpstreamHandler(UpstreamComponents.of(
                    UpstreamConfig.fromEnvironment(environment), throttledAfterFirstRead, healthy, clock));
            handler.handleRequest(getUpstream("fresh-copy"), null);
            clock.advance(Duration.ofSeconds(6)); // the copy is due for a refresh, which fails
            handler.handleRequest(getUpstream("stale-copy"), null);
        });
    }

    /** The metrics of the EMF documents {@code run} prints to stdout, read as CloudWatch would read them. */
    private static Set<MetricKey> emittedBy(Runnable run) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setOut(original);
        }
        return customOnly(captured.toString(StandardCharsets.UTF_8).lines()
                .flatMap(line -> EmfDocument.parse(line).stream())
                .flatMap(doc -> doc.metrics().stream())
                .map(m -> new MetricKey(m.namespace(), m.name(), m.dimensions()))
                .collect(Collectors.toSet()));
    }

    private static APIGatewayV2HTTPEvent getUpstream(String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath("/upstream")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("GET").withPath("/upstream").build())
                        .build())
                .build();
    }

    private static <V> Map<MetricKey, V> customOnly(Map<MetricKey, V> metrics) {
        Map<MetricKey, V> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (!k.isAwsNamespace()) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Set<MetricKey> customOnly(Set<MetricKey> metrics) {
        return metrics.stream().filter(k -> !k.isAwsNamespace()).collect(Collectors.toSet());
    }

    private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
        return http.send(request(base, method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String base, String method, String path, String body) {
        return signer.json(method, URI.create(base + path), body).timeout(Duration.ofSeconds(20)).build();
    }

    private static void expect(int status, HttpResponse<String> r) {
        if (r.statusCode() != status) {
            fail(r.request().method() + " " + r.uri().getPath() + " -> " + r.statusCode() + " (expected " + status
                    + "): " + r.body());
        }
    }
}
