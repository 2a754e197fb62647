package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CircuitBreakerConfigTest {

    @Test
    void defaultsMatchTheDesign() {
        CircuitBreakerConfig c = CircuitBreakerConfig.defaults();
        assertEquals(5, c.failureThreshold());
        assertEquals(Duration.ofSeconds(60), c.failureWindow());
        assertEquals(Duration.ofSeconds(30), c.openDuration());
        assertEquals(1, c.halfOpenProbes());
        assertEquals(2, c.successThreshold());
        assertEquals(Duration.ofSeconds(2), c.callTimeout());
        assertEquals(Duration.ofMillis(500), c.maxClockSkew());
        assertEquals(Duration.ofSeconds(3), c.probeLease(), "probe lease defaults to call timeout + clock skew + 0.5 s");
        assertEquals(Duration.ofSeconds(5), c.refreshInterval());
        assertEquals(StoreFailurePolicy.FAIL_OPEN, c.storeFailurePolicy());
        assertEquals(0, c.failureRateThreshold(), "rates are off by default: the count decides");
        assertEquals(0, c.slowCallRateThreshold());
        assertEquals(100, c.minimumCalls());
        assertEquals(Duration.ofSeconds(1), c.slowCallDuration());
        assertEquals(false, c.countsCalls(), "without a rate threshold, successes are not counted");
    }

    @Test
    void theTripRuleUsesTheCountBelowTheMinimumCallsAndTheRatesAboveIt() {
        CircuitBreakerConfig c = CircuitBreakerConfig.builder().failureRateThreshold(50).slowCallRateThreshold(80)
                .minimumCalls(10).build();
        assertEquals(null, c.tripReason(new OutcomeCounts(9, 4, 0)));
        assertTrue(c.tripReason(new OutcomeCounts(9, 5, 0)).startsWith("5 failures"), "9 calls < 10: the count decides");
        assertEquals(null, c.tripReason(new OutcomeCounts(1_000, 499, 799)), "49.9 % and 79.9 %");
        assertTrue(c.tripReason(new OutcomeCounts(1_000, 500, 0)).startsWith("50.0 % of 1000 calls failed"));
        assertTrue(c.tripReason(new OutcomeCounts(1_000, 0, 800)).startsWith("80.0 % of 1000 calls took over 1000 ms"));
        CircuitBreakerConfig slowOnly = CircuitBreakerConfig.builder().slowCallRateThreshold(50).minimumCalls(10).build();
        assertTrue(slowOnly.tripReason(new OutcomeCounts(1_000, 5, 0)).startsWith("5 failures"),
                "a slow-call threshold alone leaves failures to the count, however many calls");
        assertTrue(slowOnly.tripReason(new OutcomeCounts(1_000, 0, 500)).startsWith("50.0 % of 1000 calls took over"));
        assertEquals(null, CircuitBreakerConfig.defaults().tripReason(new OutcomeCounts(0, 4, 0)));
        assertTrue(CircuitBreakerConfig.defaults().tripReason(new OutcomeCounts(0, 5, 0)) != null);
    }

    @Test
    void environmentOverridesEverySetting() {
        CircuitBreakerConfig c = CircuitBreakerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("CIRCUIT_FAILURE_THRESHOLD", "3"),
                Map.entry("CIRCUIT_FAILURE_WINDOW_MS", "10000"),
                Map.entry("CIRCUIT_OPEN_DURATION_MS", "1500"),
                Map.entry("CIRCUIT_OPEN_BACKOFF_MULTIPLIER", "2"),
                Map.entry("CIRCUIT_MAX_OPEN_DURATION_MS", "6000"),
                Map.entry("CIRCUIT_HALF_OPEN_PROBES", "3"),
                Map.entry("CIRCUIT_SUCCESS_THRESHOLD", "4"),
                Map.entry("CIRCUIT_CALL_TIMEOUT_MS", "700"),
                Map.entry("CIRCUIT_PROBE_LEASE_MS", "900"),
                Map.entry("CIRCUIT_MAX_CLOCK_SKEW_MS", "50"),
                Map.entry("CIRCUIT_REFRESH_INTERVAL_MS", "250"),
                Map.entry("CIRCUIT_STORE_FAILURE_POLICY", "fail_closed"),
                Map.entry("CIRCUIT_FAILURE_RATE_THRESHOLD", "25.5"),
                Map.entry("CIRCUIT_MINIMUM_CALLS", "40"),
                Map.entry("CIRCUIT_SLOW_CALL_DURATION_MS", "300"),
                Map.entry("CIRCUIT_SLOW_CALL_RATE_THRESHOLD", "60")));
        assertEquals(3, c.failureThreshold());
        assertEquals(Duration.ofSeconds(10), c.failureWindow());
        assertEquals(Duration.ofMillis(1500), c.openDuration());
        assertEquals(2.0, c.openBackoffMultiplier());
        assertEquals(Duration.ofMillis(6000), c.maxOpenDuration());
        assertEquals(3, c.halfOpenProbes());
        assertEquals(4, c.successThreshold());
        assertEquals(Duration.ofMillis(700), c.callTimeout());
        assertEquals(Duration.ofMillis(900), c.probeLease());
        assertEquals(Duration.ofMillis(50), c.maxClockSkew());
        assertEquals(Duration.ofMillis(250), c.refreshInterval());
        assertEquals(StoreFailurePolicy.FAIL_CLOSED, c.storeFailurePolicy());
        assertEquals(25.5, c.failureRateThreshold());
        assertEquals(40, c.minimumCalls());
        assertEquals(Duration.ofMillis(300), c.slowCallDuration());
        assertEquals(60, c.slowCallRateThreshold());
    }

    @Test
    void blankVariablesMeanTheDefault() {
        assertEquals(5, CircuitBreakerConfig.fromEnvironment(Map.of("CIRCUIT_FAILURE_THRESHOLD", " ")).failureThreshold());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "CIRCUIT_FAILURE_THRESHOLD, 0",
            "CIRCUIT_FAILURE_THRESHOLD, -3",
            "CIRCUIT_FAILURE_THRESHOLD, five",
            "CIRCUIT_FAILURE_WINDOW_MS, 0",
            "CIRCUIT_FAILURE_WINDOW_MS, -1",
            "CIRCUIT_OPEN_DURATION_MS, 0",
            "CIRCUIT_OPEN_DURATION_MS, 1.5s",
            "CIRCUIT_OPEN_BACKOFF_MULTIPLIER, 0.5",
            "CIRCUIT_OPEN_BACKOFF_MULTIPLIER, NaN",
            "CIRCUIT_MAX_OPEN_DURATION_MS, -10",
            "CIRCUIT_HALF_OPEN_PROBES, 0",
            "CIRCUIT_SUCCESS_THRESHOLD, 0",
            "CIRCUIT_CALL_TIMEOUT_MS, 0",
            "CIRCUIT_PROBE_LEASE_MS, -5",
            "CIRCUIT_REFRESH_INTERVAL_MS, -1",
            "CIRCUIT_MAX_CLOCK_SKEW_MS, -1",
            "CIRCUIT_STORE_FAILURE_POLICY, FAIL_SOMETIMES",
            "CIRCUIT_FAILURE_RATE_THRESHOLD, 101",
            "CIRCUIT_FAILURE_RATE_THRESHOLD, -1",
            "CIRCUIT_FAILURE_RATE_THRESHOLD, half",
            "CIRCUIT_MINIMUM_CALLS, 0",
            "CIRCUIT_SLOW_CALL_DURATION_MS, 0",
            "CIRCUIT_SLOW_CALL_RATE_THRESHOLD, NaN",
    })
    void rejectsBadEnvironmentValuesNamingTheVariableAndValue(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CircuitBreakerConfig.fromEnvironment(Map.of(name, value)));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void builderRejectsBadValuesNamingTheSetting() {
        assertMessage("failureThreshold must be within 1..1000000 but was 0", () -> CircuitBreakerConfig.builder().failureThreshold(0));
        assertMessage("halfOpenProbes must be within 1..100 but was -1", () -> CircuitBreakerConfig.builder().halfOpenProbes(-1));
        assertMessage("openDuration must be > 0 but was PT0S", () -> CircuitBreakerConfig.builder().openDuration(Duration.ZERO));
        assertMessage("failureWindow must be > 0 but was PT-1S", () -> CircuitBreakerConfig.builder().failureWindow(Duration.ofSeconds(-1)));
        assertMessage("maxOpenDuration must be >= openDuration (PT30S) but was PT10S",
                () -> CircuitBreakerConfig.builder().maxOpenDuration(Duration.ofSeconds(10)).build());
    }

    /**
     * Regression: huge values used to overflow epoch-ms arithmetic (a negative retry time probed right
     * after the trip, a huge call timeout threw ArithmeticException from acquirePermission, a huge
     * lease went negative and freed every slot). They are now rejected at start.
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "CIRCUIT_OPEN_DURATION_MS, 9223372036854775807",
            "CIRCUIT_OPEN_DURATION_MS, 604800001",
            "CIRCUIT_MAX_OPEN_DURATION_MS, 9223372036854775807",
            "CIRCUIT_CALL_TIMEOUT_MS, 9223372036854775807",
            "CIRCUIT_CALL_TIMEOUT_MS, 900001",
            "CIRCUIT_PROBE_LEASE_MS, 9223372036854775807",
            "CIRCUIT_FAILURE_WINDOW_MS, 9223372036854775807",
            "CIRCUIT_REFRESH_INTERVAL_MS, 9223372036854775807",
            "CIRCUIT_MAX_CLOCK_SKEW_MS, 60001",
            "CIRCUIT_FAILURE_THRESHOLD, 2147483647",
            "CIRCUIT_HALF_OPEN_PROBES, 101",
            "CIRCUIT_OPEN_BACKOFF_MULTIPLIER, 1e308",
            "CIRCUIT_OPEN_BACKOFF_MULTIPLIER, Infinity",
    })
    void rejectsValuesLargeEnoughToOverflowTimeArithmetic(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CircuitBreakerConfig.fromEnvironment(Map.of(name, value)));
        assertTrue(e.getMessage().startsWith(name + "='" + value + "' is invalid"), e.getMessage());
    }

    @Test
    void theLargestAllowedValuesKeepEveryTimeInRange() {
        CircuitBreakerConfig c = CircuitBreakerConfig.builder()
                .openDuration(CircuitBreakerConfig.MAX_DURATION).maxOpenDuration(CircuitBreakerConfig.MAX_DURATION)
                .openBackoffMultiplier(CircuitBreakerConfig.MAX_BACKOFF_MULTIPLIER)
                .callTimeout(CircuitBreakerConfig.MAX_CALL_TIMEOUT).probeLease(CircuitBreakerConfig.MAX_DURATION).build();
        long now = 4_102_444_800_000L; // 2100-01-01
        assertTrue(now + c.openDurationForTrip(Integer.MAX_VALUE).toMillis() > now);
        assertTrue(now + c.probeLease().toMillis() > now);
    }

    @Test
    void environmentVariablesListsEveryVariableTheConfigReads() {
        assertEquals(java.util.List.of("CIRCUIT_FAILURE_THRESHOLD", "CIRCUIT_FAILURE_WINDOW_MS", "CIRCUIT_OPEN_DURATION_MS",
                "CIRCUIT_OPEN_BACKOFF_MULTIPLIER", "CIRCUIT_MAX_OPEN_DURATION_MS", "CIRCUIT_HALF_OPEN_PROBES",
                "CIRCUIT_SUCCESS_THRESHOLD", "CIRCUIT_CALL_TIMEOUT_MS", "CIRCUIT_PROBE_LEASE_MS",
                "CIRCUIT_MAX_CLOCK_SKEW_MS", "CIRCUIT_REFRESH_INTERVAL_MS", "CIRCUIT_FLUSH_INTERVAL_MS",
                "CIRCUIT_STORE_FAILURE_POLICY", "CIRCUIT_FAILURE_RATE_THRESHOLD", "CIRCUIT_MINIMUM_CALLS",
                "CIRCUIT_SLOW_CALL_DURATION_MS", "CIRCUIT_SLOW_CALL_RATE_THRESHOLD"), CircuitBreakerConfig.environmentVariables());
    }

    @Test
    void aSlowCallDurationNotBelowTheCallTimeoutIsRejectedWhenSlowCallsCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.fromEnvironment(
                Map.of("CIRCUIT_SLOW_CALL_RATE_THRESHOLD", "50", "CIRCUIT_SLOW_CALL_DURATION_MS", "2000")));
        assertEquals("CIRCUIT_SLOW_CALL_DURATION_MS ('2000') must be < CIRCUIT_CALL_TIMEOUT_MS ('2000') when "
                + "CIRCUIT_SLOW_CALL_RATE_THRESHOLD is set: no successful call could be slow", e.getMessage());
        // Without a slow-call rate threshold the duration is unused, so it is not checked against the timeout.
        assertEquals(Duration.ofSeconds(5), CircuitBreakerConfig.fromEnvironment(
                Map.of("CIRCUIT_SLOW_CALL_DURATION_MS", "5000")).slowCallDuration());
    }

    @Test
    void aCallTimeoutAboveTheDefaultLeaseNamesTheLeaseInEffect() {
        // The lease was not set: its value in effect follows the call timeout, so the two always fit.
        CircuitBreakerConfig c = CircuitBreakerConfig.fromEnvironment(Map.of("CIRCUIT_CALL_TIMEOUT_MS", "10000"));
        assertEquals(Duration.ofMillis(11_000), c.probeLease());
        CircuitBreakerConfig skewed = CircuitBreakerConfig.fromEnvironment(Map.of("CIRCUIT_MAX_CLOCK_SKEW_MS", "1500"));
        assertEquals(Duration.ofMillis(4_000), skewed.probeLease(), "the lease grows with the tolerated skew");
    }

    @Test
    void aProbeLeaseShorterThanTheCallTimeoutNamesBothVariables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.fromEnvironment(
                Map.of("CIRCUIT_CALL_TIMEOUT_MS", "5000", "CIRCUIT_PROBE_LEASE_MS", "1000")));
        assertEquals("CIRCUIT_PROBE_LEASE_MS ('1000') must be >= CIRCUIT_CALL_TIMEOUT_MS ('5000')"
                + " + CIRCUIT_MAX_CLOCK_SKEW_MS ('500') + 100 ms", e.getMessage());
    }

    @Test
    void aLongOpenDurationAloneRaisesTheDefaultCap() {
        CircuitBreakerConfig c = CircuitBreakerConfig.fromEnvironment(Map.of("CIRCUIT_OPEN_DURATION_MS", "400000"));
        assertEquals(Duration.ofMillis(400000), c.maxOpenDuration());
    }

    @Test
    void aCapBelowTheOpenDurationNamesBothVariables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.fromEnvironment(
                Map.of("CIRCUIT_OPEN_DURATION_MS", "60000", "CIRCUIT_MAX_OPEN_DURATION_MS", "10000")));
        assertEquals("CIRCUIT_MAX_OPEN_DURATION_MS ('10000') must be >= CIRCUIT_OPEN_DURATION_MS ('60000')", e.getMessage());
    }

    @Test
    void backoffGrowsPerConsecutiveTripAndIsCapped() {
        CircuitBreakerConfig c = CircuitBreakerConfig.builder().openDuration(Duration.ofSeconds(10))
                .openBackoffMultiplier(2).maxOpenDuration(Duration.ofSeconds(35)).build();
        assertEquals(Duration.ofSeconds(10), c.openDurationForTrip(1));
        assertEquals(Duration.ofSeconds(20), c.openDurationForTrip(2));
        assertEquals(Duration.ofSeconds(35), c.openDurationForTrip(3));
        assertEquals(Duration.ofSeconds(35), c.openDurationForTrip(30));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
