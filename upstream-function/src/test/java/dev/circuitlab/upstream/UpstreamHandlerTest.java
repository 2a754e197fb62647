package dev.circuitlab.upstream;

import dev.circuitlab.testing.TestLambdaContext;
import dev.circuitlab.testing.MutableClock;
import static dev.circuitlab.upstream.HttpApiEvents.assertJsonError;
import static dev.circuitlab.upstream.HttpApiEvents.assertNoStackTrace;
import static dev.circuitlab.upstream.HttpApiEvents.header;
import static dev.circuitlab.upstream.HttpApiEvents.iamAuthorized;
import static dev.circuitlab.upstream.HttpApiEvents.json;
import static dev.circuitlab.upstream.HttpApiEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The handler against a real DynamoDB-API server and a real HTTP downstream on loopback. Each test
 * uses its own circuit id in one table, and an injected clock for the cool-downs.
 */
@ExtendWith(DynamoDbExtension.class)
class UpstreamHandlerTest {

    private static final int THRESHOLD = 3;
    private static final Duration OPEN = Duration.ofSeconds(10);

    private static DynamoDbEndpoint endpoint;
    private static String table;

    private FakeDownstream downstream;
    private CountingInterceptor dynamoRequests;
    private DynamoDbClient client;
    private MutableClock clock;
    private String circuitId;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createTable(DynamoDbEndpoint dynamo) {
        endpoint = dynamo;
        table = DynamoDbEndpoint.uniqueTableName("circuits");
        try (DynamoDbClient c = dynamo.client()) {
            c.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
        }
    }

    @AfterAll
    static void dropTable() {
        try (DynamoDbClient c = endpoint.client()) {
            c.deleteTable(b -> b.tableName(table));
        }
    }

    @BeforeEach
    void start() throws IOException {
        downstream = FakeDownstream.start();
        dynamoRequests = new CountingInterceptor();
        client = endpoint.client(dynamoRequests);
        clock = MutableClock.startingNow();
        circuitId = "c-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        downstream.close();
        client.close();
    }

