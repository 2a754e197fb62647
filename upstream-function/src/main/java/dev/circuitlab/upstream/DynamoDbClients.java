package dev.circuitlab.upstream;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the function's one DynamoDB client. The breaker consults DynamoDB on the request path, so
 * the client is tuned to give up quickly: an unhealthy table must cost a call at most about a
 * second before the breaker falls back (DESIGN.md guarantee 4), not the SDK's default retries.
 */
final class DynamoDbClients {

    /** Whole call, retries included. DynamoDB answers in single-digit milliseconds when healthy. */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(1);
    /** One attempt; leaves room for the one retry within {@link #API_CALL_TIMEOUT}. */
    static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofMillis(600);
    static final int MAX_ATTEMPTS = 2;
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(1);

    private DynamoDbClients() {
    }

    /**
     * @param env the function's environment: with a local endpoint, credentials come from its
     *            {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} or are dummies (local servers
     *            do not check them); in AWS, the SDK's default chain (refreshing, SnapStart-safe) is used
     */
    static DynamoDbClient forFunction(UpstreamConfig config, Map<String, String> env) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(API_CALL_TIMEOUT)
                        .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .build())
                        .build());
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(config.dynamoDbEndpoint()).credentialsProvider(localCredentials(env));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("cannot build the DynamoDB client (set " + UpstreamConfig.AWS_REGION
                    + ", or " + UpstreamConfig.DYNAMODB_ENDPOINT + " for a local server): " + e.getMessage(), e);
        }
    }

    private static AwsCredentialsProvider localCredentials(Map<String, String> env) {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, token));
    }
}
