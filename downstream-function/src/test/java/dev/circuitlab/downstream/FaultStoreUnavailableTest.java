package dev.circuitlab.downstream;

import static dev.circuitlab.downstream.HttpApiEventBuilder.get;
import static dev.circuitlab.downstream.HttpApiEventBuilder.request;
import static dev.circuitlab.downstream.Responses.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.function.DynamoDbClients;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.testing.TestLambdaContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fault table that cannot be reached (a closed loopback port): {@code /faults} answers a JSON 503
 * and {@code /downstream} keeps serving. Nothing here needs a DynamoDB server.
 */
class FaultStoreUnavailableTest {

    /** Port 1 on loopback: nothing listens, so connections are refused at once. */
    static final URI CLOSED_PORT = URI.create("http://127.0.0.1:1");
    static final String TABLE = "faults-unreachable";

    static DynamoDbClient client;
    static DownstreamHandler handler;

    /** No retries, so each refused call fails fast. */
    static DynamoDbClient unreachableClient() {
        return DynamoDbEndpoint.clientBuilder(CLOSED_PORT)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(5)))
                .build();
    }

    @BeforeAll
    static void pointAtAClosedPort() {
        client = unreachableClient();
        handler = new DownstreamHandler(DownstreamComponents.of(new FaultStore(client, TABLE),
                DownstreamConfig.of(TABLE, true).withFaultCacheTtl(Duration.ZERO),
                new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), new Random(1), new RecordingSleeper()));
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    static void assertStoreUnavailable(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, TestLambdaContext.withRemainingMillis(5_000));
        assertError(response, 503);
        assertEquals("{\"error\":\"fault store unavailable\"}", response.getBody());
    }

    @Test
    void getFaultsAnswers503() {
        assertStoreUnavailable(get("/faults"));
    }

    @Test
    void putFaultsAnswers503() {
        assertStoreUnavailable(request("PUT", "/faults").body("{\"mode\":\"error\"}").build());
    }

    @Test
    void deleteFaultsAnswers503() {
        assertStoreUnavailable(request("DELETE", "/faults").build());
    }

    @Test
    void aBadBodyIsStillA400BecauseValidationComesFirst() {
        assertError(handler.handleRequest(request("PUT", "/faults").body("{\"mode\":\"explode\"}").build(), null),
                400, "unknown mode 'explode'");
    }

    @Test
    void downstreamKeepsServingWithoutThePersistentFault() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(get("/downstream"), TestLambdaContext.withRemainingMillis(5_000));

        assertEquals(200, response.getStatusCode(), response::getBody);
        assertEquals("sku-1001", Responses.json(response).path("item").path("id").asText());
    }

    @Test
    void perRequestFaultsStillWorkBecauseTheyNeedNoStore() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                request("GET", "/downstream").header("x-fault-mode", "unavailable").build(), null);

        assertEquals(503, response.getStatusCode());
        assertEquals("unavailable", response.getHeaders().get("X-Fault-Injected"));
    }

    @Test
    void theStoreReportsTheFailedOperationAndTable() {
        FaultStoreException e = assertThrows(FaultStoreException.class, () -> new FaultStore(client, TABLE).read());
        assertTrue(e.getMessage().contains("GetItem") && e.getMessage().contains(TABLE), e.getMessage());
    }

    @Test
    void theProductionClientAlsoEndsInA503() {
        DownstreamConfig config = DownstreamConfig.of(TABLE, true).withDynamoDbEndpoint(CLOSED_PORT, "us-east-1");
        try (DynamoDbClient production = DynamoDbClients.create(DownstreamComponents.DYNAMODB_CLIENT,
                config.dynamoDbEndpoint(), config.region(), Map.of())) {
            DownstreamHandler real = new DownstreamHandler(DownstreamComponents.of(new FaultStore(production, TABLE),
                    config, new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), new Random(1), Sleeper.THREAD));

            APIGatewayV2HTTPResponse response = real.handleRequest(get("/faults"), null);
            assertEquals("{\"error\":\"fault store unavailable\"}", response.getBody());
            assertEquals(503, response.getStatusCode());
        }
    }
}
