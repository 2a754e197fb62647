package dev.circuitlab.experiments.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.function.FunctionEnvironment;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.upstream.UpstreamComponents;
import dev.circuitlab.upstream.UpstreamConfig;
import dev.circuitlab.upstream.UpstreamHandler;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real upstream handler (built from {@code UpstreamComponents.of}) over the real DynamoDB store on
 * dynalite, with a {@link CountingInterceptor} on the DynamoDB client, a {@link FakeDownstream}
 * and a {@link MutableClock}: what one upstream request costs, by state, without HTTP in the way.
 * Each "environment" is its own handler instance (its own breaker and state cache), as in Lambda.
 */
final class UpstreamHarness implements AutoCloseable {

    final CountingInterceptor counter = new CountingInterceptor();
    final FakeDownstream downstream = new FakeDownstream();
    final MutableClock clock = MutableClock.startingNow();
    private final DynamoDbClient client;
    private final DynamoDbClient plain;
    private final String table;
    private final String circuitId;
    private final Map<String, String> env;

    UpstreamHarness(URI endpoint, String table, Map<String, String> settings) {
        this.client = DynamoDbEndpoint.clientBuilder(endpoint, counter).build();
        this.plain = DynamoDbEndpoint.clientBuilder(endpoint).build();
        this.table = table;
        this.circuitId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        this.env = new HashMap<>();
        env.put(UpstreamConfig.CIRCUIT_TABLE_NAME, table);
        env.put(UpstreamConfig.DOWNSTREAM_URL, "http://127.0.0.1:9");
        env.put(UpstreamConfig.CIRCUIT_ID, circuitId);
        env.put(FunctionEnvironment.DYNAMODB_ENDPOINT, endpoint.toString());
        env.putAll(settings);
    }

    String circuitId() {
        return circuitId;
    }

    UpstreamConfig config() {
        return UpstreamConfig.fromEnvironment(env);
    }

    /** A new execution environment: its own handler and breaker over the shared table and client. */
    UpstreamHandler newEnvironment() {
        return new UpstreamHandler(UpstreamComponents.of(config(), new DynamoDbCircuitStateStore(client, table),
                downstream, clock));
    }

    static APIGatewayV2HTTPEvent event(String method, String path) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withHeaders(Map.of("accept", "application/json"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .withRequestId(UUID.randomUUID().toString())
                        .withStage("$default")
                        .build())
                .build();
    }

    static int get(UpstreamHandler h) {
        APIGatewayV2HTTPResponse r = h.handleRequest(event("GET", "/upstream"), null);
        return r.getStatusCode();
    }

    /** The stored state, read with a client the counter does not see. */
    String storedState() {
        return new DynamoDbCircuitStateStore(plain, table).load(circuitId).state().name();
    }

    void reset(UpstreamHandler h) {
        int status = h.handleRequest(event("POST", "/circuits/" + circuitId + "/reset"), null).getStatusCode();
        if (status != 200) {
            throw new IllegalStateException("reset answered " + status);
        }
    }

    @Override
    public void close() {
        client.close();
        plain.close();
    }
}
