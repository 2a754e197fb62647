package dev.circuitlab.upstream;

import dev.circuitlab.testing.TestLambdaContext;
import dev.circuitlab.testing.MutableClock;
import static dev.circuitlab.upstream.HttpApiEvents.header;
import static dev.circuitlab.upstream.HttpApiEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.observability.EmfDocument;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The EMF documents and log lines the upstream emits, captured from the handler: which metrics,
 * with which dimensions, in which namespace, and that a failing metrics sink changes no answer.
 * The downstream is a scripted {@link DownstreamClient} (each outcome, including a timeout, without
 * waiting for one); the circuit lives in a real DynamoDB-API server; cool-downs use an injected clock.
 */
@ExtendWith(DynamoDbExtension.class)
class UpstreamMetricsTest {

    private static final String NAMESPACE = "CircuitBreakerLabTest";
    private static final Duration OPEN = Duration.ofSeconds(10);
    /** Fixed, so that two runs of one scenario answer byte for byte alike (snapshots carry times). */
    private static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    private static DynamoDbEndpoint endpoint;
    private static DynamoDbClient client;
    private static String table;

    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final ScriptedDownstream downstream = new ScriptedDownstream();
    private final AtomicInteger requestIds = new AtomicInteger();
    private MutableClock clock;
    private String circuitId;

    /** Answers with the status set last, or throws the failure set last. */
    private static final class ScriptedDownstream implements DownstreamClient {
        private volatile int status = 200;
        private volatile IOException failure;

        void answer(int status) {
            this.status = status;
            this.failure = null;
        }

        void fail(IOException failure) {
            this.failure = failure;
        }

        @Override
        public DownstreamResponse fetch(Map<String, String> headers, Duration timeout) throws IOException {
            IOException f = failure;
            if (f != null) {
                throw f;
            }
            return new DownstreamResponse(status, "application/json", "{\"item\":{\"id\":\"sku-1\"},\"status\":"
                    + status + "}");
        }
    }

