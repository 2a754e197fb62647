package dev.circuitlab.downstream;

import static dev.circuitlab.downstream.HttpApiEventBuilder.request;
import static dev.circuitlab.downstream.Responses.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.testing.TestLambdaContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a JSON 400 (413 for size) whose error names the problem, never a 500
 * or a stack trace, and never reaches the fault table.
 */
@ExtendWith(DynamoDbExtension.class)
class BadInputTest {

    static FaultTable faults;

    static final CountingInterceptor CALLS = new CountingInterceptor();
    static DownstreamHandler handler;

    @BeforeAll
    static void createTable(DynamoDbEndpoint endpoint) {
        faults = FaultTable.create(endpoint, CALLS);
        handler = new DownstreamHandler(DownstreamComponents.of(faults.store(),
                DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO),
                new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), new Random(1), new RecordingSleeper()));
    }

    @AfterAll
    static void closeTable() {
        faults.close();
    }

    @BeforeEach
    void resetCounts() {
        CALLS.reset();
    }

    static APIGatewayV2HTTPResponse put(String body) {
        return handler.handleRequest(request("PUT", "/faults").body(body).build(), TestLambdaContext.withRemainingMillis(10_000));
    }

    /** A named case: the body and the fragments its error message must contain. */
    static Arguments bad(String name, String body, String... expectedFragments) {
        return argumentSet(name, body, expectedFragments);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                bad("malformed JSON", "{\"mode\": \"error\"", "malformed JSON"),
                bad("malformed JSON: bare word", "mode=error", "malformed JSON", "line 1"),
                bad("trailing garbage after the object", "{\"mode\":\"error\"} x", "malformed JSON"),
                bad("duplicate field", "{\"mode\":\"error\",\"mode\":\"none\"}", "malformed JSON", "mode"),
                bad("deeply nested JSON", "[".repeat(5_000), "malformed JSON"),
                bad("empty body", "", "request body is required"),
                bad("blank body", "  \n ", "request body is required"),
                bad("array instead of object", "[{\"mode\":\"error\"}]", "must be a JSON object, got an array"),
                bad("string instead of object", "\"error\"", "must be a JSON object, got a string"),
                bad("number instead of object", "42", "must be a JSON object, got a number"),
                bad("null instead of object", "null", "must be a JSON object, got null"),
                bad("missing mode", "{\"probability\":0.5}", "mode is required", "throttle"),
                bad("null mode", "{\"mode\":null}", "mode is required"),
                bad("mode not a string", "{\"mode\":7}", "mode must be a string, got 7"),
                bad("unknown mode", "{\"mode\":\"explode\"}", "unknown mode 'explode'", "none, error, latency"),
                bad("unknown field", "{\"mode\":\"latency\",\"latency_ms\":5}", "unknown field 'latency_ms'"),
                bad("probability above 1", "{\"mode\":\"error\",\"probability\":1.5}",
                        "probability must be between 0 and 1, got 1.5"),
                bad("probability below 0", "{\"mode\":\"error\",\"probability\":-0.1}",
                        "probability must be between 0 and 1, got -0.1"),
                bad("probability not a number", "{\"mode\":\"error\",\"probability\":\"half\"}",
                        "probability must be a number", "half"),
                bad("negative latency", "{\"mode\":\"latency\",\"latencyMs\":-5}",
                        "latencyMs must not be negative, got -5"),
                bad("latency beyond the maximum", "{\"mode\":\"latency\",\"latencyMs\":25001}",
                        "latencyMs 25001 exceeds the maximum fault latency of 25000 ms"),
                bad("timeout cap beyond the maximum", "{\"mode\":\"timeout\",\"latencyMs\":90000}",
                        "latencyMs 90000 exceeds"),
                bad("fractional latency", "{\"mode\":\"latency\",\"latencyMs\":1.5}",
                        "latencyMs must be a whole number, got 1.5"),
                bad("latency as a string", "{\"mode\":\"latency\",\"latencyMs\":\"100\"}",
                        "latencyMs must be a whole number"),
                bad("latency too big for a long", "{\"mode\":\"latency\",\"latencyMs\":100000000000000000000000}",
                        "latencyMs must be a whole number"),
                bad("latency mode without latency", "{\"mode\":\"latency\"}",
                        "latencyMs is required for mode 'latency'"),
                bad("latency range with min above max", "{\"mode\":\"latency\",\"latencyMinMs\":300,\"latencyMaxMs\":100}",
                        "latencyMinMs (300) must not exceed latencyMaxMs (100)"),
                bad("latency range with only a minimum", "{\"mode\":\"latency\",\"latencyMinMs\":300}",
                        "latencyMinMs and latencyMaxMs must be given together"),
                bad("latency range with a negative minimum", "{\"mode\":\"latency\",\"latencyMinMs\":-1,\"latencyMaxMs\":5}",
                        "latencyMinMs must not be negative"),
                bad("latency range beyond the maximum", "{\"mode\":\"latency\",\"latencyMinMs\":1,\"latencyMaxMs\":30000}",
                        "latencyMaxMs 30000 exceeds"),
                bad("fixed and range latency together", "{\"mode\":\"latency\",\"latencyMs\":5,\"latencyMinMs\":1,\"latencyMaxMs\":9}",
                        "use either latencyMs or latencyMinMs/latencyMaxMs"),
                bad("latency on a mode without latency", "{\"mode\":\"error\",\"latencyMs\":100}",
                        "latencyMs is only valid with mode 'latency' or 'timeout', not 'error'"),
                bad("status code below 500", "{\"mode\":\"error\",\"statusCode\":404}",
                        "statusCode must be between 500 and 599, got 404"),
                bad("status code above 599", "{\"mode\":\"error\",\"statusCode\":600}",
                        "statusCode must be between 500 and 599, got 600"),
                bad("fractional status code", "{\"mode\":\"error\",\"statusCode\":500.5}",
                        "statusCode must be a whole number, got 500.5"),
                bad("status code on a mode with a fixed status", "{\"mode\":\"throttle\",\"statusCode\":503}",
                        "statusCode is only valid with mode 'error', not 'throttle'"),
                bad("expiresInSeconds zero", "{\"mode\":\"error\",\"expiresInSeconds\":0}",
                        "expiresInSeconds must be between 1 and 86400, got 0"),
                bad("expiresInSeconds negative", "{\"mode\":\"error\",\"expiresInSeconds\":-60}",
                        "expiresInSeconds must be between 1 and 86400, got -60"),
                bad("expiresInSeconds above a day", "{\"mode\":\"error\",\"expiresInSeconds\":86401}",
                        "expiresInSeconds must be between 1 and 86400, got 86401"),
                bad("expiresInSeconds not a number", "{\"mode\":\"error\",\"expiresInSeconds\":\"soon\"}",
                        "expiresInSeconds must be a whole number"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadPutBodyAnswers400NamingTheProblem(String body, String[] expectedFragments) {
        assertError(put(body), 400, expectedFragments);
        assertEquals(0, CALLS.writes(), "bad input must not reach the table");
    }

    @Test
    void aBodyOver64KiBAnswers413() {
        String body = "{\"mode\":\"error\"}" + " ".repeat(HttpApiRequest.MAX_BODY_BYTES);

        assertError(put(body), 413, "too large", "65536");
        assertEquals(0, CALLS.total());
    }

    @Test
    void aBodyOfExactly64KiBIsAccepted() {
        String json = "{\"mode\":\"error\"}";
        String body = json + " ".repeat(HttpApiRequest.MAX_BODY_BYTES - json.length());

        assertEquals(200, put(body).getStatusCode());
    }

    @Test
    void aBodyOver64KiBOnlyInUtf8BytesAnswers413() {
        // 30 000 chars, 90 000 bytes: the limit is on bytes, not chars.
        String body = "{\"mode\":\"error\",\"x\":\"" + "€".repeat(30_000) + "\"}";

        assertError(put(body), 413, "too large");
    }

    @Test
    void aBase64BodyOver64KiBAnswers413() {
        byte[] big = ("{\"mode\":\"error\"}" + " ".repeat(HttpApiRequest.MAX_BODY_BYTES)).getBytes(StandardCharsets.UTF_8);

        assertError(handle(request("PUT", "/faults").base64Body(big).build()), 413, "too large");
    }

    @Test
    void aBase64BodyIsDecoded() {
        APIGatewayV2HTTPResponse response = handle(request("PUT", "/faults")
                .base64Body("{\"mode\":\"unavailable\",\"expiresInSeconds\":30}").build());

        assertEquals(200, response.getStatusCode(), response::getBody);
        assertEquals(FaultMode.UNAVAILABLE, faults.store().read().orElseThrow().mode());
        faults.store().clear();
    }

    @Test
    void invalidBase64Answers400() {
        assertError(handle(request("PUT", "/faults").rawBase64Body("not*base64!").build()), 400, "not valid base64");
    }

    @Test
    void base64OfMalformedJsonAnswers400() {
        assertError(handle(request("PUT", "/faults").base64Body("{\"mode\":").build()), 400, "malformed JSON");
    }

    @Test
    void base64OfBytesThatAreNotUtf8Answers400() {
        byte[] latin1 = "{\"mode\":\"err\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertError(handle(request("PUT", "/faults").base64Body(latin1).build()), 400, "malformed JSON");
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                argumentSet("unknown X-Fault-Mode", new String[] {"x-fault-mode", "explode"},
                        new String[] {"unknown X-Fault-Mode 'explode'", "throttle"}),
                argumentSet("X-Fault-Latency-Ms not a number", new String[] {"x-fault-mode", "latency", "x-fault-latency-ms", "slow"},
                        new String[] {"X-Fault-Latency-Ms must be a whole number of milliseconds or a range", "slow"}),
                argumentSet("negative X-Fault-Latency-Ms", new String[] {"x-fault-mode", "latency", "x-fault-latency-ms", "-5"},
                        new String[] {"X-Fault-Latency-Ms must not be negative, got -5"}),
                argumentSet("X-Fault-Latency-Ms beyond the maximum", new String[] {"x-fault-mode", "latency", "x-fault-latency-ms", "999999"},
                        new String[] {"X-Fault-Latency-Ms 999999 exceeds the maximum fault latency"}),
                argumentSet("X-Fault-Latency-Ms range upside down", new String[] {"x-fault-mode", "latency", "x-fault-latency-ms", "500-100"},
                        new String[] {"X-Fault-Latency-Ms range '500-100'", "minimum above its maximum"}),
                argumentSet("latency mode without X-Fault-Latency-Ms", new String[] {"x-fault-mode", "latency"},
                        new String[] {"X-Fault-Latency-Ms is required for mode 'latency'"}),
                argumentSet("X-Fault-Latency-Ms on error mode", new String[] {"x-fault-mode", "error", "x-fault-latency-ms", "5"},
                        new String[] {"X-Fault-Latency-Ms is only valid with mode 'latency' or 'timeout'"}),
                argumentSet("X-Fault-Status-Code outside 500-599", new String[] {"x-fault-mode", "error", "x-fault-status-code", "404"},
                        new String[] {"X-Fault-Status-Code must be between 500 and 599, got 404"}),
                argumentSet("X-Fault-Status-Code not a number", new String[] {"x-fault-mode", "error", "x-fault-status-code", "five hundred"},
                        new String[] {"X-Fault-Status-Code must be a whole number", "five hundred"}),
                argumentSet("X-Fault-Status-Code on throttle", new String[] {"x-fault-mode", "throttle", "x-fault-status-code", "503"},
                        new String[] {"X-Fault-Status-Code is only valid with mode 'error'"}),
                argumentSet("X-Fault-Probability above 1", new String[] {"x-fault-mode", "error", "x-fault-probability", "2"},
                        new String[] {"X-Fault-Probability must be between 0 and 1, got 2.0"}),
                argumentSet("X-Fault-Probability NaN", new String[] {"x-fault-mode", "error", "x-fault-probability", "NaN"},
                        new String[] {"X-Fault-Probability must be between 0 and 1, got NaN"}),
                argumentSet("X-Fault-Probability not a number", new String[] {"x-fault-mode", "error", "x-fault-probability", "often"},
                        new String[] {"X-Fault-Probability must be a number between 0 and 1, got 'often'"}));
    }

    @ParameterizedTest
    @MethodSource("badHeaders")
    void aBadFaultHeaderAnswers400NamingTheHeader(String[] headers, String[] expectedFragments) {
        HttpApiEventBuilder builder = request("GET", "/downstream");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }

        assertError(handle(builder.build()), 400, expectedFragments);
        assertEquals(0, CALLS.total(), "a bad header is rejected before any table access");
    }

    @Test
    void aHugeEchoedValueIsShortenedInTheMessage() {
        APIGatewayV2HTTPResponse response = put("{\"mode\":\"" + "x".repeat(10_000) + "\"}");

        assertError(response, 400, "unknown mode");
        assertTrue(response.getBody().length() < 400, response::getBody);
    }

    private static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, TestLambdaContext.withRemainingMillis(10_000));
    }
}
