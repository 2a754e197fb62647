package dev.circuitlab.testing;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * A real DynamoDB-API endpoint for tests (dynalite, moto_server, LocalStack or the one in DYNAMODB_ENDPOINT).
 *
 * @param uri  where the API listens
 * @param kind "dynalite", "moto", "localstack" or "env"
 */
public record DynamoDbEndpoint(URI uri, String kind) {

    public static final Region REGION = Region.US_EAST_1;

    /** A client with dummy credentials, a short timeout and no retries (tests want to see every request). */
    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return clientBuilder(uri, interceptors).build();
    }

    /** A client builder for any endpoint, configured the way the tests and the local runtime use it. */
    public static DynamoDbClientBuilder clientBuilder(URI endpoint, ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallTimeout(Duration.ofSeconds(10));
        for (ExecutionInterceptor i : interceptors) {
            override.addExecutionInterceptor(i);
        }
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10))
                        .build())
                .overrideConfiguration(override.build());
    }

    /** A table name no other test uses, so tests sharing one server never see each other's items. */
    public static String uniqueTableName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
