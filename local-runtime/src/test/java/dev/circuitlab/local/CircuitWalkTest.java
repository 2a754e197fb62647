package dev.circuitlab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real template and handlers on the local runtime, driven over HTTP only (the IAM routes with
 * signed requests): the circuit goes CLOSED → OPEN → HALF_OPEN → CLOSED through the downstream's
 * {@code /faults} API, with a
 * 1.5 s open duration from the parameter overrides. Downstream invocation counts come from
 * {@code /_local/metrics}: they prove that OPEN makes no downstream call and that HALF_OPEN lets
 * exactly the permitted probe through while 20 requests arrive at once.
 */
class CircuitWalkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BURST = 20;
    private static LocalRuntime runtime;
    private static LocalHttp http;
    /** The fault and circuit APIs are IAM routes: signed like the README's curl lines. */
    private static LocalHttp operator;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(RuntimeOptions.forProject(Fixtures.projectRoot(), 0)
                .withParameterOverrides(Map.ofEntries(
                        // Every call reads the item and every failure writes: the walk counts them one by
                        // one (with the defaults an instance may act on its copy for up to 5 s). And room
                        // for all 20 concurrent requests: the test is about the breaker, not throttling.
                        Map.entry("EnableFaultInjection", "true"),
                        Map.entry("CircuitFailureThreshold", "3"),
                        Map.entry("CircuitOpenDurationMs", "1500"),
                        Map.entry("CircuitHalfOpenProbes", "1"),
                        Map.entry("CircuitSuccessThreshold", "2"),
                        Map.entry("CircuitCallTimeoutMs", "5000"),
                        Map.entry("CircuitProbeLeaseMs", "6000"),
                        Map.entry("CircuitRefreshIntervalMs", "0"),
                        Map.entry("CircuitFlushIntervalMs", "0"),
                        Map.entry("UpstreamReservedConcurrency", Integer.toString(BURST)),
                        Map.entry("ApiThrottlingRateLimit", "1000"),
                        Map.entry("ApiThrottlingBurstLimit", "1000"))));
        http = new LocalHttp(runtime.baseUrl());
        operator = LocalHttp.signed(runtime);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static long downstreamInvocations() {
        return metrics().at("/functions/DownstreamFunction/invocations").asLong();
    }

    private static int upstreamEnvironments() {
        return metrics().at("/functions/UpstreamFunction/environments/live").asInt();
    }

    private static JsonNode metrics() {
        return json(http.get("/_local/metrics"));
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    private static String circuitState(HttpResponse<String> r) {
        return r.headers().firstValue("X-Circuit-State").orElse("(none)");
    }

    private static JsonNode circuit() {
        HttpResponse<String> r = operator.get("/circuits/downstream");
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    private static void putFault(String body) {
        HttpResponse<String> r = operator.send("PUT", "/faults", body);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
    }

    @Test
    void circuitWalksClosedOpenHalfOpenClosed() throws Exception {
        // CLOSED: calls go through.
        HttpResponse<String> first = http.get("/upstream");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("CLOSED", circuitState(first));
        assertTrue(json(first).has("item"), "the downstream payload: " + first.body());
        assertEquals("CLOSED", circuit().get("state").asText());

        // Warm BURST upstream environments (GET /health never calls the downstream), so the burst
        // below reaches the breaker at once instead of waiting for cold starts.
        for (int round = 0; round < 5 && upstreamEnvironments() < BURST; round++) {
            List<CompletableFuture<HttpResponse<String>>> warm = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                warm.add(http.sendAsync("GET", "/health"));
            }
            for (CompletableFuture<HttpResponse<String>> f : warm) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
            }
        }

        // CLOSED → OPEN: the downstream fails every call; the third failure trips the circuit.
        putFault("{\"mode\":\"error\",\"probability\":1,\"statusCode\":500,\"expiresInSeconds\":300}");
        long beforeTrip = downstreamInvocations();
        List<String> tripStates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.get("/upstream");
            assertEquals(502, r.statusCode(), r.body());
            tripStates.add(circuitState(r));
        }
        assertEquals(List.of("CLOSED", "CLOSED", "OPEN"), tripStates);
        assertEquals(beforeTrip + 3, downstreamInvocations(), "each failing call reached the downstream");
        assertEquals("OPEN", circuit().get("state").asText());

        // OPEN: fast 503s, and not one downstream invocation.
        long whileOpen = downstreamInvocations();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = http.get("/upstream");
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("OPEN", circuitState(r));
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
        }
        assertEquals(whileOpen, downstreamInvocations(), "OPEN makes no downstream calls");

        // The downstream recovers but is slow (2.5 s, within the 5 s call timeout), so the probe is
        // still in flight while the whole burst arrives. Then the cool-down (1.5 s) ends.
        putFault("{\"mode\":\"latency\",\"probability\":1,\"latencyMs\":2500,\"expiresInSeconds\":300}");
        JsonNode open = circuit();
        long wait = Math.min(3000, open.get("retryAt").asLong() - open.get("now").asLong() + 100);
        if (wait > 0) {
            Thread.sleep(wait);
        }

        // OPEN → HALF_OPEN: 20 requests at once; exactly one probe reaches the downstream.
        long beforeBurst = downstreamInvocations();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            burst.add(http.sendAsync("GET", "/upstream"));
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            responses.add(f.get(30, TimeUnit.SECONDS));
        }
        Map<Integer, Long> byStatus = responses.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertEquals(1, downstreamInvocations() - beforeBurst,
                "HALF_OPEN admits only the permitted probe; statuses " + byStatus);
        assertEquals(Map.of(200, 1L, 503, (long) BURST - 1), byStatus, "one probe served, the rest rejected fast");
        JsonNode halfOpen = circuit();
        assertEquals("HALF_OPEN", halfOpen.get("state").asText(), halfOpen.toString());
        assertEquals(1, halfOpen.get("halfOpenSuccesses").asInt());

        // HALF_OPEN → CLOSED: the second successful probe closes the circuit.
        HttpResponse<String> delete = operator.send("DELETE", "/faults", null);
        assertTrue(delete.statusCode() / 100 == 2, delete.statusCode() + " " + delete.body());
        HttpResponse<String> probe = http.get("/upstream");
        assertEquals(200, probe.statusCode(), probe.body());
        assertEquals("CLOSED", circuitState(probe));
        assertEquals("CLOSED", circuit().get("state").asText());

        long closed = downstreamInvocations();
        HttpResponse<String> after = http.get("/upstream");
        assertEquals(200, after.statusCode());
        assertEquals(closed + 1, downstreamInvocations(), "CLOSED calls the downstream again");

        JsonNode upstream = metrics().at("/functions/UpstreamFunction");
        assertEquals(0, upstream.get("throttles").asLong());
        assertEquals(0, upstream.get("errors").asLong());
        assertTrue(upstream.at("/concurrentExecutions/max").asInt() > 1, upstream.toString());
    }
}
