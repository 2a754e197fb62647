package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.downstream.DownstreamConfig;
import dev.circuitlab.downstream.DownstreamHandler;
import dev.circuitlab.downstream.FaultStore;
import dev.circuitlab.function.FunctionEnvironment;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.testing.LocalCredentials;
import dev.circuitlab.testing.SigV4Requests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance scenario over real HTTP on loopback: a client calls the upstream handler,
 * which calls the real downstream handler, each behind an HTTP server that turns requests into
 * API Gateway events; both keep their state in a real DynamoDB-API server. Faults are set through
 * the downstream's {@code /faults} API; the breaker's clock is moved by hand.
 */
@ExtendWith(DynamoDbExtension.class)
class UpstreamEndToEndTest {

    private static final int THRESHOLD = 3;
    private static final int SUCCESS_THRESHOLD = 2;
    private static final Duration OPEN = Duration.ofSeconds(30);
    /** The upstream signs its calls, as in AWS; the adapter in front of the downstream passes them as IAM-authorized. */
    private static final SigV4RequestSigner SIGNER = new SigV4RequestSigner(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), "us-east-1");
    private static final SigV4Requests OPERATOR = new SigV4Requests(LocalCredentials.DEFAULT);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private DynamoDbClient dynamo;
    private String circuitTable;
    private String faultTable;
    private LambdaHttpAdapter downstream;
    private LambdaHttpAdapter upstream;
    private MutableClock clock;

    @BeforeEach
    void start(DynamoDbEndpoint endpoint) throws IOException {
        dynamo = endpoint.client();
        circuitTable = DynamoDbEndpoint.uniqueTableName("circuits");
        faultTable = DynamoDbEndpoint.uniqueTableName("faults");
        dynamo.createTable(DynamoDbCircuitStateStore.createTableRequest(circuitTable));
        FaultStore.createTable(dynamo, faultTable);

        downstream = LambdaHttpAdapter.serve(DownstreamHandler.fromEnvironment(Map.of(
                DownstreamConfig.FAULT_TABLE_NAME, faultTable,
                DownstreamConfig.FAULT_INJECTION_ENABLED, "true",
                FunctionEnvironment.DYNAMODB_ENDPOINT, endpoint.uri().toString(),
                DownstreamConfig.FAULT_CACHE_TTL_MS, "0")));

        UpstreamConfig config = UpstreamConfig.fromEnvironment(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, circuitTable,
                UpstreamConfig.DOWNSTREAM_URL, downstream.baseUrl().toString(),
                CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, Integer.toString(THRESHOLD),
                CircuitBreakerConfig.ENV_SUCCESS_THRESHOLD, Integer.toString(SUCCESS_THRESHOLD),
                CircuitBreakerConfig.ENV_OPEN_DURATION_MS, Long.toString(OPEN.toMillis()),
                CircuitBreakerConfig.ENV_CALL_TIMEOUT_MS, "2000"));
        clock = MutableClock.startingNow();
        upstream = LambdaHttpAdapter.serve(new UpstreamHandler(UpstreamComponents.of(config,
                new DynamoDbCircuitStateStore(dynamo, circuitTable),
                new HttpDownstreamClient(() -> HttpDownstreamClient.newHttpClient(config.breaker().callTimeout()),
                        config.downstreamCallUrl(), SIGNER),
                clock)));
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (downstream != null) {
            downstream.close();
        }
        dynamo.deleteTable(b -> b.tableName(circuitTable));
        dynamo.deleteTable(b -> b.tableName(faultTable));
        dynamo.close();
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> callUpstream() throws Exception {
        return send(upstream.baseUrl(), "GET", "/upstream", null);
    }

    private String circuitState() throws Exception {
        HttpResponse<String> r = send(upstream.baseUrl(), "GET", "/circuits/downstream", null);
        assertEquals(200, r.statusCode(), r.body());
        return HttpApiEvents.MAPPER.readTree(r.body()).path("state").asText();
    }

    private int downstreamCalls() {
        return downstream.invocations("/downstream");
    }

    private static String state(HttpResponse<String> r) {
        return r.headers().firstValue("X-Circuit-State").orElse(null);
    }

    @Test
    void theBreakerOpensOnAFailingDownstreamShedsLoadAndRecovers() throws Exception {
        // Healthy: the downstream payload comes through.
        HttpResponse<String> healthy = callUpstream();
        assertEquals(200, healthy.statusCode(), healthy.body());
        assertEquals("CLOSED", state(healthy));
        assertEquals("sku-1001", HttpApiEvents.MAPPER.readTree(healthy.body()).path("item").path("id").asText());
        assertEquals(1, downstreamCalls());

        // The downstream starts failing every request.
        HttpResponse<String> fault = send(downstream.baseUrl(), "PUT", "/faults", "{\"mode\":\"error\",\"probability\":1}");
        assertEquals(200, fault.statusCode(), fault.body());
        for (int i = 0; i < THRESHOLD; i++) {
            HttpResponse<String> failed = callUpstream();
            assertEquals(502, failed.statusCode(), failed.body());
            assertEquals("ERROR", HttpApiEvents.MAPPER.readTree(failed.body()).path("reason").asText());
        }
        assertEquals(1 + THRESHOLD, downstreamCalls());
        assertEquals("OPEN", circuitState());

        // Open: fast 503s, and the downstream is left alone.
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            HttpResponse<String> rejected = callUpstream();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, rejected.statusCode(), rejected.body());
            assertEquals("OPEN", state(rejected));
            assertTrue(Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow()) >= 1);
            JsonNode body = HttpApiEvents.MAPPER.readTree(rejected.body());
            assertEquals("circuit open", body.path("error").asText());
            assertTrue(millis < 1_000, "a rejection is fast, took " + millis + " ms");
        }
        assertEquals(1 + THRESHOLD, downstreamCalls(), "no rejected call reached the downstream");

        // Cool-down over: one probe goes through; the fault is still on, so the circuit re-opens.
        clock.advance(OPEN.plusSeconds(1));
        HttpResponse<String> failedProbe = callUpstream();
        assertEquals(502, failedProbe.statusCode());
        assertEquals(2 + THRESHOLD, downstreamCalls(), "the probe reached the downstream");
        assertEquals("OPEN", circuitState());
        assertEquals(503, callUpstream().statusCode());
        assertEquals(2 + THRESHOLD, downstreamCalls());

        // The downstream recovers; after the next cool-down the probes succeed and close the circuit.
        assertEquals(200, send(downstream.baseUrl(), "DELETE", "/faults", null).statusCode());
        clock.advance(OPEN.plusSeconds(1));
        for (int i = 1; i <= SUCCESS_THRESHOLD; i++) {
            HttpResponse<String> probe = callUpstream();
            assertEquals(200, probe.statusCode(), probe.body());
            assertEquals(i < SUCCESS_THRESHOLD ? "HALF_OPEN" : "CLOSED", state(probe), "after probe " + i);
        }
        assertEquals("CLOSED", circuitState());
        HttpResponse<String> closed = callUpstream();
        assertEquals(200, closed.statusCode());
        assertEquals("CLOSED", state(closed));
        assertEquals(3 + THRESHOLD + SUCCESS_THRESHOLD, downstreamCalls());
    }

    @Test
    void aSignedRequestsFaultHeadersReachTheDownstreamThroughTheUpstream() throws Exception {
        HttpRequest request = OPERATOR.builder("GET", upstream.baseUrl().resolve("/upstream/with-faults"),
                        Map.of("X-Fault-Mode", "unavailable"), null)
                .timeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(502, r.statusCode(), r.body());
        JsonNode body = HttpApiEvents.MAPPER.readTree(r.body());
        assertEquals("ERROR", body.path("reason").asText());
        assertEquals(503, body.path("downstreamStatus").asInt());
        assertEquals(200, callUpstream().statusCode(), "without the header the downstream is healthy");
    }

    @Test
    void anAnonymousRequestsFaultHeadersDoNotReachTheDownstream() throws Exception {
        for (int i = 0; i < THRESHOLD + 2; i++) {
            HttpRequest request = HttpRequest.newBuilder(upstream.baseUrl().resolve("/upstream"))
                    .header("X-Fault-Mode", "error")
                    .timeout(Duration.ofSeconds(10)).GET().build();

            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("CLOSED", state(r));
        }
        assertEquals("CLOSED", circuitState());
    }
}
