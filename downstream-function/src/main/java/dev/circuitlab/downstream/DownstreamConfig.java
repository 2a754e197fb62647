package dev.circuitlab.downstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The downstream function's settings, read from its environment in one place
 * ({@link #fromEnvironment(Map)}) so that Lambda, the local runtime and tests configure it the same way.
 *
 * @param faultTableName        DynamoDB table holding the persistent fault ({@code FAULT_TABLE_NAME}, required)
 * @param faultInjectionEnabled whether {@code /faults} and {@code X-Fault-*} headers work at all
 *                              ({@code FAULT_INJECTION_ENABLED}, default false: a production stack is safe by default)
 * @param dynamoDbEndpoint      endpoint override for local DynamoDB-API servers ({@code DYNAMODB_ENDPOINT}); null = AWS
 * @param region                AWS region ({@code AWS_REGION}); null = the SDK's default chain
 * @param faultCacheTtl         how long one instance reuses its read of the persistent fault
 *                              ({@code FAULT_CACHE_TTL_MS}, default 1000; 0 = read on every request)
 * @param maxFaultLatency       the largest latency a fault may request ({@code MAX_FAULT_LATENCY_MS}, default 25000)
 */
public record DownstreamConfig(
        String faultTableName,
        boolean faultInjectionEnabled,
        URI dynamoDbEndpoint,
        String region,
        Duration faultCacheTtl,
        Duration maxFaultLatency) {

    public static final String FAULT_TABLE_NAME = "FAULT_TABLE_NAME";
    public static final String FAULT_INJECTION_ENABLED = "FAULT_INJECTION_ENABLED";
    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String FAULT_CACHE_TTL_MS = "FAULT_CACHE_TTL_MS";
    public static final String MAX_FAULT_LATENCY_MS = "MAX_FAULT_LATENCY_MS";

    /**
     * A hot downstream serves many requests per second per instance; re-reading the fault item for
     * each would cost a GetItem per request. One second keeps a {@code PUT /faults} visible fleet-wide
     * almost at once (the instance that served the PUT sees it immediately).
     */
    public static final Duration DEFAULT_FAULT_CACHE_TTL = Duration.ofSeconds(1);
    /** Below API Gateway's 30 s integration timeout, so a latency fault still produces a response. */
    public static final Duration DEFAULT_MAX_FAULT_LATENCY = Duration.ofMillis(25_000);
    /** Local DynamoDB-API servers ignore the region, but the SDK needs one. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";

    public DownstreamConfig {
        if (faultTableName == null || faultTableName.isBlank()) {
            throw new IllegalArgumentException(FAULT_TABLE_NAME + " is required: the DynamoDB table that holds the"
                    + " persistent fault configuration");
        }
        if (faultCacheTtl == null || faultCacheTtl.isNegative()) {
            throw new IllegalArgumentException("faultCacheTtl must be zero or positive");
        }
        if (maxFaultLatency == null || maxFaultLatency.isNegative()) {
            throw new IllegalArgumentException("maxFaultLatency must be zero or positive");
        }
    }

    /** Defaults for everything but the table and the switch; for tests and embedding. */
    public static DownstreamConfig of(String faultTableName, boolean faultInjectionEnabled) {
        return new DownstreamConfig(faultTableName, faultInjectionEnabled, null, null,
                DEFAULT_FAULT_CACHE_TTL, DEFAULT_MAX_FAULT_LATENCY);
    }

    /**
     * Reads the configuration from environment variables (Lambda's, or the local runtime's copy of
     * the template's). Fails fast with a message naming the variable: a misconfigured function should
     * fail its init, not serve wrong answers.
     */
    public static DownstreamConfig fromEnvironment(Map<String, String> env) {
        String table = trimmed(env.get(FAULT_TABLE_NAME));
        if (table == null) {
            throw new IllegalArgumentException(FAULT_TABLE_NAME + " is required: the DynamoDB table that holds the"
                    + " persistent fault configuration");
        }
        boolean enabled = flag(env, FAULT_INJECTION_ENABLED);
        URI endpoint = endpoint(env.get(DYNAMODB_ENDPOINT));
        String region = trimmed(env.get(AWS_REGION));
        if (region == null && endpoint != null) {
            region = LOCAL_DEFAULT_REGION;
        }
        Duration cacheTtl = millis(env, FAULT_CACHE_TTL_MS, DEFAULT_FAULT_CACHE_TTL);
        Duration maxLatency = millis(env, MAX_FAULT_LATENCY_MS, DEFAULT_MAX_FAULT_LATENCY);
        return new DownstreamConfig(table, enabled, endpoint, region, cacheTtl, maxLatency);
    }

    public DownstreamConfig withFaultCacheTtl(Duration ttl) {
        return new DownstreamConfig(faultTableName, faultInjectionEnabled, dynamoDbEndpoint, region, ttl, maxFaultLatency);
    }

    public DownstreamConfig withMaxFaultLatency(Duration max) {
        return new DownstreamConfig(faultTableName, faultInjectionEnabled, dynamoDbEndpoint, region, faultCacheTtl, max);
    }

    public DownstreamConfig withDynamoDbEndpoint(URI endpoint, String endpointRegion) {
        return new DownstreamConfig(faultTableName, faultInjectionEnabled, endpoint, endpointRegion, faultCacheTtl,
                maxFaultLatency);
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean flag(Map<String, String> env, String name) {
        String value = trimmed(env.get(name));
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be 'true' or 'false', got '" + value + "'");
        };
    }

    private static URI endpoint(String value) {
        String v = trimmed(value);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException(DYNAMODB_ENDPOINT + " must be an http(s) URL such as"
                        + " http://127.0.0.1:8000, got '" + v + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(DYNAMODB_ENDPOINT + " is not a valid URL: '" + v + "'", e);
        }
    }

    private static Duration millis(Map<String, String> env, String name, Duration fallback) {
        String value = trimmed(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(value);
            if (ms < 0) {
                throw new IllegalArgumentException(name + " must not be negative, got " + ms);
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds, got '" + value + "'", e);
        }
    }
}
