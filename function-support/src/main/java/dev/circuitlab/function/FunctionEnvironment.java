package dev.circuitlab.function;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a function's environment variables by name (Lambda's, or the local runtime's copy of the
 * template's), never iterating them. Blank counts as unset: the template passes {@code ""} for
 * "not set". Every bad value fails with an {@link IllegalArgumentException} naming the variable
 * and the value: a misconfigured function should fail its init, not serve wrong answers.
 */
public final class FunctionEnvironment {

    /** Endpoint override for local DynamoDB-API servers; unset in AWS. */
    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    public static final String AWS_REGION = "AWS_REGION";
    /** Local DynamoDB-API servers ignore the region, but the SDK needs one. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";

    private final Map<String, String> variables;

    public FunctionEnvironment(Map<String, String> variables) {
        this.variables = Objects.requireNonNull(variables, "variables");
    }

    /** The value without surrounding white space, or null when unset or blank. */
    public String optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** @param meaning what the variable names, for the message when it is missing */
    public String required(String name, String meaning) {
        String value = optional(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required: " + meaning);
        }
        return value;
    }

    /** {@code true} or {@code false} in any case; {@code fallback} when unset. */
    public boolean flag(String name, boolean fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be 'true' or 'false' but was '" + value + "'");
        };
    }

    /** A whole number in [{@code min}, {@code max}]; {@code fallback} when unset. */
    public long wholeNumber(String name, long fallback, long min, long max) {
        return wholeNumber(name, "", fallback, min, max);
    }

    /** Whole milliseconds, zero or more; {@code fallback} when unset. */
    public Duration millis(String name, Duration fallback) {
        return Duration.ofMillis(wholeNumber(name, " of milliseconds", fallback.toMillis(), 0, Long.MAX_VALUE));
    }

    /**
     * An absolute http(s) URL with a host and no query or fragment, without its trailing slash;
     * null when unset.
     */
    public URI baseUrl(String name) {
        String value = optional(name);
        if (value == null) {
            return null;
        }
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
                    + " http://127.0.0.1:8000, but was '" + value + "'");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    /** {@value #DYNAMODB_ENDPOINT}, or null for AWS's endpoint. */
    public URI dynamoDbEndpoint() {
        return baseUrl(DYNAMODB_ENDPOINT);
    }

    /**
     * {@value #AWS_REGION}; {@value #LOCAL_DEFAULT_REGION} when there is an endpoint override but no
     * region; null otherwise (the SDK's default region chain decides).
     */
    public String region(URI dynamoDbEndpoint) {
        String region = optional(AWS_REGION);
        return region == null && dynamoDbEndpoint != null ? LOCAL_DEFAULT_REGION : region;
    }

    private long wholeNumber(String name, String unit, long fallback, long min, long max) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw outOfRange(name, unit, value, min, max);
        }
        if (number < min || number > max) {
            throw outOfRange(name, unit, value, min, max);
        }
        return number;
    }

    /** Not a number, or one out of range: one message says what is expected. */
    private static IllegalArgumentException outOfRange(String name, String unit, String value, long min, long max) {
        String range = max == Long.MAX_VALUE ? " >= " + min : " from " + min + " to " + max;
        return new IllegalArgumentException(name + " must be a whole number" + unit + range + " but was '" + value + "'");
    }
}
