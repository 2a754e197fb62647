package dev.circuitlab.downstream;

import dev.circuitlab.function.FunctionEnvironment;
import java.net.URI;
import java.time.Duration;
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
public record DownstreamConfig(String faultTableName, boolean faultInjectionEnabled, URI dynamoDbEndpoint,
                               String region, Duration faultCacheTtl, Duration maxFaultLatency) {

    public static final String FAULT_TABLE_NAME = "FAULT_TABLE_NAME";
    public static final String FAULT_INJECTION_ENABLED = "FAULT_INJECTION_ENABLED";
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
    public static DownstreamConfig fromEnvironment(Map<String, String> variables) {
        FunctionEnvironment env = new FunctionEnvironment(variables);
        String table = env.required(FAULT_TABLE_NAME, "the DynamoDB table that holds the persistent fault configuration");
        URI endpoint = env.dynamoDbEndpoint();
        return new DownstreamConfig(table, env.flag(FAULT_INJECTION_ENABLED, false), endpoint, env.region(endpoint),
                env.millis(FAULT_CACHE_TTL_MS, DEFAULT_FAULT_CACHE_TTL),
                env.millis(MAX_FAULT_LATENCY_MS, DEFAULT_MAX_FAULT_LATENCY));
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
}
