package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CircuitBreakerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real breaker in the fleet: the figures the bench measures, the design that read the item on
 * every call failing at 100,000 rps, and today's defaults (refresh and flush intervals) holding.
 */
class CircuitLabModelTest {

    /** Refresh and flush intervals 0: a strongly consistent read per call, a write per failure. */
    private static final CircuitBreakerConfig READ_EVERY_CALL = CircuitBreakerConfig.builder()
            .refreshInterval(java.time.Duration.ZERO).flushInterval(java.time.Duration.ZERO).build();

    private static RunResult run(String scenario, double rps, boolean quick) {
        return run(scenario, rps, quick, READ_EVERY_CALL);
    }

    private static RunResult run(String scenario, double rps, boolean quick, CircuitBreakerConfig config) {
        return new FleetRun(Scenario.all(quick).get(scenario), rps, new CircuitLabModel(config),
                FleetParameters.defaults(), 1).run();
    }

    /**
     * Regression: at 100,000 rps the timeouts of a hang all ended together and every environment's
     * first batch came due in the same second: 3,936 throttled requests. With flush phases and the
     * look before a flush, none, and the item is asked for few writes.
     */
    @Test
    void aHangAtOneHundredThousandRpsNeverThrottlesTheItemWithTheDefaults() {
        Map<String, Object> f = run("outage-timeout", 100_000, true, CircuitBreakerConfig.defaults()).figures();
        assertEquals(0L, f.get("throttledRequests"), f.toString());
        assertTrue(((Number) f.get("itemWriteUnitsPeakPerSec")).doubleValue() <= 500, f.toString());
        assertEquals(1L, f.get("trips"));
    }

    /** With a failure-rate threshold, 0.5 % noise does not trip the fleet; the count threshold does. */
    @Test
    void aFailureRateThresholdDoesNotTripOnNoiseWhereTheCountDoes() {
        CircuitBreakerConfig rate = CircuitBreakerConfig.builder().failureRateThreshold(50).minimumCalls(100)
                .flushInterval(java.time.Duration.ofSeconds(10)).build();
        Map<String, Object> withRate = run("noise", 1_000, true, rate).figures();
        assertEquals(0L, withRate.get("falseTrips"), withRate.toString());
        assertEquals(0L, withRate.get("throttledRequests"));
        Map<String, Object> withCount = run("noise", 1_000, true, CircuitBreakerConfig.defaults()).figures();
        assertTrue((Long) withCount.get("falseTrips") > 0, "the control: the count trips on noise: " + withCount);
    }

    @Test
    void circuitEnvConfiguresTheBreakerAsTheFunctionWouldAndNamesWhatIsWrong() {
        BreakerModel m = FleetOptions.circuitLabWithEnvironment("CIRCUIT_FAILURE_RATE_THRESHOLD=50, CIRCUIT_MINIMUM_CALLS=200");
        assertEquals(FleetOptions.CIRCUIT_ENV, m.id());
        assertTrue(m.settings().contains("failure rate 50.0 %") && m.settings().contains("from 200 calls"), m.settings());
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.circuitLabWithEnvironment("CIRCUIT_NOPE=1"));
        assertTrue(unknown.getMessage().contains("CIRCUIT_NOPE is not a breaker setting"), unknown.getMessage());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.circuitLabWithEnvironment("CIRCUIT_FAILURE_RATE_THRESHOLD=150"));
        assertTrue(bad.getMessage().contains("CIRCUIT_FAILURE_RATE_THRESHOLD"), bad.getMessage());
        IllegalArgumentException shape = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.circuitLabWithEnvironment("CIRCUIT_MINIMUM_CALLS"));
        assertTrue(shape.getMessage().contains("NAME=VALUE"), shape.getMessage());
    }

    @Test
    void atOneHundredRpsAHealthyRequestCostsExactlyOneReadAndNoWriteWhenEveryCallReads() {
        RunResult r = run("healthy", 100, true);
        RunMeters m = r.meters();
        assertTrue(m.total(Metric.INVOCATIONS) > 2_500);
        assertEquals(m.total(Metric.INVOCATIONS), m.total(Metric.GET_ITEM), "one GetItem per request, as ./lab bench measures");
        assertEquals(0, m.total(Metric.PUT_ITEM) + m.total(Metric.UPDATE_ITEM), "no write");
        assertEquals(0, m.total(Metric.THROTTLED));
        Map<String, Object> f = r.figures();
        assertEquals(1.0, f.get("readRequestsPerUpstreamRequest"));
        assertEquals(0.0, f.get("writeRequestsPerUpstreamRequest"));
        assertEquals(0.125, f.get("costUsdPerMillionRequests"), "one strongly consistent read unit per request");
    }

    @Test
    void atOneThousandRpsAnOutageTripsAtOnceAndOneProbeRecoversIt() {
        RunResult r = run("outage-5xx", 1_000, true);
        Map<String, Object> f = r.figures();
        assertEquals(1L, f.get("maxConcurrentProbes"), "single-flight recovery across the fleet");
        assertEquals(0L, f.get("throttledRequests"));
        assertEquals(0L, f.get("downstreamCallsWhileOpen"));
        assertTrue((Long) f.get("tripAfterFirstFailureMs") < 100, "five failures arrive within milliseconds: " + f);
        assertEquals(1L, f.get("trips"));
        assertTrue(f.get("closeAfterFaultEndMs") != null);
    }

    @Test
    void withTheDefaultsAHealthyCallCostsAtMostOneHundredthOfARequestAtOneThousandRps() {
        RunResult r = run("healthy", 1_000, true, CircuitBreakerConfig.defaults());
        RunMeters m = r.meters();
        double requestsPerCall = (m.total(Metric.GET_ITEM) + m.total(Metric.PUT_ITEM) + m.total(Metric.UPDATE_ITEM))
                / m.total(Metric.INVOCATIONS);
        assertTrue(requestsPerCall <= 0.01, "DynamoDB requests per upstream request: " + requestsPerCall);
        assertEquals(0, m.total(Metric.THROTTLED));
    }

    @Test
    void withTheDefaultsOneHundredThousandRpsStayUnderTheItemsCapsWithoutThrottling() {
        RunResult r = run("healthy", 100_000, true, CircuitBreakerConfig.defaults());
        RunMeters m = r.meters();
        assertTrue(m.peak(Metric.READ_UNITS) <= 1_500, "read units requested per second: " + m.peak(Metric.READ_UNITS));
        assertEquals(0, m.total(Metric.THROTTLED));
        assertEquals(0, m.total(Metric.FALLBACK_DECISIONS));
    }

    @Test
    void atOneHundredThousandRpsReadingOnEveryCallExceedsTheItemsReadCapAndIsThrottled() {
        RunResult r = run("healthy", 100_000, true);
        RunMeters m = r.meters();
        assertTrue(m.peak(Metric.READ_UNITS) > FleetParameters.ITEM_READ_UNITS_PER_SECOND,
                "read units requested per second: " + m.peak(Metric.READ_UNITS));
        assertTrue(m.peak(Metric.READ_UNITS_CONSUMED) <= FleetParameters.ITEM_READ_UNITS_PER_SECOND + 1e-9, "the cap holds");
        assertTrue(m.total(Metric.THROTTLED) > 0);
        assertTrue(m.total(Metric.STORE_ERRORS) > 0);
        assertTrue(m.total(Metric.FALLBACK_DECISIONS) > 0, "the breaker falls back to each instance's local breaker");
    }
}
