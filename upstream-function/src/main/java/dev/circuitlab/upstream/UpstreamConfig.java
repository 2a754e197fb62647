package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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
    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    public static final String AWS_REGION = "AWS_REGION";

    public static final String DEFAULT_CIRCUIT_ID = "downstream";
    /** Local DynamoDB-API servers ignore the region, but the SDK needs one. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";

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

    public static UpstreamConfig fromEnvironment(Map<String, String> env) {
        String table = trimmed(env.get(CIRCUIT_TABLE_NAME));
        if (table == null) {
            throw new IllegalArgumentException(CIRCUIT_TABLE_NAME + " is required: the DynamoDB table that holds"
                    + " the circuit state");
        }
        String downstream = trimmed(env.get(DOWNSTREAM_URL));
        if (downstream == null) {
            throw new IllegalArgumentException(DOWNSTREAM_URL + " is required: the base URL of the downstream API"
                    + " (the function calls <DOWNSTREAM_URL>/downstream)");
        }
        URI downstreamUrl = baseUrl(DOWNSTREAM_URL, downstream);
        String circuitId = Objects.requireNonNullElse(trimmed(env.get(CIRCUIT_ID)), DEFAULT_CIRCUIT_ID);
        if (!CircuitBreaker.isValidId(circuitId)) {
            throw new IllegalArgumentException(CIRCUIT_ID + " must be 1-64 characters of A-Z a-z 0-9 . _ - but was '"
                    + circuitId + "'");
        }
        boolean enabled = flag(env, BREAKER_ENABLED, true);
        FallbackMode fallback = FallbackMode.parse(FALLBACK_MODE, trimmed(env.get(FALLBACK_MODE)));
        String endpointValue = trimmed(env.get(DYNAMODB_ENDPOINT));
        URI endpoint = endpointValue == null ? null : baseUrl(DYNAMODB_ENDPOINT, endpointValue);
        String region = trimmed(env.get(AWS_REGION));
        if (region == null && endpoint != null) {
            region = LOCAL_DEFAULT_REGION;
        }
        // Names the offending CIRCUIT_* variable and its value.
        CircuitBreakerConfig breaker = CircuitBreakerConfig.fromEnvironment(env);
        return new UpstreamConfig(table, downstreamUrl, circuitId, enabled, fallback, endpoint, region, breaker);
    }

    /** The URL of the call this function protects. */
    public URI downstreamCallUrl() {
        return URI.create(downstreamUrl + "/downstream");
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean flag(Map<String, String> env, String name, boolean fallback) {
        String value = trimmed(env.get(name));
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be 'true' or 'false' but was '" + value + "'");
        };
    }

    /** An absolute http(s) URL with a host and no query or fragment, without its trailing slash. */
    private static URI baseUrl(String name, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a valid URL: '" + value + "'", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must be an http(s) URL with a host and no query, such as"
                    + " http://127.0.0.1:3000, but was '" + value + "'");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }
}
