package dev.circuitlab.experiments.reference;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The yardstick for the functions' cold start (never deployed): what one would write without this
 * project, a handler that builds one {@link DynamoDbClient} and, per request, reads the circuit item
 * once (strongly consistent) and makes one plain HTTP GET to the downstream, relaying its answer.
 *
 * <p>It has the upstream's environment and the same SDK choices (the URLConnection HTTP client with
 * the upstream's connect and socket timeouts, the region from {@code AWS_REGION}, the endpoint
 * override for a local server) and nothing else: the SDK's default credentials chain, default
 * retries, no breaker, no metrics, no logs, no signing, a body relayed as text. Its own runtime
 * classpath is resolved from {@code lab-experiments/reference-handler/pom.xml}.
 */
public final class ReferenceHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private final DynamoDbClient dynamoDb;
    private final HttpClient http;
    private final String tableName;
    private final String circuitId;
    private final URI downstream;

    public ReferenceHandler() {
        Map<String, String> env = System.getenv();
        tableName = env.get("CIRCUIT_TABLE_NAME");
        circuitId = env.getOrDefault("CIRCUIT_ID", "downstream");
        downstream = URI.create(env.get("DOWNSTREAM_URL") + "/downstream");
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofMillis(500))
                        .socketTimeout(Duration.ofSeconds(1))
                        .build())
                .region(Region.of(env.get("AWS_REGION")));
        String endpoint = env.get("DYNAMODB_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        dynamoDb = builder.build();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CALL_TIMEOUT).build();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        dynamoDb.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(Map.of("circuitId", AttributeValue.fromS(circuitId)))
                .consistentRead(true)
                .build());
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(downstream).GET().timeout(CALL_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.statusCode())
                .withHeaders(Map.of("Content-Type", response.headers().firstValue("Content-Type").orElse("application/json")))
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
