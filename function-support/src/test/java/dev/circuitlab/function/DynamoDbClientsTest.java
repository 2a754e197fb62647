package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The settings reach the client. Nothing here sends a request. */
class DynamoDbClientsTest {

    private static final URI LOCAL = URI.create("http://127.0.0.1:1");

    @Test
    void timeoutsAndAttemptsAreTheGivenOnes() {
        DynamoDbClientSettings tight = new DynamoDbClientSettings(Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(600), 2);
        try (DynamoDbClient client = DynamoDbClients.create(tight, LOCAL, "us-east-1", Map.of())) {
            ClientOverrideConfiguration o = client.serviceClientConfiguration().overrideConfiguration();
            assertEquals(Optional.of(Duration.ofSeconds(1)), o.apiCallTimeout());
            assertEquals(Optional.of(Duration.ofMillis(600)), o.apiCallAttemptTimeout());
            assertEquals(2, o.retryStrategy().orElseThrow().maxAttempts());
            assertEquals(Optional.of(LOCAL), client.serviceClientConfiguration().endpointOverride());
            assertEquals("us-east-1", client.serviceClientConfiguration().region().id());
        }
    }

    @Test
    void withoutAnAttemptTimeoutOnlyTheCallTimeoutBoundsAnAttempt() {
        DynamoDbClientSettings patient = new DynamoDbClientSettings(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), null, 3);
        try (DynamoDbClient client = DynamoDbClients.create(patient, LOCAL, "eu-west-1", Map.of())) {
            ClientOverrideConfiguration o = client.serviceClientConfiguration().overrideConfiguration();
            assertEquals(Optional.of(Duration.ofSeconds(3)), o.apiCallTimeout());
            assertTrue(o.apiCallAttemptTimeout().isEmpty());
            assertEquals(3, o.retryStrategy().orElseThrow().maxAttempts());
        }
    }

    @Test
    void aLocalEndpointSignsWithTheFunctionsOwnCredentials() {
        DynamoDbClientSettings settings = new DynamoDbClientSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), null, 1);
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIDFUNCTION", "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_SESSION_TOKEN", "token");
        try (DynamoDbClient client = DynamoDbClients.create(settings, LOCAL, "us-east-1", env)) {
            AwsCredentials credentials = (AwsCredentials) client.serviceClientConfiguration().credentialsProvider()
                    .resolveIdentity().join();
            assertEquals("AKIDFUNCTION", credentials.accessKeyId());
            assertEquals("token", assertInstanceOf(AwsSessionCredentials.class, credentials).sessionToken());
        }
    }

    @Test
    void settingsNeedAtLeastOneAttempt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DynamoDbClientSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        null, 0));
        assertTrue(e.getMessage().contains("maxAttempts"), e.getMessage());
    }
}
