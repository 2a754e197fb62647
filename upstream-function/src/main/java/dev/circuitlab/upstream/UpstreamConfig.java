package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.function.FunctionEnvironment;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The upstream function's settings, read from its environment in one place
 * ({@link #fromEnvironment(Map)}) so Lambda, the local runtime and tests configure it the same way.
 * Invalid values fail construction with a message naming the variable and the value: a
 * misconfigured function should fail its init, not serve wrong answers.
 *
 * @param tableName        DynamoDB table of circuit items ({@code CIRCUIT_TABLE_NAME}, required)
 * @param downstreamUrl    base URL of the downstream API, without trailing slash ({@code DOWNSTREAM_URL},
 *                         required); the call goes to {@code <downstreamUrl>/downstream}
 * @param circuitId        the one circuit this function guards ({@code CIRCUIT_ID}, default {@code downstream})
 * @param breakerEnabled   {@code BREAKER_ENABLED} (default true); false sends every call straight to the
 *                         downstream without touching DynamoDB (the "no breaker" baseline)
 * @param fallbackMode     {@code FALLBACK_MODE}: what a rejected call answers
 * @param dynamoDbEndpoint {@code DYNAMODB_ENDPOINT} override for local DynamoDB-API servers; null = AWS
 * @param region           {@code AWS_REGION}; us-east-1 when an endpoint override is set without one;
 *                         null = the SDK's default region chain
 * @param breaker          the breaker policy ({@code CIRCUIT_*}, see {@link CircuitBreakerConfig})
 */
public record UpstreamConfig(
        String tableName,
        URI downstreamUrl,
        String circuitId,
        boolean breakerEnabled,
        FallbackMode fallbackMode,
        URI dynamoDbEndpoint,
        String region,
        CircuitBreakerConfig breaker) {

    public static final String CIRCUIT_TABLE_NAME = "CIRCUIT_TABLE_NAME";
    public static final String DOWNSTREAM_URL = "DOWNSTREAM_URL";
    public static final String CIRCUIT_ID = "CIRCUIT_ID";
    public static final String BREAKER_ENABLED = "BREAKER_ENABLED";
    public static final String FALLBACK_MODE = "FALLBACK_MODE";

    public static final String DEFAULT_CIRCUIT_ID = "downstream";

    public UpstreamConfig {
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException(CIRCUIT_TABLE_NAME + " is required: the DynamoDB table that holds"
                    + " the circuit state");
        }
        Objects.requireNonNull(downstreamUrl, DOWNSTREAM_URL);
        if (!CircuitBreaker.isValidId(circuitId)) {
            throw new IllegalArgumentException(CIRCUIT_ID + " must be 1-64 characters of A-Z a-z 0-9 . _ - but was '"
                    + circuitId + "'");
        }
        Objects.requireNonNull(fallbackMode, FALLBACK_MODE);
        Objects.requireNonNull(breaker, "breaker");
    }

    public static UpstreamConfig fromEnvironment(Map<String, String> variables) {
        FunctionEnvironment env = new FunctionEnvironment(variables);
        String table = env.required(CIRCUIT_TABLE_NAME, "the DynamoDB table that holds the circuit state");
        env.required(DOWNSTREAM_URL, "the base URL of the downstream API (the function calls <DOWNSTREAM_URL>/downstream)");
        URI downstreamUrl = env.baseUrl(DOWNSTREAM_URL);
        String circuitId = Objects.requireNonNullElse(env.optional(CIRCUIT_ID), DEFAULT_CIRCUIT_ID);
        boolean enabled = env.flag(BREAKER_ENABLED, true);
        FallbackMode fallback = FallbackMode.parse(FALLBACK_MODE, env.optional(FALLBACK_MODE));
        URI endpoint = env.dynamoDbEndpoint();
        // Names the offending CIRCUIT_* variable and its value.
        CircuitBreakerConfig breaker = CircuitBreakerConfig.fromEnvironment(variables);
        return new UpstreamConfig(table, downstreamUrl, circuitId, enabled, fallback, endpoint, env.region(endpoint),
                breaker);
    }

    /** The URL of the call this function protects. */
    public URI downstreamCallUrl() {
        return URI.create(downstreamUrl + "/downstream");
    }
}