    @BeforeAll
    static void createTable(DynamoDbEndpoint dynamo) {
        endpoint = dynamo;
        client = dynamo.client();
        table = DynamoDbEndpoint.uniqueTableName("metrics");
        client.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @AfterAll
    static void dropTable() {
        client.deleteTable(b -> b.tableName(table));
        client.close();
    }

    @BeforeEach
    void start() {
        clock = new MutableClock(START);
        circuitId = "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UpstreamHandler handler(String tableName, java.util.function.Consumer<String> metricSink,
                                    String... envOverrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, tableName,
                UpstreamConfig.DOWNSTREAM_URL, "http://127.0.0.1:9",
                UpstreamConfig.CIRCUIT_ID, circuitId,
                CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, "3",
                CircuitBreakerConfig.ENV_OPEN_DURATION_MS, Long.toString(OPEN.toMillis()),
                CircuitBreakerConfig.ENV_SUCCESS_THRESHOLD, "2",
                // A per-instance cache of CLOSED: a second instance then decides on a stale read,
                // which is how a conditional-write conflict happens in a real fleet.
                CircuitBreakerConfig.ENV_REFRESH_INTERVAL_MS, "60000"));
        env.put(CircuitBreakerConfig.ENV_FLUSH_INTERVAL_MS, "0"); // each failure written at once, as the test counts them
        for (int i = 0; i + 1 < envOverrides.length; i += 2) {
            env.put(envOverrides[i], envOverrides[i + 1]);
        }
        UpstreamConfig config = UpstreamConfig.fromEnvironment(env);
        return TestHandlers.upstream(config, new DynamoDbCircuitStateStore(client, tableName), downstream, clock,
                logLines::add, NAMESPACE, metricSink);
    }

    private UpstreamHandler handler(String... envOverrides) {
        return handler(table, metricLines::add, envOverrides);
    }

    private APIGatewayV2HTTPResponse call(UpstreamHandler handler, String method, String path) {
        String requestId = "req-" + requestIds.incrementAndGet();
        return handler.handleRequest(request(method, path), new TestLambdaContext(requestId));
    }

    private APIGatewayV2HTTPResponse get(UpstreamHandler handler) {
        return call(handler, "GET", "/upstream");
    }

    private List<EmfDocument> documents() {
        List<EmfDocument> docs = new ArrayList<>();
        for (String line : metricLines) {
            docs.add(EmfDocument.parse(line).orElseThrow(() -> new AssertionError("not an EMF document: " + line)));
        }
        return docs;
    }

    /** Every document: our namespace, exactly one dimension set {CircuitId}, a request id. */
    private List<EmfDocument> checkedDocuments() {
        List<EmfDocument> docs = documents();
        for (int i = 0; i < docs.size(); i++) {
            EmfDocument doc = docs.get(i);
            assertEquals(Set.of(NAMESPACE), doc.namespaces());
            for (EmfDocument.Metric m : doc.metrics()) {
                assertEquals(Map.of("CircuitId", circuitId), m.dimensions(), () -> m.name() + " dimensions");
            }
            assertTrue(doc.property("requestId").orElse("").startsWith("req-"));
            JsonNode raw = json(metricLines.get(i));
            assertEquals("[[\"CircuitId\"]]", raw.at("/_aws/CloudWatchMetrics/0/Dimensions").toString(),
                    "exactly one dimension set: the dashboard names exactly that one");
        }
        return docs;
    }

    private static double sum(List<EmfDocument> docs, String name) {
        return docs.stream().flatMap(d -> d.metrics().stream()).filter(m -> m.name().equals(name))
                .mapToDouble(EmfDocument.Metric::sum).sum();
    }

    private static List<Double> values(List<EmfDocument> docs, String name) {
        return docs.stream().flatMap(d -> d.metrics().stream()).filter(m -> m.name().equals(name))
                .flatMap(m -> m.values().stream()).toList();
    }

    private static Set<String> names(List<EmfDocument> docs) {
        Set<String> names = new TreeSet<>();
        docs.forEach(d -> names.addAll(d.metricNames()));
        return names;
    }

    private static JsonNode json(String line) {
        try {
            return HttpApiEvents.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<JsonNode> logLines(String message) {
        return logLines.stream().map(UpstreamMetricsTest::json)
                .filter(n -> message.equals(n.path("message").asText())).toList();
    }

    // ------------------------------------------------------------------ the trip and the recovery

    @Test
    void aTripAndItsRecoveryEmitEveryCallAndTransitionMetricWithTheCircuitIdDimension() {
        UpstreamHandler first = handler();
        UpstreamHandler second = handler(); // another instance of the fleet, same circuit

        // Healthy: the second instance reads CLOSED and keeps it in its cache.
        assertEquals(200, get(second).getStatusCode());

        // Three failures, one of each reason that HTTP produces, trip the circuit.
        downstream.answer(503);
        assertEquals(502, get(first).getStatusCode());
        downstream.answer(429);
        assertEquals(502, get(first).getStatusCode());
        downstream.fail(new HttpTimeoutException("request timed out"));
        assertEquals(504, get(first).getStatusCode());
        assertEquals("OPEN", header(get(first), "X-Circuit-State"));

        // The second instance still trusts its cached CLOSED: its failure's write loses the race.
        downstream.answer(500);
        assertEquals(502, get(second).getStatusCode());

        // Open: rejected fast (the rejection above was the first).
        assertEquals(503, get(first).getStatusCode());

        // After the cool-down: two successful probes close the circuit.
        clock.advance(OPEN.plusSeconds(1));
        downstream.answer(200);
        APIGatewayV2HTTPResponse probe = get(first);
        assertEquals(200, probe.getStatusCode());
        assertEquals("HALF_OPEN", header(probe, "X-Circuit-State"));
        assertEquals("CLOSED", header(get(first), "X-Circuit-State"));

        // A connection failure, the fourth reason.
        downstream.fail(new ConnectException("Connection refused"));
        assertEquals(502, get(first).getStatusCode());

        List<EmfDocument> docs = checkedDocuments();
        assertEquals(10, docs.size(), "one document per /upstream invocation");
        assertTrue(names(docs).containsAll(Set.of(
                "CallsPermitted", "CallsRejected", "CallsSucceeded", "CallsFailed",
                "CallsFailedTimeout", "CallsFailedError", "CallsFailedThrottled", "CallsFailedConnection",
                "DownstreamLatency", "CircuitState",
                "TransitionsToOpen", "TransitionsToHalfOpen", "TransitionsToClosed",
                "StateStoreLatency", "ConditionalWriteConflicts")), () -> "emitted: " + names(docs));

        assertEquals(8, sum(docs, "CallsPermitted"));
        assertEquals(2, sum(docs, "CallsRejected"));
        assertEquals(3, sum(docs, "CallsSucceeded"));
        assertEquals(5, sum(docs, "CallsFailed"));
        assertEquals(2, sum(docs, "CallsFailedError"));
        assertEquals(1, sum(docs, "CallsFailedThrottled"));
        assertEquals(1, sum(docs, "CallsFailedTimeout"));
        assertEquals(1, sum(docs, "CallsFailedConnection"));
        assertEquals(8, values(docs, "DownstreamLatency").size(), "measured around every downstream call");
        assertEquals(1, sum(docs, "TransitionsToOpen"));
        assertEquals(1, sum(docs, "TransitionsToHalfOpen"));
        assertEquals(1, sum(docs, "TransitionsToClosed"));
        assertTrue(sum(docs, "ConditionalWriteConflicts") >= 1);
        assertFalse(names(docs).contains("StateStoreErrors"));
        // The gauge, per invocation, in the state each decision was made in (the second instance's
        // stale CLOSED included): 0 closed, 2 open, 1 half-open.
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 2.0, 1.0, 1.0, 0.0), values(docs, "CircuitState"));
        docs.forEach(d -> assertEquals("None", d.metrics().stream()
                .filter(m -> m.name().equals("CircuitState")).findFirst().orElseThrow().unit()));
        assertEquals("Milliseconds", docs.get(0).metric("DownstreamLatency", Map.of("CircuitId", circuitId))
                .orElseThrow().unit());
        assertEquals("Count", docs.get(0).metric("CallsPermitted", Map.of("CircuitId", circuitId))
                .orElseThrow().unit());

        // One log line per transition, with from, to, reason and the request that caused it.
        List<JsonNode> transitions = logLines("circuit transition");
        assertEquals(List.of("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED"), transitions.stream()
                .map(t -> t.path("from").asText() + ">" + t.path("to").asText()).toList());
        for (JsonNode t : transitions) {
            assertEquals(circuitId, t.path("circuitId").asText());
            assertFalse(t.path("reason").asText().isBlank());
            assertTrue(t.path("requestId").asText().startsWith("req-"));
        }
        // Every line about a call names the circuit, the state and the request.
        for (JsonNode line : logLines("upstream call")) {
            assertEquals(circuitId, line.path("circuitId").asText());
            assertFalse(line.path("state").asText().isBlank());
            assertTrue(line.path("requestId").asText().startsWith("req-"));
        }
        assertEquals(0, first.failedMetricFlushes());
    }

    @Test
    void adminActionsEmitTheirTransitions() {
        UpstreamHandler handler = handler();
        assertEquals(200, call(handler, "POST", "/circuits/" + circuitId + "/force-open").getStatusCode());
        assertEquals(503, get(handler).getStatusCode());
        assertEquals(200, call(handler, "POST", "/circuits/" + circuitId + "/disable").getStatusCode());
        assertEquals(200, get(handler).getStatusCode());
        assertEquals(200, call(handler, "POST", "/circuits/" + circuitId + "/reset").getStatusCode());

        List<EmfDocument> docs = checkedDocuments();
        assertEquals(1, sum(docs, "TransitionsToForcedOpen"));
        assertEquals(1, sum(docs, "TransitionsToDisabled"));
        assertEquals(1, sum(docs, "TransitionsToClosed"));
        // FORCED_OPEN counts as open (2) on the gauge, DISABLED as closed (0).
        assertEquals(List.of(2.0, 0.0), values(docs, "CircuitState"));
        assertEquals(3, logLines("circuit transition").size());
    }

    @Test
    void aFailingStateStoreEmitsStoreErrorsAndTheLocalBreakersTransitions() {
        // A table that does not exist: every store call fails at once, and the breaker fails open
        // to this instance's in-memory breaker, which trips on its own.
        UpstreamHandler handler = handler("missing-" + UUID.randomUUID(), metricLines::add);
        downstream.answer(503);
        for (int i = 0; i < 3; i++) {
            assertEquals(502, get(handler).getStatusCode());
            clock.advance(dev.circuitlab.breaker.CircuitBreaker.STORE_RETRY_INTERVAL); // each call tries the store again
        }
        APIGatewayV2HTTPResponse rejected = get(handler);
        assertEquals(503, rejected.getStatusCode());
        assertEquals("local", header(rejected, "X-Circuit-Decision"));

        List<EmfDocument> docs = checkedDocuments();
        assertEquals(4, sum(docs, "StateStoreErrors"), "one per failed read; the local breaker records the rest");
        assertEquals(1, sum(docs, "LocalTransitions"));
        assertEquals(0, sum(docs, "TransitionsToOpen"), "a local trip is not the fleet's circuit opening");
        assertTrue(values(docs, "StateStoreLatency").size() >= 4, "failed store calls are timed too");

        List<JsonNode> local = logLines("local circuit transition");
        assertEquals(1, local.size());
        assertEquals("OPEN", local.get(0).path("to").asText());
        assertTrue(logLines("circuit transition").isEmpty());
        JsonNode storeError = logLines("circuit state store error").get(0);
        assertEquals(circuitId, storeError.path("circuitId").asText());
        assertTrue(storeError.path("requestId").asText().startsWith("req-"));
        assertFalse(storeError.path("errorType").asText().isBlank());
        assertTrue(storeError.path("stackTrace").isMissingNode());
    }

    @Test
    void withoutTheBreakerCallOutcomesAndLatencyAreStillEmitted() {
        UpstreamHandler handler = handler(UpstreamConfig.BREAKER_ENABLED, "false");
        assertEquals(200, get(handler).getStatusCode());
        downstream.answer(503);
        assertEquals(502, get(handler).getStatusCode());

        List<EmfDocument> docs = checkedDocuments();
        assertEquals(Set.of("CallsSucceeded", "CallsFailed", "CallsFailedError", "DownstreamLatency"), names(docs));
    }

    @Test
    void healthAndUnknownRoutesEmitNoDocument() {
        UpstreamHandler handler = handler();
        assertEquals(200, call(handler, "GET", "/health").getStatusCode());
        assertEquals(404, call(handler, "GET", "/nowhere").getStatusCode());
        assertTrue(metricLines.isEmpty());
    }

    // ------------------------------------------------------------------ metrics never change an answer

    /** What a client sees, with the circuit id (which differs between the two runs) blanked out. */
    private List<String> runScenario(UpstreamHandler handler) {
        List<String> seen = new ArrayList<>();
        java.util.function.Consumer<APIGatewayV2HTTPResponse> record = r -> seen.add(r.getStatusCode() + " "
                + new java.util.TreeMap<>(r.getHeaders()) + " " + r.getBody().replace(circuitId, "<id>"));
        downstream.answer(200);
        record.accept(get(handler));
        downstream.answer(503);
        for (int i = 0; i < 3; i++) {
            record.accept(get(handler));
        }
        record.accept(get(handler));
        clock.advance(OPEN.plusSeconds(1));
        downstream.answer(200);
        record.accept(get(handler));
        record.accept(get(handler));
        record.accept(call(handler, "POST", "/circuits/" + circuitId + "/force-open"));
        record.accept(call(handler, "GET", "/health"));
        return seen;
    }

    @Test
    void aFailingMetricsSinkChangesNoResponseAndIsLoggedAndCounted() {
        UpstreamHandler working = handler();
        List<String> expected = runScenario(working);
        assertEquals(0, working.failedMetricFlushes());
        int published = metricLines.size();
        assertEquals(8, published);

        // Same scenario, another circuit, a fresh clock, and a metrics sink that always throws.
        circuitId = "m-" + UUID.randomUUID().toString().substring(0, 8);
        clock = new MutableClock(START);
        logLines.clear();
        UpstreamHandler failing = handler(table, line -> {
            throw new IllegalStateException("stdout is gone");
        });
        List<String> actual = runScenario(failing);

        assertEquals(expected, actual);
        assertEquals(published, failing.failedMetricFlushes());
        List<JsonNode> reports = logLines("metrics not published");
        assertEquals(published, reports.size(), "one line per failed publication");
        assertEquals("stdout is gone", reports.get(0).path("errorMessage").asText());
        assertTrue(reports.get(0).path("stackTrace").isMissingNode());
        assertTrue(reports.get(0).path("requestId").asText().startsWith("req-"));
    }
}
