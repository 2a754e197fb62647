package dev.circuitlab.breaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Immutable breaker policy. Build with {@link #builder()} or read from the environment with
 * {@link #fromEnvironment(Map)}; invalid values are rejected with a message naming the setting (or
 * the variable) and the value. Every default is one of the {@code DEFAULT_*} constants.
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
    public static final String ENV_MAX_CLOCK_SKEW_MS = "CIRCUIT_MAX_CLOCK_SKEW_MS";
    public static final String ENV_FLUSH_INTERVAL_MS = "CIRCUIT_FLUSH_INTERVAL_MS";
    public static final String ENV_REFRESH_INTERVAL_MS = "CIRCUIT_REFRESH_INTERVAL_MS";
    public static final String ENV_STORE_FAILURE_POLICY = "CIRCUIT_STORE_FAILURE_POLICY";
    public static final String ENV_FAILURE_RATE_THRESHOLD = "CIRCUIT_FAILURE_RATE_THRESHOLD";
    public static final String ENV_MINIMUM_CALLS = "CIRCUIT_MINIMUM_CALLS";
    public static final String ENV_SLOW_CALL_DURATION_MS = "CIRCUIT_SLOW_CALL_DURATION_MS";
    public static final String ENV_SLOW_CALL_RATE_THRESHOLD = "CIRCUIT_SLOW_CALL_RATE_THRESHOLD";

    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);
    /** 1: no backoff. */
    public static final double DEFAULT_OPEN_BACKOFF_MULTIPLIER = 1.0;
    /** The backoff cap when none is set: this, or the open duration if that is longer. */
    public static final Duration DEFAULT_MAX_OPEN_DURATION = Duration.ofMinutes(5);
    public static final int DEFAULT_HALF_OPEN_PROBES = 1;
    public static final int DEFAULT_SUCCESS_THRESHOLD = 2;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The largest difference between two environments' clocks the probe guarantee tolerates: a
     * lease is written with one clock and checked with another. Lambda clocks are kept in sync by
     * the Amazon Time Sync Service, far closer than this.
     */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMillis(500);
    /**
     * The probe lease when none is set is the call timeout plus the clock skew plus this: the lease
     * starts at permission and the outcome is written a little after the call ends.
     */
    public static final Duration DEFAULT_PROBE_LEASE_MARGIN = Duration.ofMillis(500);
    /** The least a lease may exceed the call timeout plus the clock skew by: time to decide and start a probe. */
    public static final Duration MIN_PROBE_LEASE_MARGIN = Duration.ofMillis(100);
    /** Upper bound of the clock skew setting. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);
    /**
     * How long an instance decides from its copy of the shared state before reading it again
     * (CLOSED; OPEN is kept until its retry time). 0 reads on every call.
     */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(5);
    /**
     * An instance that has counted a failure since its last refresh keeps a CLOSED copy at most
     * this long (or the refresh interval, if shorter): while healthy it reads rarely, in an outage
     * it learns of the trip within about a second.
     */
    public static final Duration REFRESH_AFTER_FAILURE = Duration.ofSeconds(1);
    public static final StoreFailurePolicy DEFAULT_STORE_FAILURE_POLICY = StoreFailurePolicy.FAIL_OPEN;
    /**
     * How long an instance may hold the failures it counted before writing them as one update
     * (sooner when they could make the window reach the threshold). 0 writes every failure at once.
     */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

    /**
     * Percentage of failed calls within the window that trips CLOSED → OPEN once the window holds
     * at least the minimum number of calls. 0 (the default): off, only the failure count decides.
     */
    public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 0;
    /**
     * Calls the window must hold before a rate threshold decides; below it a failure-rate threshold
     * gives way to the failure count (a low-traffic circuit still trips on its fifth failure).
     */
    public static final int DEFAULT_MINIMUM_CALLS = 100;
    /** A successful call that takes longer than this counts as slow (only with a slow-call rate threshold). */
    public static final Duration DEFAULT_SLOW_CALL_DURATION = Duration.ofSeconds(1);
    /** Percentage of slow calls within the window that trips CLOSED → OPEN. 0 (the default): off. */
    public static final double DEFAULT_SLOW_CALL_RATE_THRESHOLD = 0;

    /**
     * The failure window slides over this many buckets: failures closer together than the window
     * always count together, and a failure at most one bucket (a tenth of the window) older may too.
     */
    public static final int WINDOW_BUCKETS = 10;

    /** Upper bound of every duration setting: far beyond any sensible value, and epoch-ms arithmetic cannot overflow. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);
    /** Lambda's own limit: no call outlives its function. */
    public static final Duration MAX_CALL_TIMEOUT = Duration.ofMinutes(15);
    /** Probe slots live in one item: keep it small. */
    public static final int MAX_HALF_OPEN_PROBES = 100;
    public static final int MAX_COUNT = 1_000_000;
    public static final double MAX_BACKOFF_MULTIPLIER = 100;

    private final int failureThreshold;
    private final Duration failureWindow;
    private final Duration openDuration;
    private final double openBackoffMultiplier;
    private final Duration maxOpenDuration;
    private final int halfOpenProbes;
    private final int successThreshold;
    private final Duration callTimeout;
    private final Duration probeLease;
    private final Duration maxClockSkew;
    private final Duration refreshInterval;
    private final Duration flushInterval;
    private final StoreFailurePolicy storeFailurePolicy;
    private final double failureRateThreshold;
    private final int minimumCalls;
    private final Duration slowCallDuration;
    private final double slowCallRateThreshold;

    private CircuitBreakerConfig(Builder b) {
        this.failureThreshold = b.failureThreshold;
        this.failureWindow = b.failureWindow;
        this.openDuration = b.openDuration;
        this.openBackoffMultiplier = b.openBackoffMultiplier;
        this.maxOpenDuration = b.effectiveMaxOpenDuration();
        this.halfOpenProbes = b.halfOpenProbes;
        this.successThreshold = b.successThreshold;
        this.callTimeout = b.callTimeout;
        this.probeLease = b.effectiveProbeLease();
        this.maxClockSkew = b.maxClockSkew;
        this.refreshInterval = b.refreshInterval;
        this.flushInterval = b.flushInterval;
        this.storeFailurePolicy = b.storeFailurePolicy;
        this.failureRateThreshold = b.failureRateThreshold;
        this.minimumCalls = b.minimumCalls;
        this.slowCallDuration = b.slowCallDuration;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static CircuitBreakerConfig defaults() {
        return builder().build();
    }

    // ---------------------------------------------------------------- the environment

    private static final String MILLIS = "a whole number of milliseconds";
    private static final String WHOLE = "a whole number";
    private static final String PERCENT = "a percentage within 0..100 (0: off)";

    /**
     * The environment variables {@link #fromEnvironment} reads, in the order it applies them: how each
     * is parsed, which builder setter takes it, and how to show the value in effect. Switches rather
     * than a table of lambdas: a cold start reads this once, and each lambda would cost it a class
     * spun at run time (the 51 the table had took about 5 ms of a cold start's critical path).
     */
    private enum Variable {
        FAILURE_THRESHOLD(ENV_FAILURE_THRESHOLD, WHOLE),
        FAILURE_WINDOW(ENV_FAILURE_WINDOW_MS, MILLIS),
        OPEN_DURATION(ENV_OPEN_DURATION_MS, MILLIS),
        OPEN_BACKOFF(ENV_OPEN_BACKOFF_MULTIPLIER, "a number >= 1"),
        MAX_OPEN_DURATION(ENV_MAX_OPEN_DURATION_MS, MILLIS),
        HALF_OPEN_PROBES(ENV_HALF_OPEN_PROBES, WHOLE),
        SUCCESS_THRESHOLD(ENV_SUCCESS_THRESHOLD, WHOLE),
        CALL_TIMEOUT(ENV_CALL_TIMEOUT_MS, MILLIS),
        PROBE_LEASE(ENV_PROBE_LEASE_MS, MILLIS),
        CLOCK_SKEW(ENV_MAX_CLOCK_SKEW_MS, MILLIS),
        REFRESH_INTERVAL(ENV_REFRESH_INTERVAL_MS, MILLIS),
        FLUSH_INTERVAL(ENV_FLUSH_INTERVAL_MS, MILLIS),
        STORE_FAILURE_POLICY(ENV_STORE_FAILURE_POLICY, "one of FAIL_OPEN, FAIL_CLOSED"),
        FAILURE_RATE_THRESHOLD(ENV_FAILURE_RATE_THRESHOLD, PERCENT),
        MINIMUM_CALLS(ENV_MINIMUM_CALLS, WHOLE),
        SLOW_CALL_DURATION(ENV_SLOW_CALL_DURATION_MS, MILLIS),
        SLOW_CALL_RATE_THRESHOLD(ENV_SLOW_CALL_RATE_THRESHOLD, PERCENT);

        private final String variableName;
        private final String expected;

        Variable(String variableName, String expected) {
            this.variableName = variableName;
            this.expected = expected;
        }

        /**
         * Sets the variable's value on {@code b} if {@code env} has one (unset or blank: the default).
         *
         * @throws IllegalArgumentException naming the variable and its value: text that does not parse,
         *         or a value the builder refuses (with the builder's reason)
         */
        void apply(Map<String, String> env, Builder b) {
            String raw = env.get(variableName);
            if (raw == null || raw.isBlank()) {
                return;
            }
            try {
                set(b, raw.trim());
            } catch (Unparsable e) {
                throw new IllegalArgumentException(variableName + " must be " + expected + " but was '" + raw + "'", e.getCause());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(variableName + "='" + raw + "' is invalid: " + e.getMessage(), e);
            }
        }

        /** A switch expression, so a constant without its case does not compile. */
        private Builder set(Builder b, String text) {
            return switch (this) {
                case FAILURE_THRESHOLD -> b.failureThreshold(whole(text));
                case FAILURE_WINDOW -> b.failureWindow(duration(text));
                case OPEN_DURATION -> b.openDuration(duration(text));
                case OPEN_BACKOFF -> b.openBackoffMultiplier(number(text));
                case MAX_OPEN_DURATION -> b.maxOpenDuration(duration(text));
                case HALF_OPEN_PROBES -> b.halfOpenProbes(whole(text));
                case SUCCESS_THRESHOLD -> b.successThreshold(whole(text));
                case CALL_TIMEOUT -> b.callTimeout(duration(text));
                case PROBE_LEASE -> b.probeLease(duration(text));
                case CLOCK_SKEW -> b.maxClockSkew(duration(text));
                case REFRESH_INTERVAL -> b.refreshInterval(duration(text));
                case FLUSH_INTERVAL -> b.flushInterval(duration(text));
                case STORE_FAILURE_POLICY -> b.storeFailurePolicy(policy(text));
                case FAILURE_RATE_THRESHOLD -> b.failureRateThreshold(number(text));
                case MINIMUM_CALLS -> b.minimumCalls(whole(text));
                case SLOW_CALL_DURATION -> b.slowCallDuration(duration(text));
                case SLOW_CALL_RATE_THRESHOLD -> b.slowCallRateThreshold(number(text));
            };
        }

        /** The value {@code b} would build with, as the variable would spell it. */
        String inEffect(Builder b) {
            return switch (this) {
                case FAILURE_THRESHOLD -> Integer.toString(b.failureThreshold);
                case FAILURE_WINDOW -> millis(b.failureWindow);
                case OPEN_DURATION -> millis(b.openDuration);
                case OPEN_BACKOFF -> Double.toString(b.openBackoffMultiplier);
                case MAX_OPEN_DURATION -> millis(b.effectiveMaxOpenDuration());
                case HALF_OPEN_PROBES -> Integer.toString(b.halfOpenProbes);
                case SUCCESS_THRESHOLD -> Integer.toString(b.successThreshold);
                case CALL_TIMEOUT -> millis(b.callTimeout);
                case PROBE_LEASE -> millis(b.effectiveProbeLease());
                case CLOCK_SKEW -> millis(b.maxClockSkew);
                case REFRESH_INTERVAL -> millis(b.refreshInterval);
                case FLUSH_INTERVAL -> millis(b.flushInterval);
                case STORE_FAILURE_POLICY -> b.storeFailurePolicy.name();
                case FAILURE_RATE_THRESHOLD -> Double.toString(b.failureRateThreshold);
                case MINIMUM_CALLS -> Integer.toString(b.minimumCalls);
                case SLOW_CALL_DURATION -> millis(b.slowCallDuration);
                case SLOW_CALL_RATE_THRESHOLD -> Double.toString(b.slowCallRateThreshold);
            };
        }

        private static int whole(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new Unparsable(e);
            }
        }

        private static Duration duration(String text) {
            try {
                return Duration.ofMillis(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new Unparsable(e);
            }
        }

        private static double number(String text) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new Unparsable(e);
            }
        }

        private static StoreFailurePolicy policy(String text) {
            try {
                return StoreFailurePolicy.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Unparsable(e);
            }
        }
    }

    /** Text a variable cannot be parsed from (told apart from a parsed value the builder refuses). */
    private static final class Unparsable extends RuntimeException {
        Unparsable(Exception cause) {
            super(cause);
        }
    }

    /** The names of every variable {@link #fromEnvironment} reads. */
    public static List<String> environmentVariables() {
        List<String> names = new ArrayList<>();
        for (Variable v : Variable.values()) {
            names.add(v.variableName);
        }
        return List.copyOf(names);
    }

    /**
     * Reads every setting from {@code env} (unset or blank means the default).
     *
     * @throws IllegalArgumentException naming the variable and its value if one cannot be parsed
     *         or is out of range, or naming both variables if two do not fit together
     */
    public static CircuitBreakerConfig fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        for (Variable v : Variable.values()) {
            v.apply(env, b);
        }
        requireAtLeast(b, Variable.PROBE_LEASE, b.leaseCoversCallAndSkew(), Variable.CALL_TIMEOUT, Variable.CLOCK_SKEW, null);
        requireAtLeast(b, Variable.MAX_OPEN_DURATION, b.effectiveMaxOpenDuration().compareTo(b.openDuration) >= 0,
                Variable.OPEN_DURATION);
        requireAtLeast(b, Variable.FAILURE_WINDOW, b.failureWindow.compareTo(b.flushInterval) >= 0, Variable.FLUSH_INTERVAL);
        if (b.slowCallRateThreshold > 0 && b.slowCallDuration.compareTo(b.callTimeout) >= 0) {
            throw new IllegalArgumentException(ENV_SLOW_CALL_DURATION_MS + " ('" + millis(b.slowCallDuration)
                    + "') must be < " + ENV_CALL_TIMEOUT_MS + " ('" + millis(b.callTimeout) + "') when "
                    + ENV_SLOW_CALL_RATE_THRESHOLD + " is set: no successful call could be slow");
        }
        return b.build();
    }

    /** A rule across variables: {@code larger} must be at least the sum of {@code parts}; names them all with their values. */
    private static void requireAtLeast(Builder b, Variable larger, boolean holds, Variable... parts) {
        if (!holds) {
            StringBuilder sum = new StringBuilder();
            for (Variable part : parts) {
                sum.append(sum.isEmpty() ? "" : " + ");
                // null: the fixed minimum margin
                sum.append(part == null ? MIN_PROBE_LEASE_MARGIN.toMillis() + " ms"
                        : part.variableName + " ('" + part.inEffect(b) + "')");
            }
            throw new IllegalArgumentException(larger.variableName + " ('" + larger.inEffect(b) + "') must be >= " + sum);
        }
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }

    // ---------------------------------------------------------------- the policy

    /** The length of one window bucket (epoch-aligned, so every instance counts into the same buckets). */
    public long windowBucketMillis() {
        return Math.max(1, failureWindow.toMillis() / WINDOW_BUCKETS);
    }

    /** The start of the window bucket that holds {@code now}. */
    public long windowBucketStart(long now) {
        long bucket = windowBucketMillis();
        return now - Math.floorMod(now, bucket);
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
    public Duration maxClockSkew() { return maxClockSkew; }

    /**
     * What the lease leaves beyond the call timeout and the clock skew: the time a probe decision
     * may take. A probe whose claim took longer is not started (it is rejected until its lease ends).
     */
    public Duration probeLeaseMargin() {
        return probeLease.minus(callTimeout).minus(maxClockSkew);
    }
    public Duration refreshInterval() { return refreshInterval; }

    /**
     * How old a CLOSED copy of the shared state may be and still decide when its refresh fails
     * (throttled, or the store is down): twice the refresh interval. Beyond it the store-failure
     * policy decides, as for any store error.
     */
    public Duration maxStaleness() {
        return refreshInterval.multipliedBy(2);
    }
    public Duration flushInterval() { return flushInterval; }
    public StoreFailurePolicy storeFailurePolicy() { return storeFailurePolicy; }
    public double failureRateThreshold() { return failureRateThreshold; }
    public int minimumCalls() { return minimumCalls; }
    public Duration slowCallDuration() { return slowCallDuration; }
    public double slowCallRateThreshold() { return slowCallRateThreshold; }

    /**
     * Whether every call's outcome is counted (successes too), which only a rate threshold needs;
     * otherwise only failures are counted and a success writes nothing.
     */
    public boolean countsCalls() {
        return failureRateThreshold > 0 || slowCallRateThreshold > 0;
    }

    /**
     * What one call's outcome adds to a window under this policy: its failure always, the call
     * itself and whether it was slow only when calls are counted ({@link #countsCalls()}).
     */
    public OutcomeCounts countOf(boolean failed, boolean slow) {
        if (!countsCalls()) {
            return failed ? OutcomeCounts.ofFailures(1) : OutcomeCounts.NONE;
        }
        return new OutcomeCounts(1, failed ? 1 : 0, !failed && slow ? 1 : 0);
    }

    /**
     * Why a window with these outcomes trips the circuit, or null if it does not. Failures: with a
     * failure-rate threshold and at least {@link #minimumCalls()} calls in the window, their rate
     * decides; otherwise (no such threshold, or fewer calls) their count does. Slow calls: with a
     * slow-call-rate threshold and at least the minimum calls, their rate trips too. So a slow-call
     * threshold alone never stops failures from tripping.
     */
    public String tripReason(OutcomeCounts window) {
        boolean enoughCalls = window.calls() >= minimumCalls;
        if (failureRateThreshold > 0 && enoughCalls) {
            if (window.failureRatePercent() >= failureRateThreshold) {
                return rate(window.failureRatePercent()) + " % of " + window.calls() + " calls failed within "
                        + failureWindow.toMillis() + " ms";
            }
        } else if (window.failures() >= failureThreshold) {
            return window.failures() + " failures within " + failureWindow.toMillis() + " ms";
        }
        if (slowCallRateThreshold > 0 && enoughCalls && window.slowCallRatePercent() >= slowCallRateThreshold) {
            return rate(window.slowCallRatePercent()) + " % of " + window.calls() + " calls took over "
                    + slowCallDuration.toMillis() + " ms within " + failureWindow.toMillis() + " ms";
        }
        return null;
    }

    private static String rate(double percent) {
        return String.format(Locale.ROOT, "%.1f", percent);
    }

    @Override
    public String toString() {
        return "CircuitBreakerConfig{failureThreshold=" + failureThreshold + ", failureWindow=" + failureWindow
                + ", openDuration=" + openDuration + ", openBackoffMultiplier=" + openBackoffMultiplier
                + ", maxOpenDuration=" + maxOpenDuration + ", halfOpenProbes=" + halfOpenProbes
                + ", successThreshold=" + successThreshold + ", callTimeout=" + callTimeout
                + ", probeLease=" + probeLease + ", maxClockSkew=" + maxClockSkew + ", refreshInterval=" + refreshInterval
                + ", flushInterval=" + flushInterval + ", failureRateThreshold=" + failureRateThreshold
                + ", minimumCalls=" + minimumCalls + ", slowCallDuration=" + slowCallDuration
                + ", slowCallRateThreshold=" + slowCallRateThreshold
                + ", storeFailurePolicy=" + storeFailurePolicy + "}";
    }

    /** Builder starting from the {@code DEFAULT_*} values. Each setter rejects a bad value at once. */
    public static final class Builder {
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private Duration failureWindow = DEFAULT_FAILURE_WINDOW;
        private Duration openDuration = DEFAULT_OPEN_DURATION;
        private double openBackoffMultiplier = DEFAULT_OPEN_BACKOFF_MULTIPLIER;
        private Duration maxOpenDuration; // null: see DEFAULT_MAX_OPEN_DURATION
        private int halfOpenProbes = DEFAULT_HALF_OPEN_PROBES;
        private int successThreshold = DEFAULT_SUCCESS_THRESHOLD;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private Duration probeLease; // null: call timeout + clock skew + DEFAULT_PROBE_LEASE_MARGIN
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private StoreFailurePolicy storeFailurePolicy = DEFAULT_STORE_FAILURE_POLICY;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private double failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private Duration slowCallDuration = DEFAULT_SLOW_CALL_DURATION;
        private double slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

        private Builder() {
        }

        /**
         * Failures within the failure window that trip CLOSED → OPEN (with a failure-rate threshold:
         * while the window holds fewer than the minimum number of calls). Default 5.
         *
         * @throws IllegalArgumentException if not within 1..{@link #MAX_COUNT}
         */
        public Builder failureThreshold(int value) {
            this.failureThreshold = count("failureThreshold", value, MAX_COUNT);
            return this;
        }

        /**
         * The window in which failures count; it starts at the first failure. Default 60 s.
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_DURATION}
         */
        public Builder failureWindow(Duration value) {
            this.failureWindow = duration("failureWindow", value, MAX_DURATION);
            return this;
        }

        /**
         * Cool-down before a probe may go. Default 30 s.
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_DURATION}
         */
        public Builder openDuration(Duration value) {
            this.openDuration = duration("openDuration", value, MAX_DURATION);
            return this;
        }

        /**
         * 1 (the default) disables backoff; 2 doubles the open duration on each consecutive trip.
         *
         * @throws IllegalArgumentException if not a finite number within 1..{@link #MAX_BACKOFF_MULTIPLIER}
         */
        public Builder openBackoffMultiplier(double value) {
            if (!(value >= 1.0 && value <= MAX_BACKOFF_MULTIPLIER)) {
                throw new IllegalArgumentException("openBackoffMultiplier must be a finite number within 1.."
                        + MAX_BACKOFF_MULTIPLIER + " but was " + value);
            }
            this.openBackoffMultiplier = value;
            return this;
        }

        /**
         * Cap of the backoff. Default {@link #DEFAULT_MAX_OPEN_DURATION}, or the open duration if longer.
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_DURATION}; {@link #build()}
         *         also rejects a cap below the open duration
         */
        public Builder maxOpenDuration(Duration value) {
            this.maxOpenDuration = duration("maxOpenDuration", value, MAX_DURATION);
            return this;
        }

        /**
         * Probes in flight at once across the whole fleet. Default 1.
         *
         * @throws IllegalArgumentException if not within 1..{@link #MAX_HALF_OPEN_PROBES}
         */
        public Builder halfOpenProbes(int value) {
            this.halfOpenProbes = count("halfOpenProbes", value, MAX_HALF_OPEN_PROBES);
            return this;
        }

        /**
         * Successful probes that close the circuit. Default 2.
         *
         * @throws IllegalArgumentException if not within 1..{@link #MAX_COUNT}
         */
        public Builder successThreshold(int value) {
            this.successThreshold = count("successThreshold", value, MAX_COUNT);
            return this;
        }

        /**
         * Upstream → downstream timeout; a timeout is a failure. Default 2 s.
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_CALL_TIMEOUT}
         */
        public Builder callTimeout(Duration value) {
            this.callTimeout = duration("callTimeout", value, MAX_CALL_TIMEOUT);
            return this;
        }

        /**
         * How long a probe slot stays claimed if its caller never reports (its Lambda died).
         * Default: the call timeout + the clock skew + {@link #DEFAULT_PROBE_LEASE_MARGIN} (3 s).
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_DURATION}; {@link #build()}
         *         also rejects a lease shorter than the call timeout plus the clock skew
         */
        public Builder probeLease(Duration value) {
            this.probeLease = duration("probeLease", value, MAX_DURATION);
            return this;
        }

        /**
         * The largest clock difference between environments the probe guarantee must tolerate; the
         * probe lease covers the call timeout plus this. Default {@link #DEFAULT_MAX_CLOCK_SKEW}.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_CLOCK_SKEW}
         */
        public Builder maxClockSkew(Duration value) {
            if (value == null || value.isNegative() || value.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("maxClockSkew must be within 0.." + MAX_CLOCK_SKEW + " but was " + value);
            }
            this.maxClockSkew = value;
            return this;
        }

        /**
         * How long an instance decides from its copy of the shared state before reading it again:
         * a CLOSED read is kept this long, an OPEN one until its retry time, so a transition made
         * elsewhere reaches this instance within this interval (plus DynamoDB's replication lag).
         * 0 reads on every call. Default {@link #DEFAULT_REFRESH_INTERVAL}.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_DURATION}
         */
        public Builder refreshInterval(Duration value) {
            if (value == null || value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("refreshInterval must be within 0.." + MAX_DURATION + " but was " + value);
            }
            this.refreshInterval = value;
            return this;
        }

        /**
         * How long an instance may hold the failures it counted before writing them as one update;
         * it writes at once when they could make the window reach the threshold. 0 writes every
         * failure at once. Default {@link #DEFAULT_FLUSH_INTERVAL}.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_DURATION}; {@link #build()}
         *         also rejects a flush interval longer than the failure window
         */
        public Builder flushInterval(Duration value) {
            if (value == null || value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("flushInterval must be within 0.." + MAX_DURATION + " but was " + value);
            }
            this.flushInterval = value;
            return this;
        }

        /**
         * Percentage of failed calls within the window that trips the circuit, once the window holds
         * {@link #minimumCalls} calls. Setting it makes every call's outcome count (batched like
         * failures). Default {@link #DEFAULT_FAILURE_RATE_THRESHOLD} (off).
         *
         * @throws IllegalArgumentException if not within 0..100 (0: off)
         */
        public Builder failureRateThreshold(double value) {
            this.failureRateThreshold = percent("failureRateThreshold", value);
            return this;
        }

        /**
         * Calls the window must hold before a rate threshold decides; below it a failure-rate
         * threshold gives way to the failure count. Default {@link #DEFAULT_MINIMUM_CALLS}.
         *
         * @throws IllegalArgumentException if not within 1..{@link #MAX_COUNT}
         */
        public Builder minimumCalls(int value) {
            this.minimumCalls = count("minimumCalls", value, MAX_COUNT);
            return this;
        }

        /**
         * A successful call that takes longer than this counts as slow. Default
         * {@link #DEFAULT_SLOW_CALL_DURATION}.
         *
         * @throws IllegalArgumentException if not within 1 ms..{@link #MAX_CALL_TIMEOUT}; {@link #build()}
         *         also rejects a duration not below the call timeout when a slow-call rate threshold is set
         */
        public Builder slowCallDuration(Duration value) {
            this.slowCallDuration = duration("slowCallDuration", value, MAX_CALL_TIMEOUT);
            return this;
        }

        /**
         * Percentage of slow calls within the window that trips the circuit, once the window holds
         * {@link #minimumCalls} calls; failures still trip by their count or rate. Default
         * {@link #DEFAULT_SLOW_CALL_RATE_THRESHOLD} (off).
         *
         * @throws IllegalArgumentException if not within 0..100 (0: off)
         */
        public Builder slowCallRateThreshold(double value) {
            this.slowCallRateThreshold = percent("slowCallRateThreshold", value);
            return this;
        }

        /**
         * What happens while the store fails. Default {@link StoreFailurePolicy#FAIL_OPEN}.
         *
         * @throws IllegalArgumentException if null
         */
        public Builder storeFailurePolicy(StoreFailurePolicy value) {
            if (value == null) {
                throw new IllegalArgumentException("storeFailurePolicy must not be null");
            }
            this.storeFailurePolicy = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the probe lease is shorter than the call timeout plus
         *         the clock skew, or the backoff cap shorter than the open duration
         */
        public CircuitBreakerConfig build() {
            if (!leaseCoversCallAndSkew()) {
                throw new IllegalArgumentException("probeLease must be >= callTimeout + maxClockSkew + " + MIN_PROBE_LEASE_MARGIN
                        + " (" + callTimeout + " + " + maxClockSkew + ") but was " + probeLease
                        + ": a slow probe would lose its slot to a fast clock while still running");
            }
            if (flushInterval.compareTo(failureWindow) > 0) {
                throw new IllegalArgumentException("flushInterval must be <= failureWindow (" + failureWindow
                        + ") but was " + flushInterval + ": held failures would leave the window before they count");
            }
            if (slowCallRateThreshold > 0 && slowCallDuration.compareTo(callTimeout) >= 0) {
                throw new IllegalArgumentException("slowCallDuration must be < callTimeout (" + callTimeout
                        + ") when a slow-call rate threshold is set, but was " + slowCallDuration
                        + ": no successful call could be slow");
            }
            if (effectiveMaxOpenDuration().compareTo(openDuration) < 0) {
                throw new IllegalArgumentException("maxOpenDuration must be >= openDuration (" + openDuration
                        + ") but was " + maxOpenDuration);
            }
            return new CircuitBreakerConfig(this);
        }

        private Duration effectiveProbeLease() {
            return probeLease != null ? probeLease : callTimeout.plus(maxClockSkew).plus(DEFAULT_PROBE_LEASE_MARGIN);
        }

        private boolean leaseCoversCallAndSkew() {
            return effectiveProbeLease().compareTo(callTimeout.plus(maxClockSkew).plus(MIN_PROBE_LEASE_MARGIN)) >= 0;
        }

        private Duration effectiveMaxOpenDuration() {
            if (maxOpenDuration != null) {
                return maxOpenDuration;
            }
            return openDuration.compareTo(DEFAULT_MAX_OPEN_DURATION) > 0 ? openDuration : DEFAULT_MAX_OPEN_DURATION;
        }

        private static int count(String name, int value, int max) {
            if (value < 1 || value > max) {
                throw new IllegalArgumentException(name + " must be within 1.." + max + " but was " + value);
            }
            return value;
        }

        private static double percent(String name, double value) {
            if (!(value >= 0 && value <= 100)) {
                throw new IllegalArgumentException(name + " must be a percentage within 0..100 (0: off) but was " + value);
            }
            return value;
        }

        private static Duration duration(String name, Duration value, Duration max) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + value);
            }
            if (value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be at most " + max + " but was " + value);
            }
            return value;
        }
    }
}
