package dev.circuitlab.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.function.FunctionEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamConfigTest {

    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, "CircuitState",
                UpstreamConfig.DOWNSTREAM_URL, "https://abc.execute-api.eu-west-1.amazonaws.com/"));
    }

    @Test
    void defaults() {
        UpstreamConfig c = UpstreamConfig.fromEnvironment(minimal());

        assertEquals("CircuitState", c.tableName());
        assertEquals(URI.create("https://abc.execute-api.eu-west-1.amazonaws.com"), c.downstreamUrl());
        assertEquals(URI.create("https://abc.execute-api.eu-west-1.amazonaws.com/downstream"), c.downstreamCallUrl());
        assertEquals("downstream", c.circuitId());
        assertTrue(c.breakerEnabled());
        assertEquals(FallbackMode.NONE, c.fallbackMode());
        assertNull(c.dynamoDbEndpoint());
        assertNull(c.region());
        assertEquals(5, c.breaker().failureThreshold());
        assertEquals(Duration.ofSeconds(2), c.breaker().callTimeout());
    }

    @Test
    void everyVariableIsRead() {
        Map<String, String> env = minimal();
        env.put(UpstreamConfig.CIRCUIT_ID, "inventory");
        env.put(UpstreamConfig.BREAKER_ENABLED, "FALSE");
        env.put(UpstreamConfig.FALLBACK_MODE, "Static");
        env.put(FunctionEnvironment.DYNAMODB_ENDPOINT, "http://127.0.0.1:8000");
        env.put(CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, "7");
        env.put(CircuitBreakerConfig.ENV_CALL_TIMEOUT_MS, "250");

        UpstreamConfig c = UpstreamConfig.fromEnvironment(env);

        assertEquals("inventory", c.circuitId());
        assertFalse(c.breakerEnabled());
        assertEquals(FallbackMode.STATIC, c.fallbackMode());
        assertEquals(URI.create("http://127.0.0.1:8000"), c.dynamoDbEndpoint());
        assertEquals("us-east-1", c.region(), "a local endpoint without AWS_REGION gets a default region");
        assertEquals(7, c.breaker().failureThreshold());
        assertEquals(Duration.ofMillis(250), c.breaker().callTimeout());
    }

    @Test
    void blankOptionalValuesMeanDefaults() {
        Map<String, String> env = minimal();
        env.put(FunctionEnvironment.DYNAMODB_ENDPOINT, ""); // what the template passes in AWS
        env.put(UpstreamConfig.CIRCUIT_ID, " ");
        env.put(UpstreamConfig.FALLBACK_MODE, "");
        env.put(FunctionEnvironment.AWS_REGION, "eu-west-1");

        UpstreamConfig c = UpstreamConfig.fromEnvironment(env);

        assertNull(c.dynamoDbEndpoint());
        assertEquals("downstream", c.circuitId());
        assertEquals(FallbackMode.NONE, c.fallbackMode());
        assertEquals("eu-west-1", c.region());
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource(delimiter = '|', value = {
            "CIRCUIT_TABLE_NAME|",
            "DOWNSTREAM_URL|",
            "DOWNSTREAM_URL|ftp://example.com",
            "DOWNSTREAM_URL|not a url",
            "DOWNSTREAM_URL|http://example.com/?q=1",
            "CIRCUIT_ID|bad id!",
            "BREAKER_ENABLED|maybe",
            "FALLBACK_MODE|cache",
            "DYNAMODB_ENDPOINT|localhost:8000",
            "CIRCUIT_FAILURE_THRESHOLD|abc",
            "CIRCUIT_FAILURE_THRESHOLD|0",
            "CIRCUIT_CALL_TIMEOUT_MS|-5",
            "CIRCUIT_STORE_FAILURE_POLICY|SOMETIMES"})
    void invalidValuesFailNamingTheVariable(String variable, String value) {
        Map<String, String> env = minimal();
        if (value == null) {
            env.remove(variable);
        } else {
            env.put(variable, value);
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UpstreamConfig.fromEnvironment(env));

        assertTrue(e.getMessage().contains(variable), e.getMessage());
        if (value != null && !value.isBlank()) {
            assertTrue(e.getMessage().contains(value), e.getMessage());
        }
    }

    @Test
    void theHandlerFailsItsInitOnBadConfiguration() {
        Map<String, String> env = minimal();
        env.put(UpstreamConfig.BREAKER_ENABLED, "yes");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpstreamHandler.fromEnvironment(env));

        assertTrue(e.getMessage().contains("BREAKER_ENABLED"), e.getMessage());
    }

    @Test
    void theHandlerBuildsFromAValidEnvironmentWithoutNetworkAccess() {
        Map<String, String> env = minimal();
        env.put(FunctionEnvironment.DYNAMODB_ENDPOINT, "http://127.0.0.1:1");
        // Construction must not touch DynamoDB or the downstream (both unreachable here).
        UpstreamHandler.fromEnvironment(env);
    }
}
