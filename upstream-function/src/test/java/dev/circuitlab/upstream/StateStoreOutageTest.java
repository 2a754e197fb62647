package dev.circuitlab.upstream;

import static dev.circuitlab.upstream.HttpApiEvents.assertJsonError;
import static dev.circuitlab.upstream.HttpApiEvents.header;
import static dev.circuitlab.upstream.HttpApiEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.function.FunctionEnvironment;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB unreachable (nothing listens on 127.0.0.1:1): the function is built through its
 * environment constructor, so this also checks the real client's short timeouts and few retries.
 */
class StateStoreOutageTest {

    private FakeDownstream downstream;

    @BeforeEach
    void start() throws IOException {
        downstream = FakeDownstream.start();
    }

    @AfterEach
    void stop() {
        downstream.close();
    }

    private UpstreamHandler handler(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, "CircuitState",
                UpstreamConfig.DOWNSTREAM_URL, downstream.baseUrl().toString(),
                FunctionEnvironment.DYNAMODB_ENDPOINT, "http://127.0.0.1:1",
                CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, "3"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return UpstreamHandler.fromEnvironment(env);
    }

    @Test
    void callsFailOpenToTheLocalBreakerAndStillReachTheDownstream() {
        UpstreamHandler handler = handler();

        long start = System.nanoTime();
        APIGatewayV2HTTPResponse r = handler.handleRequest(request("GET", "/upstream"), null);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(200, r.getStatusCode(), r::getBody);
        assertEquals(FakeDownstream.PAYLOAD, r.getBody());
        assertEquals("CLOSED", header(r, "X-Circuit-State"));
        assertEquals("local", header(r, "X-Circuit-Decision"));
        assertEquals(1, downstream.invocations());
        assertTrue(millis < 3_000, "an unreachable table must not stall the call; took " + millis + " ms");
    }

    @Test
    void theLocalBreakerStillTripsOnDownstreamFailures() {
        UpstreamHandler handler = handler();
        downstream.answer(500);
        for (int i = 0; i < 3; i++) {
            assertEquals(502, handler.handleRequest(request("GET", "/upstream"), null).getStatusCode());
        }
        APIGatewayV2HTTPResponse r = handler.handleRequest(request("GET", "/upstream"), null);
        JsonNode body = assertJsonError(r, 503);
        assertEquals("circuit open", body.path("error").asText());
        assertEquals("local", header(r, "X-Circuit-Decision"));
        assertEquals(3, downstream.invocations());
    }

    @Test
    void failClosedRejectsWithoutCallingTheDownstream() {
        UpstreamHandler handler = handler(CircuitBreakerConfig.ENV_STORE_FAILURE_POLICY, "FAIL_CLOSED");

        APIGatewayV2HTTPResponse r = handler.handleRequest(request("GET", "/upstream"), null);

        assertJsonError(r, 503);
        assertTrue(Long.parseLong(header(r, "Retry-After")) >= 1);
        assertEquals("local", header(r, "X-Circuit-Decision"), "decided without the shared state");
        assertEquals("OPEN", header(r, "X-Circuit-State"));
        assertEquals(0, downstream.invocations());
    }

    @Test
    void adminRoutesAnswer503Json() {
        UpstreamHandler handler = handler();
        for (var req : List.of(request("GET", "/circuits/downstream"), request("POST", "/circuits/downstream/reset"),
                request("POST", "/circuits/downstream/force-open"), request("POST", "/circuits/downstream/disable"))) {
            APIGatewayV2HTTPResponse r = handler.handleRequest(req, null);
            JsonNode body = assertJsonError(r, 503);
            assertEquals("circuit state store unavailable", body.path("error").asText());
            assertEquals("downstream", body.path("circuitId").asText());
            assertEquals("1", header(r, "Retry-After"));
        }
    }

    @Test
    void healthNeedsNoTable() {
        APIGatewayV2HTTPResponse r = handler().handleRequest(request("GET", "/health"), null);
        assertEquals(200, r.getStatusCode());
    }
}