    private UpstreamHandler handler(String... envOverrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, table,
                UpstreamConfig.DOWNSTREAM_URL, downstream.baseUrl().toString(),
                UpstreamConfig.CIRCUIT_ID, circuitId,
                CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, Integer.toString(THRESHOLD),
                CircuitBreakerConfig.ENV_OPEN_DURATION_MS, Long.toString(OPEN.toMillis()),
                CircuitBreakerConfig.ENV_SUCCESS_THRESHOLD, "2",
                CircuitBreakerConfig.ENV_CALL_TIMEOUT_MS, "1000"));
        // Each call reads the item and each failure writes at once: the handler's behaviour, call by call.
        env.put(CircuitBreakerConfig.ENV_REFRESH_INTERVAL_MS, "0");
        env.put(CircuitBreakerConfig.ENV_FLUSH_INTERVAL_MS, "0");
        for (int i = 0; i + 1 < envOverrides.length; i += 2) {
            env.put(envOverrides[i], envOverrides[i + 1]);
        }
        UpstreamConfig config = UpstreamConfig.fromEnvironment(env);
        return TestHandlers.upstream(config, new DynamoDbCircuitStateStore(client, table),
                new HttpDownstreamClient(HttpDownstreamClient.newHttpClient(config.breaker().callTimeout()),
                        config.downstreamCallUrl()),
                clock, logLines::add);
    }

    private static APIGatewayV2HTTPResponse get(UpstreamHandler handler, String path) {
        return handler.handleRequest(request("GET", path), new TestLambdaContext(UUID.randomUUID().toString()));
    }

    private static APIGatewayV2HTTPResponse post(UpstreamHandler handler, String path) {
        return handler.handleRequest(request("POST", path), new TestLambdaContext(UUID.randomUUID().toString()));
    }

    private JsonNode snapshot(UpstreamHandler handler) {
        APIGatewayV2HTTPResponse r = get(handler, "/circuits/" + circuitId);
        assertEquals(200, r.getStatusCode(), r::getBody);
        return json(r);
    }

    private List<JsonNode> logLines(String message) {
        return logLines.stream().map(line -> {
            try {
                return HttpApiEvents.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("log line is not JSON: " + line, e);
            }
        }).filter(n -> message.equals(n.path("message").asText())).toList();
    }

    // ------------------------------------------------------------------ the protected call

    @Test
    void healthyCallRelaysTheDownstreamPayloadWithTheStateHeader() {
        UpstreamHandler handler = handler();
        APIGatewayV2HTTPEvent event = request("GET", "/upstream");
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, new TestLambdaContext("req-healthy-1"));

        assertEquals(200, r.getStatusCode());
        assertEquals(FakeDownstream.PAYLOAD, r.getBody(), "the downstream body passes through unchanged");
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
        assertEquals("application/json", header(r, "Content-Type"));
        assertEquals(1, downstream.invocations());
        // Guarantee 3 seen from the function: one read, no write, for a healthy call.
        assertEquals(1, dynamoRequests.reads());
        assertEquals(0, dynamoRequests.writes());

        List<JsonNode> calls = logLines("upstream call");
        assertEquals(1, calls.size(), logLines::toString);
        JsonNode line = calls.get(0);
        assertEquals(circuitId, line.path("circuitId").asText());
        assertEquals("CLOSED", line.path("state").asText());
        assertEquals("req-healthy-1", line.path("requestId").asText());
        assertEquals("success", line.path("outcome").asText());
        assertEquals(200, line.path("status").asInt());
        assertTrue(line.path("latencyMs").isNumber());
    }

    @ParameterizedTest(name = "downstream {0} -> upstream {1} reason {2}")
    @CsvSource({"500, 502, ERROR", "503, 502, ERROR", "429, 502, THROTTLED"})
    void serverErrorsAndThrottlingAreFailures(int downstreamStatus, int upstreamStatus, String reason) {
        UpstreamHandler handler = handler();
        downstream.answer(downstreamStatus, "{\"error\":\"boom\"}");

        APIGatewayV2HTTPResponse r = get(handler, "/upstream");

        JsonNode body = assertJsonError(r, upstreamStatus);
        assertEquals("downstream failed", body.path("error").asText());
        assertEquals(reason, body.path("reason").asText());
        assertEquals(downstreamStatus, body.path("downstreamStatus").asInt());
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
        assertEquals(1, snapshot(handler).path("failureCount").asLong());
    }

    @Test
    void aTimeoutIsAFailureAnsweredWith504WithinTheCallTimeout() {
        UpstreamHandler handler = handler(CircuitBreakerConfig.ENV_CALL_TIMEOUT_MS, "200");
        downstream.delay(Duration.ofMillis(2_000));

        long start = System.nanoTime();
        APIGatewayV2HTTPResponse r = get(handler, "/upstream");
        long millis = (System.nanoTime() - start) / 1_000_000;

        JsonNode body = assertJsonError(r, 504);
        assertEquals("TIMEOUT", body.path("reason").asText());
        assertTrue(millis < 1_500, "the call gave up after the 200 ms call timeout, took " + millis + " ms");
        assertEquals(1, snapshot(handler).path("failureCount").asLong());
    }

    @Test
    void aRefusedConnectionIsAFailure() {
        UpstreamHandler handler = handler(UpstreamConfig.DOWNSTREAM_URL, "http://127.0.0.1:1");

        APIGatewayV2HTTPResponse r = get(handler, "/upstream");

        JsonNode body = assertJsonError(r, 502);
        assertEquals("CONNECTION", body.path("reason").asText());
        assertTrue(body.path("downstreamStatus").isMissingNode());
        assertEquals(1, snapshot(handler).path("failureCount").asLong());
    }

    @Test
    void aClientErrorFromTheDownstreamIsRelayedAndCountsAsSuccess() {
        UpstreamHandler handler = handler();
        downstream.answer(404, "{\"error\":\"no such item\"}");

        APIGatewayV2HTTPResponse r = get(handler, "/upstream");

        assertEquals(404, r.getStatusCode());
        assertEquals("{\"error\":\"no such item\"}", r.getBody());
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
        assertEquals(0, snapshot(handler).path("failureCount").asLong());
        assertEquals(0, dynamoRequests.writes(), "a success in CLOSED writes nothing");
    }

    @Test
    void afterThresholdFailuresTheNextCallIsAFast503WithoutReachingTheDownstream() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        for (int i = 0; i < THRESHOLD; i++) {
            assertEquals(502, get(handler, "/upstream").getStatusCode());
        }
        assertEquals(THRESHOLD, downstream.invocations());

        for (int i = 0; i < 5; i++) {
            APIGatewayV2HTTPResponse r = get(handler, "/upstream");
            JsonNode body = assertJsonError(r, 503);
            assertEquals("circuit open", body.path("error").asText());
            assertEquals(circuitId, body.path("circuitId").asText());
            assertEquals("OPEN", body.path("state").asText());
            assertEquals(OPEN.toSeconds(), body.path("retryAfterSeconds").asLong());
            assertEquals(Long.toString(OPEN.toSeconds()), header(r, "Retry-After"));
            assertEquals("OPEN", header(r, "X-Circuit-State"));
        }
        assertEquals(THRESHOLD, downstream.invocations(), "rejected calls never reach the downstream");

        List<JsonNode> transitions = logLines("circuit transition");
        assertEquals(1, transitions.size(), logLines::toString);
        assertEquals("CLOSED", transitions.get(0).path("from").asText());
        assertEquals("OPEN", transitions.get(0).path("to").asText());
        assertTrue(transitions.get(0).path("reason").asText().contains("failures"));
        assertEquals(5, logLines("upstream call").stream()
                .filter(l -> l.path("outcome").asText().equals("rejected")).count());
    }

    @Test
    void theFailureThatTripsTheCircuitAlreadyReportsOpen() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        for (int i = 0; i < THRESHOLD - 1; i++) {
            assertEquals("CLOSED", header(get(handler, "/upstream"), "X-Circuit-State"));
        }
        APIGatewayV2HTTPResponse tripping = get(handler, "/upstream");
        assertEquals(502, tripping.getStatusCode());
        assertEquals("OPEN", header(tripping, "X-Circuit-State"));
        assertEquals("OPEN", header(get(handler, "/health"), "X-Circuit-State"),
                "/health reports the last state this instance saw");
    }

    @Test
    void afterTheCoolDownProbesGoThroughAndSuccessesCloseTheCircuit() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        for (int i = 0; i < THRESHOLD; i++) {
            get(handler, "/upstream");
        }
        downstream.answer(200, FakeDownstream.PAYLOAD);
        clock.advance(OPEN.plusMillis(1));

        APIGatewayV2HTTPResponse probe1 = get(handler, "/upstream");
        assertEquals(200, probe1.getStatusCode());
        assertEquals("HALF_OPEN", header(probe1, "X-Circuit-State"));
        APIGatewayV2HTTPResponse probe2 = get(handler, "/upstream");
        assertEquals(200, probe2.getStatusCode());
        assertEquals("CLOSED", header(probe2, "X-Circuit-State"), "the second probe success closed the circuit");
        assertEquals("CLOSED", snapshot(handler).path("state").asText());
        assertEquals(THRESHOLD + 2, downstream.invocations());
    }

    @Test
    void staticFallbackAnswers200DegradedWhenRejected() {
        UpstreamHandler handler = handler(UpstreamConfig.FALLBACK_MODE, "static");
        downstream.answer(500);
        for (int i = 0; i < THRESHOLD; i++) {
            assertEquals(502, get(handler, "/upstream").getStatusCode(), "failures are not masked by the fallback");
        }

        APIGatewayV2HTTPResponse r = get(handler, "/upstream");

        assertEquals(200, r.getStatusCode());
        assertEquals("true", header(r, "X-Degraded"));
        assertEquals("OPEN", header(r, "X-Circuit-State"));
        assertNull(header(r, "Retry-After"));
        JsonNode body = json(r);
        assertTrue(body.path("degraded").asBoolean());
        assertTrue(body.has("item") && body.get("item").isNull());
        assertEquals("OPEN", body.path("state").asText());
        assertEquals(OPEN.toSeconds(), body.path("retryAfterSeconds").asLong());
        assertEquals(THRESHOLD, downstream.invocations());
    }

    @Test
    void withTheBreakerDisabledCallsPassThroughAndDynamoDbIsNeverUsed() {
        UpstreamHandler handler = handler(UpstreamConfig.BREAKER_ENABLED, "false");

        APIGatewayV2HTTPResponse ok = get(handler, "/upstream");
        assertEquals(200, ok.getStatusCode());
        assertEquals(FakeDownstream.PAYLOAD, ok.getBody());
        assertEquals("BYPASSED", header(ok, "X-Circuit-State"));

        downstream.answer(500);
        for (int i = 0; i < THRESHOLD * 3; i++) {
            APIGatewayV2HTTPResponse r = get(handler, "/upstream");
            assertEquals(502, r.getStatusCode());
            assertEquals("BYPASSED", header(r, "X-Circuit-State"));
        }
        assertEquals(1 + THRESHOLD * 3, downstream.invocations(), "no breaker: every call reaches the downstream");
        assertEquals("BYPASSED", header(get(handler, "/health"), "X-Circuit-State"));
        assertEquals(0, dynamoRequests.total(), () -> "DynamoDB requests: " + dynamoRequests);
    }

    @Test
    void healthTouchesNeitherTheDownstreamNorDynamoDb() {
        UpstreamHandler handler = handler();
        downstream.answer(500).delay(Duration.ofSeconds(5));

        APIGatewayV2HTTPResponse r = get(handler, "/health");

        assertEquals(200, r.getStatusCode());
        assertEquals("ok", json(r).path("status").asText());
        assertEquals("UNKNOWN", header(r, "X-Circuit-State"), "no decision seen yet by this instance");
        assertEquals(0, downstream.invocations());
        assertEquals(0, dynamoRequests.total());
    }

    @Test
    void anIamAuthorizedRequestsFaultHeadersAreForwardedToTheDownstreamAndNothingElse() {
        UpstreamHandler handler = handler();

        APIGatewayV2HTTPResponse r = handler.handleRequest(iamAuthorized(request("GET", "/upstream/with-faults",
                Map.of("X-Fault-Mode", "latency", "X-Fault-Latency-Ms", "5", "Authorization", "secret",
                        "Cookie", "a=b"), null)), null);

        assertEquals(200, r.getStatusCode());
        Map<String, String> seen = downstream.lastHeaders();
        assertEquals("latency", seen.get("x-fault-mode"));
        assertEquals("5", seen.get("x-fault-latency-ms"));
        assertFalse(seen.containsKey("authorization"));
        assertFalse(seen.containsKey("cookie"));
    }

    @Test
    void anAnonymousRequestsFaultHeadersAreIgnoredNotForwardedNorChecked() {
        UpstreamHandler handler = handler();
        downstream.answer(200);

        for (String path : List.of("/upstream", "/upstream/with-faults")) {
            APIGatewayV2HTTPResponse r = handler.handleRequest(request("GET", path,
                    Map.of("X-Fault-Mode", "error", "X-Fault-Status-Code", "503", "X-Fault-Latency-Ms", "bogus\u00e9"),
                    null), null);

            assertEquals(200, r.getStatusCode(), path + ": " + r.getBody());
            assertEquals("CLOSED", header(r, "X-Circuit-State"));
            assertTrue(downstream.lastHeaders().keySet().stream().noneMatch(h -> h.startsWith("x-fault-")),
                    path + ": the downstream got " + downstream.lastHeaders());
        }
        assertEquals(2, downstream.invocations());
    }

    @Test
    void aMalformedFaultHeaderOfAnIamAuthorizedRequestIsA400AndNotForwarded() {
        UpstreamHandler handler = handler();

        APIGatewayV2HTTPResponse r = handler.handleRequest(iamAuthorized(request("GET", "/upstream/with-faults",
                Map.of("X-Fault-Mode", "error\u00e9"), null)), null);

        JsonNode body = assertJsonError(r, 400);
        assertEquals("x-fault-mode", body.path("header").asText());
        assertEquals(0, downstream.invocations());
        assertEquals(0, dynamoRequests.total());
    }

    // ------------------------------------------------------------------ admin

    @Test
    void adminGetShowsTheWholeSnapshot() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        get(handler, "/upstream");

        APIGatewayV2HTTPResponse r = get(handler, "/circuits/" + circuitId);

        assertEquals(200, r.getStatusCode());
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
        JsonNode s = json(r);
        assertEquals(circuitId, s.path("circuitId").asText());
        assertEquals("CLOSED", s.path("state").asText());
        assertEquals(1, s.path("failureCount").asLong());
        long bucket = CircuitBreakerConfig.defaults().windowBucketStart(clock.millis());
        assertEquals(bucket, s.path("windowStart").asLong(), "the oldest window bucket holding failures");
        assertEquals(1, s.path("recentFailures").path(java.time.Instant.ofEpochMilli(bucket).toString()).asLong(), s.toString());
        for (String field : List.of("openedAt", "retryAt", "consecutiveOpens", "probesInFlight",
                "halfOpenSuccesses", "version", "updatedAt")) {
            assertTrue(s.path(field).isIntegralNumber(), () -> field + " missing in " + s);
        }
        assertTrue(s.has("lastTransition"));
        assertTrue(s.path("breakerEnabled").asBoolean());
        assertTrue(s.path("recentCalls").isMissingNode(), "without a rate threshold no call is counted: " + s);
    }

    /** With a rate threshold from the environment every call counts, and the admin view shows the calls too. */
    @Test
    void withAFailureRateThresholdTheWindowCountsEveryCallAndTheAdminViewShowsThem() {
        UpstreamHandler handler = handler(CircuitBreakerConfig.ENV_FAILURE_RATE_THRESHOLD, "50",
                CircuitBreakerConfig.ENV_MINIMUM_CALLS, "4");
        downstream.answer(200);
        get(handler, "/upstream");
        get(handler, "/upstream");
        downstream.answer(500);
        get(handler, "/upstream");
        JsonNode s = json(get(handler, "/circuits/" + circuitId));
        String bucket = java.time.Instant.ofEpochMilli(CircuitBreakerConfig.defaults().windowBucketStart(clock.millis()))
                .toString();
        assertEquals("CLOSED", s.path("state").asText(), "1 of 3: below the minimum of 4 calls, and one failure");
        assertEquals(3, s.path("recentCalls").path(bucket).asLong(), s.toString());
        assertEquals(1, s.path("recentFailures").path(bucket).asLong(), s.toString());
        get(handler, "/upstream");
        assertEquals("OPEN", json(get(handler, "/circuits/" + circuitId)).path("state").asText(),
                "2 of 4 calls failed: 50 %");
    }

    @Test
    void forceOpenRejectsEveryCallUntilReset() {
        UpstreamHandler handler = handler();

        APIGatewayV2HTTPResponse forced = post(handler, "/circuits/" + circuitId + "/force-open");
        assertEquals(200, forced.getStatusCode(), forced::getBody);
        assertEquals("FORCED_OPEN", json(forced).path("state").asText());
        assertEquals("FORCED_OPEN", json(forced).path("lastTransition").path("to").asText());
        assertEquals("FORCED_OPEN", header(forced, "X-Circuit-State"));

        clock.advance(OPEN.multipliedBy(10));
        APIGatewayV2HTTPResponse r = get(handler, "/upstream");
        JsonNode body = assertJsonError(r, 503);
        assertEquals("FORCED_OPEN", body.path("state").asText());
        assertEquals("FORCED_OPEN", header(r, "X-Circuit-State"));
        assertEquals(Long.toString(OPEN.toSeconds()), header(r, "Retry-After"),
                "forced open has no retry time: one open duration is suggested");
        assertEquals(0, downstream.invocations());

        APIGatewayV2HTTPResponse reset = post(handler, "/circuits/" + circuitId + "/reset");
        assertEquals(200, reset.getStatusCode());
        assertEquals("CLOSED", json(reset).path("state").asText());
        assertEquals(200, get(handler, "/upstream").getStatusCode());
    }

    @Test
    void disablePermitsCallsEvenWhenTheDownstreamFails() {
        UpstreamHandler handler = handler();
        assertEquals("DISABLED", json(post(handler, "/circuits/" + circuitId + "/disable")).path("state").asText());
        downstream.answer(500);

        for (int i = 0; i < THRESHOLD * 2; i++) {
            APIGatewayV2HTTPResponse r = get(handler, "/upstream");
            assertEquals(502, r.getStatusCode(), "permitted, and the failure is reported");
            assertEquals("DISABLED", header(r, "X-Circuit-State"));
        }
        assertEquals(THRESHOLD * 2, downstream.invocations());
        JsonNode s = snapshot(handler);
        assertEquals("DISABLED", s.path("state").asText());
        assertEquals(0, s.path("failureCount").asLong(), "DISABLED records nothing");
    }

    @Test
    void resetClosesATrippedCircuit() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        for (int i = 0; i < THRESHOLD; i++) {
            get(handler, "/upstream");
        }
        assertEquals("OPEN", snapshot(handler).path("state").asText());

        APIGatewayV2HTTPResponse reset = post(handler, "/circuits/" + circuitId + "/reset");
        assertEquals(200, reset.getStatusCode());
        JsonNode s = json(reset);
        assertEquals("CLOSED", s.path("state").asText());
        assertEquals(0, s.path("failureCount").asLong());
        assertEquals("OPEN", s.path("lastTransition").path("from").asText());
        assertEquals("manual reset", s.path("lastTransition").path("reason").asText());

        downstream.answer(200, FakeDownstream.PAYLOAD);
        APIGatewayV2HTTPResponse r = get(handler, "/upstream");
        assertEquals(200, r.getStatusCode());
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void unknownRoutesAre404() {
        UpstreamHandler handler = handler();
        for (String path : List.of("/", "/nope", "/upstream/extra", "/circuits", "/circuits/" + circuitId + "/explode",
                "/circuits/" + circuitId + "/reset/again")) {
            JsonNode body = assertJsonError(get(handler, path), 404);
            assertEquals("no such route", body.path("error").asText(), path);
        }
        assertEquals(0, downstream.invocations());
    }

    @Test
    void eventsThatAreNotHttpApiEventsAre400() {
        UpstreamHandler handler = handler();
        assertJsonError(handler.handleRequest(null, null), 400);
        assertJsonError(handler.handleRequest(new APIGatewayV2HTTPEvent(), null), 400);
        assertEquals(0, downstream.invocations());
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        UpstreamHandler handler = handler();
        record Case(String method, String path, String allow) { }
        for (Case c : List.of(
                new Case("POST", "/upstream", "GET"),
                new Case("DELETE", "/health", "GET"),
                new Case("POST", "/circuits/" + circuitId, "GET"),
                new Case("GET", "/circuits/" + circuitId + "/reset", "POST"),
                new Case("PUT", "/circuits/" + circuitId + "/force-open", "POST"))) {
            APIGatewayV2HTTPResponse r = handler.handleRequest(request(c.method(), c.path()), null);
            assertJsonError(r, 405);
            assertEquals(c.allow(), header(r, "Allow"), c.toString());
        }
        assertEquals(0, downstream.invocations());
        assertEquals(0, dynamoRequests.total());
    }

    @Test
    void malformedCircuitIdsAre400AndOtherCircuitsAre404() {
        UpstreamHandler handler = handler();
        for (String id : List.of("bad%20id", "a".repeat(65), "semi;colon", "%2e%2e")) {
            JsonNode body = assertJsonError(get(handler, "/circuits/" + id), 400);
            assertEquals("invalid circuit id", body.path("error").asText());
            assertJsonError(post(handler, "/circuits/" + id + "/reset"), 400);
        }
        assertJsonError(get(handler, "/circuits//reset"), 404); // an empty id segment is no admin route

        String other = "not-" + circuitId;
        assertTrue(CircuitBreaker.isValidId(other));
        JsonNode body = assertJsonError(get(handler, "/circuits/" + other), 404);
        assertEquals("unknown circuit", body.path("error").asText());
        assertEquals(circuitId, body.path("knownCircuit").asText());
        assertJsonError(post(handler, "/circuits/" + other + "/force-open"), 404);
        assertEquals(0, dynamoRequests.total(), "bad ids are refused before any DynamoDB request");
    }

    @Test
    void bodiesOver64KiBAre413AndChangeNothing() {
        UpstreamHandler handler = handler();
        post(handler, "/circuits/" + circuitId + "/force-open");
        dynamoRequests.reset();

        String big = "x".repeat(64 * 1024 + 1);
        APIGatewayV2HTTPResponse r = handler.handleRequest(
                request("POST", "/circuits/" + circuitId + "/reset", Map.of("Content-Type", "text/plain"), big), null);

        JsonNode body = assertJsonError(r, 413);
        assertEquals(64 * 1024, body.path("limitBytes").asInt());
        assertEquals(0, dynamoRequests.total());
        assertEquals("FORCED_OPEN", snapshot(handler).path("state").asText(), "the reset was not applied");

        String exactlyLimit = "x".repeat(64 * 1024);
        assertEquals(200, handler.handleRequest(
                request("POST", "/circuits/" + circuitId + "/reset", Map.of(), exactlyLimit), null).getStatusCode());
    }

    @Test
    void stageAndTrailingSlashDoNotChangeTheRoute() {
        UpstreamHandler handler = handler();
        APIGatewayV2HTTPEvent staged = request("GET", "/prod/health");
        staged.getRequestContext().setStage("prod");
        assertEquals(200, handler.handleRequest(staged, null).getStatusCode());
        assertEquals(200, get(handler, "/health/").getStatusCode());
    }

    // ------------------------------------------------------------------ SnapStart

    @Test
    void snapStartHooksPrimeWithOneReadAndRebuildTheBreakerOnRestore() throws Exception {
        UpstreamHandler handler = handler();
        CircuitBreaker before = handler.breaker().current();

        handler.snapStartHooks().beforeCheckpoint(null);
        assertEquals(1, dynamoRequests.count("GetItem"), dynamoRequests::toString);
        assertEquals(1, dynamoRequests.consistentReads(), "with the refresh interval at 0 a call reads strongly consistent");
        assertEquals(0, dynamoRequests.writes());
        assertEquals(0, downstream.invocations(), "priming must not call the downstream");

        handler.snapStartHooks().afterRestore(null);
        assertNotSame(before, handler.breaker().current());
        assertEquals(200, get(handler, "/upstream").getStatusCode());
        assertEquals(CircuitState.CLOSED.name(), snapshot(handler).path("state").asText());
    }

    @Test
    void snapStartPrimesTheRefreshReadWhenARefreshIntervalIsSet() throws Exception {
        UpstreamHandler handler = handler(CircuitBreakerConfig.ENV_REFRESH_INTERVAL_MS, "1000");

        handler.snapStartHooks().beforeCheckpoint(null);
        assertEquals(1, dynamoRequests.count("GetItem"), dynamoRequests::toString);
        assertEquals(0, dynamoRequests.consistentReads(), "the first call's refresh is eventually consistent, so is its priming");
        assertEquals(0, dynamoRequests.writes());
    }

    @Test
    void everyAnswerIsFreeOfStackTraces() {
        UpstreamHandler handler = handler(UpstreamConfig.DOWNSTREAM_URL, "http://127.0.0.1:1");
        for (APIGatewayV2HTTPResponse r : List.of(get(handler, "/upstream"), get(handler, "/health"),
                get(handler, "/circuits/" + circuitId), post(handler, "/circuits/" + circuitId + "/reset"))) {
            assertNoStackTrace(r);
        }
    }
}
