package dev.circuitlab.breaker;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Immutable breaker policy. Build with {@link #builder()} or read from the environment with
 * {@link #fromEnvironment(Map)}; invalid values are rejected with a message naming the setting.
 */
public final class CircuitBreakerConfig {

    /** Environment variable names, as set by template.yaml. */
    public static final String ENV_FAILURE_THRESHOLD = "CIRCUIT_FAILURE_THRESHOLD";
    public static final String ENV_FAILURE_WINDOW_MS = "CIRCUIT_FAILURE_WINDOW_MS";
    public static final String ENV_OPEN_DURATION_MS = "CIRCUIT_OPEN_DURATION_MS";
    public static final String ENV_OPEN_BACKOFF_MULTIPLIER = "CIRCUIT_OPEN_BACKOFF_MULTIPLIER";
    public static final String ENV_MAX_OPEN_DURATION_MS = "CIRCUIT_MAX_OPEN_DURATION_MS";
    public static final String ENV_HALF_OPEN_PROBES = "CIRCUIT_HALF_OPEN_PROBES";
    public static final String ENV_SUCCESS_THRESHOLD = "CIRCUIT_SUCCESS_THRESHOLD";
    public static final String ENV_CALL_TIMEOUT_MS = "CIRCUIT_CALL_TIMEOUT_MS";
    public static final String ENV_PROBE_LEASE_MS = "CIRCUIT_PROBE_LEASE_MS";
    public static final String ENV_STATE_CACHE_MS = "CIRCUIT_STATE_CACHE_MS";
    public static final String ENV_STORE_FAILURE_POLICY = "CIRCUIT_STORE_FAILURE_POLICY";

    private static final Duration DEFAULT_MAX_OPEN = Duration.ofMinutes(5);
    /** The lease starts at permission, the call a little later: a margin keeps a live probe's slot. */
    private static final Duration DEFAULT_LEASE_MARGIN = Duration.ofSeconds(1);

    private final int failureThreshold;
    private final Duration failureWindow;
    private final Duration openDuration;
    private final double openBackoffMultiplier;
    private final Duration maxOpenDuration;
    private final int halfOpenProbes;
    private final int successThreshold;
    private final Duration callTimeout;
    private final Duration probeLease;
    private final Duration stateCache;
    private final StoreFailurePolicy storeFailurePolicy;

    private CircuitBreakerConfig(Builder b) {
        this.failureThreshold = b.failureThreshold;
        this.failureWindow = b.failureWindow;
        this.openDuration = b.openDuration;
        this.openBackoffMultiplier = b.openBackoffMultiplier;
        this.maxOpenDuration = b.maxOpenDuration != null ? b.maxOpenDuration
                : (b.openDuration.compareTo(DEFAULT_MAX_OPEN) > 0 ? b.openDuration : DEFAULT_MAX_OPEN);
        this.halfOpenProbes = b.halfOpenProbes;
        this.successThreshold = b.successThreshold;
        this.callTimeout = b.callTimeout;
        this.probeLease = b.probeLease == null ? b.callTimeout.plus(DEFAULT_LEASE_MARGIN) : b.probeLease;
        this.stateCache = b.stateCache;
        this.storeFailurePolicy = b.storeFailurePolicy;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static CircuitBreakerConfig defaults() {
        return builder().build();
    }

    /**
     * Reads every setting from {@code env} (unset or blank means the default). Unparsable values are
     * rejected with an {@link IllegalArgumentException} naming the variable and the value.
     */
    public static CircuitBreakerConfig fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        apply(env, ENV_FAILURE_THRESHOLD, CircuitBreakerConfig::parseInt, b::failureThreshold);
        apply(env, ENV_FAILURE_WINDOW_MS, CircuitBreakerConfig::parseMillis, b::failureWindow);
        apply(env, ENV_OPEN_DURATION_MS, CircuitBreakerConfig::parseMillis, b::openDuration);
        apply(env, ENV_OPEN_BACKOFF_MULTIPLIER, Double::parseDouble, b::openBackoffMultiplier);
        apply(env, ENV_MAX_OPEN_DURATION_MS, CircuitBreakerConfig::parseMillis, b::maxOpenDuration);
        apply(env, ENV_HALF_OPEN_PROBES, CircuitBreakerConfig::parseInt, b::halfOpenProbes);
        apply(env, ENV_SUCCESS_THRESHOLD, CircuitBreakerConfig::parseInt, b::successThreshold);
        apply(env, ENV_CALL_TIMEOUT_MS, CircuitBreakerConfig::parseMillis, b::callTimeout);
        apply(env, ENV_PROBE_LEASE_MS, CircuitBreakerConfig::parseMillis, b::probeLease);
        apply(env, ENV_STATE_CACHE_MS, CircuitBreakerConfig::parseMillis, b::stateCache);
        apply(env, ENV_STORE_FAILURE_POLICY, CircuitBreakerConfig::parsePolicy, b::storeFailurePolicy);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // A rule across two settings: name both variables and their values.
            if (e.getMessage().startsWith("probeLease")) {
                throw new IllegalArgumentException(ENV_PROBE_LEASE_MS + " ('" + env.get(ENV_PROBE_LEASE_MS)
                        + "') must be >= " + ENV_CALL_TIMEOUT_MS + " ('" + env.getOrDefault(ENV_CALL_TIMEOUT_MS, "2000")
                        + "')", e);
            }
            throw new IllegalArgumentException(ENV_MAX_OPEN_DURATION_MS + " ('" + env.get(ENV_MAX_OPEN_DURATION_MS)
                    + "') must be >= " + ENV_OPEN_DURATION_MS + " ('" + env.getOrDefault(ENV_OPEN_DURATION_MS, "30000")
                    + "')", e);
        }
    }

    /** Parses and sets one variable; any failure names the variable, the value and what was expected. */
    private static <T> void apply(Map<String, String> env, String name, Function<String, T> parser,
                                  java.util.function.Consumer<T> setter) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return;
        }
        T value;
        try {
            value = parser.apply(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be " + expected(name) + " but was '" + raw + "'", e);
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "='" + raw + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static String expected(String name) {
        if (name.equals(ENV_STORE_FAILURE_POLICY)) {
            return "one of FAIL_OPEN, FAIL_CLOSED";
        }
        if (name.equals(ENV_OPEN_BACKOFF_MULTIPLIER)) {
            return "a number >= 1";
        }
        return name.endsWith("_MS") ? "a whole number of milliseconds" : "a whole number";
    }

    private static int parseInt(String s) {
        return Integer.parseInt(s);
    }

    private static Duration parseMillis(String s) {
        return Duration.ofMillis(Long.parseLong(s));
    }

    private static StoreFailurePolicy parsePolicy(String s) {
        return StoreFailurePolicy.valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Open duration for the {@code n}-th consecutive trip (1-based), with backoff, capped. */
    public Duration openDurationForTrip(int n) {
        if (openBackoffMultiplier == 1.0 || n <= 1) {
            return openDuration;
        }
        double millis = openDuration.toMillis() * Math.pow(openBackoffMultiplier, n - 1);
        return millis >= maxOpenDuration.toMillis() ? maxOpenDuration : Duration.ofMillis((long) millis);
    }

    public int failureThreshold() { return failureThreshold; }
    public Duration failureWindow() { return failureWindow; }
    public Duration openDuration() { return openDuration; }
    public double openBackoffMultiplier() { return openBackoffMultiplier; }
    public Duration maxOpenDuration() { return maxOpenDuration; }
    public int halfOpenProbes() { return halfOpenProbes; }
    public int successThreshold() { return successThreshold; }
    public Duration callTimeout() { return callTimeout; }
    public Duration probeLease() { return probeLease; }
    public Duration stateCache() { return stateCache; }
    public StoreFailurePolicy storeFailurePolicy() { return storeFailurePolicy; }

    @Override
    public String toString() {
        return "CircuitBreakerConfig{failureThreshold=" + failureThreshold + ", failureWindow=" + failureWindow
                + ", openDuration=" + openDuration + ", openBackoffMultiplier=" + openBackoffMultiplier
                + ", maxOpenDuration=" + maxOpenDuration + ", halfOpenProbes=" + halfOpenProbes
                + ", successThreshold=" + successThreshold + ", callTimeout=" + callTimeout
                + ", probeLease=" + probeLease + ", stateCache=" + stateCache
                + ", storeFailurePolicy=" + storeFailurePolicy + "}";
    }

    /** Builder with the defaults of DESIGN.md. Each setter rejects a bad value at once. */
    public static final class Builder {
        private int failureThreshold = 5;
        private Duration failureWindow = Duration.ofSeconds(60);
        private Duration openDuration = Duration.ofSeconds(30);
        private double openBackoffMultiplier = 1.0;
        private Duration maxOpenDuration; // defaults to max(5 min, openDuration)
        private int halfOpenProbes = 1;
        private int successThreshold = 2;
        private Duration callTimeout = Duration.ofSeconds(2);
        private Duration probeLease; // defaults to the call timeout
        private Duration stateCache = Duration.ZERO;
        private StoreFailurePolicy storeFailurePolicy = StoreFailurePolicy.FAIL_OPEN;

        private Builder() {
        }

        public Builder failureThreshold(int value) {
            this.failureThreshold = atLeastOne("failureThreshold", value);
            return this;
        }

        public Builder failureWindow(Duration value) {
            this.failureWindow = positive("failureWindow", value);
            return this;
        }

        public Builder openDuration(Duration value) {
            this.openDuration = positive("openDuration", value);
            return this;
        }

        /** 1 (the default) disables backoff; 2 doubles the open duration on each consecutive trip. */
        public Builder openBackoffMultiplier(double value) {
            if (!(value >= 1.0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("openBackoffMultiplier must be a finite number >= 1 but was " + value);
            }
            this.openBackoffMultiplier = value;
            return this;
        }

        public Builder maxOpenDuration(Duration value) {
            this.maxOpenDuration = positive("maxOpenDuration", value);
            return this;
        }

        public Builder halfOpenProbes(int value) {
            this.halfOpenProbes = atLeastOne("halfOpenProbes", value);
            return this;
        }

        public Builder successThreshold(int value) {
            this.successThreshold = atLeastOne("successThreshold", value);
            return this;
        }

        public Builder callTimeout(Duration value) {
            this.callTimeout = positive("callTimeout", value);
            return this;
        }

        /**
         * How long a probe slot stays claimed if its caller never reports (its Lambda died). Must
         * be at least the call timeout; defaults to the call timeout plus 1 s.
         */
        public Builder probeLease(Duration value) {
            this.probeLease = positive("probeLease", value);
            return this;
        }

        /** 0 turns the per-instance state cache off. */
        public Builder stateCache(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("stateCache must be >= 0 but was " + value);
            }
            this.stateCache = value;
            return this;
        }

        public Builder storeFailurePolicy(StoreFailurePolicy value) {
            if (value == null) {
                throw new IllegalArgumentException("storeFailurePolicy must not be null");
            }
            this.storeFailurePolicy = value;
            return this;
        }

        public CircuitBreakerConfig build() {
            if (probeLease != null && probeLease.compareTo(callTimeout) < 0) {
                throw new IllegalArgumentException("probeLease must be >= callTimeout (" + callTimeout
                        + ") but was " + probeLease + ": a slow probe would lose its slot while still running");
            }
            if (maxOpenDuration != null && maxOpenDuration.compareTo(openDuration) < 0) {
                throw new IllegalArgumentException("maxOpenDuration must be >= openDuration (" + openDuration
                        + ") but was " + maxOpenDuration);
            }
            return new CircuitBreakerConfig(this);
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + value);
            }
            return value;
        }
    }
}
