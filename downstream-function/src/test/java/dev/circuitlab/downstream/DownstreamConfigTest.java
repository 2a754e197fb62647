package dev.circuitlab.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.function.BadRequestException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownstreamConfigTest {

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("FAULT_TABLE_NAME", "FaultConfig");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    static void assertRejected(Map<String, String> env, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DownstreamConfig.fromEnvironment(env));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " should mention " + fragment);
        }
    }

    @Test
    void onlyTheTableIsRequiredAndEverythingElseHasSafeDefaults() {
        DownstreamConfig config = DownstreamConfig.fromEnvironment(env());

        assertEquals("FaultConfig", config.faultTableName());
        assertFalse(config.faultInjectionEnabled(), "faults are off unless a stack turns them on");
        assertNull(config.dynamoDbEndpoint());
        assertNull(config.region(), "no AWS_REGION and no endpoint: the SDK's default chain decides");
        assertEquals(Duration.ofSeconds(1), config.faultCacheTtl());
        assertEquals(Duration.ofMillis(25_000), config.maxFaultLatency());
    }

    @Test
    void aMissingOrBlankTableNameIsAClearError() {
        assertRejected(Map.of(), "FAULT_TABLE_NAME is required");
        assertRejected(Map.of("FAULT_TABLE_NAME", "  "), "FAULT_TABLE_NAME is required");
    }

    @Test
    void faultInjectionEnabledAcceptsTrueAndFalseInAnyCase() {
        assertTrue(DownstreamConfig.fromEnvironment(env("FAULT_INJECTION_ENABLED", "true")).faultInjectionEnabled());
        assertTrue(DownstreamConfig.fromEnvironment(env("FAULT_INJECTION_ENABLED", " TRUE ")).faultInjectionEnabled());
        assertFalse(DownstreamConfig.fromEnvironment(env("FAULT_INJECTION_ENABLED", "false")).faultInjectionEnabled());
        assertFalse(DownstreamConfig.fromEnvironment(env("FAULT_INJECTION_ENABLED", "")).faultInjectionEnabled());
    }

    @Test
    void faultInjectionEnabledRejectsAnythingElse() {
        assertRejected(env("FAULT_INJECTION_ENABLED", "yes"), "FAULT_INJECTION_ENABLED", "'yes'");
    }

    @Test
    void anEndpointOverrideDefaultsTheRegionToUsEast1() {
        DownstreamConfig config = DownstreamConfig.fromEnvironment(env("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"));

        assertEquals(URI.create("http://127.0.0.1:8000"), config.dynamoDbEndpoint());
        assertEquals("us-east-1", config.region());
    }

    @Test
    void anExplicitRegionWins() {
        assertEquals("eu-west-1", DownstreamConfig.fromEnvironment(
                env("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000", "AWS_REGION", "eu-west-1")).region());
        assertEquals("eu-west-1", DownstreamConfig.fromEnvironment(env("AWS_REGION", "eu-west-1")).region());
    }

    @Test
    void anEmptyEndpointMeansTheAwsDefault() {
        assertNull(DownstreamConfig.fromEnvironment(env("DYNAMODB_ENDPOINT", "")).dynamoDbEndpoint());
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsAClearError() {
        assertRejected(env("DYNAMODB_ENDPOINT", "127.0.0.1:8000"), "DYNAMODB_ENDPOINT");
        assertRejected(env("DYNAMODB_ENDPOINT", "ftp://127.0.0.1"), "DYNAMODB_ENDPOINT", "http(s)");
        assertRejected(env("DYNAMODB_ENDPOINT", "http://[bad"), "DYNAMODB_ENDPOINT");
    }

    @Test
    void cacheTtlAndMaxLatencyAreRead() {
        DownstreamConfig config = DownstreamConfig.fromEnvironment(env("FAULT_CACHE_TTL_MS", "0", "MAX_FAULT_LATENCY_MS", "5000"));

        assertEquals(Duration.ZERO, config.faultCacheTtl());
        assertEquals(Duration.ofSeconds(5), config.maxFaultLatency());
    }

    @Test
    void badNumbersAreClearErrors() {
        assertRejected(env("FAULT_CACHE_TTL_MS", "-1"), "FAULT_CACHE_TTL_MS must be a whole number", ">= 0", "'-1'");
        assertRejected(env("MAX_FAULT_LATENCY_MS", "25s"), "MAX_FAULT_LATENCY_MS must be a whole number", "'25s'");
    }

    @Test
    void maxFaultLatencyBoundsWhatFaultsMayAskFor() {
        DownstreamConfig config = DownstreamConfig.fromEnvironment(env("MAX_FAULT_LATENCY_MS", "100"));
        FaultConfigParser parser = new FaultConfigParser(config.maxFaultLatency());

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> parser.parseHeaders(Map.of("X-Fault-Mode", "latency", "X-Fault-Latency-Ms", "101")::get));
        assertTrue(e.getMessage().contains("exceeds the maximum fault latency of 100 ms"), e.getMessage());
    }
}
