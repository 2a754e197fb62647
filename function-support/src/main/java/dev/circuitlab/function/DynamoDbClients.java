package dev.circuitlab.function;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds a function's one DynamoDB client, for the life of the instance.
 *
 * <p>The HTTP client is the URLConnection one: small and fast to start. It has no pool setting; the
 * JDK's keep-alive cache keeps up to {@code http.maxConnections} (5 by default) connections per
 * destination, plenty for Lambda's one request at a time (the local runtime, which runs every
 * environment in one JVM, raises it).
 */
public final class DynamoDbClients {

    private DynamoDbClients() {
    }

    /**
     * @param endpoint    a local DynamoDB-API server, or null for AWS
     * @param region      null: the SDK's default region chain
     * @param environment the function's environment (the credentials: {@link FunctionCredentials})
     * @throws IllegalArgumentException when the client cannot be built (no region anywhere)
     */
    public static DynamoDbClient create(DynamoDbClientSettings settings, URI endpoint, String region,
                                        Map<String, String> environment) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.socketTimeout())
                        .build())
                .overrideConfiguration(o -> {
                    o.apiCallTimeout(settings.apiCallTimeout())
                            // Not DynamoDB's legacy default of 8 retries: far too patient for a request path.
                            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                    .maxAttempts(settings.maxAttempts())
                                    .build());
                    if (settings.attemptTimeout() != null) {
                        o.apiCallAttemptTimeout(settings.attemptTimeout());
                    }
                });
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        builder.credentialsProvider(FunctionCredentials.provider(endpoint, environment));
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("cannot build the DynamoDB client (set " + FunctionEnvironment.AWS_REGION
                    + ", or " + FunctionEnvironment.DYNAMODB_ENDPOINT + " for a local server): " + e.getMessage(), e);
        }
    }
}
