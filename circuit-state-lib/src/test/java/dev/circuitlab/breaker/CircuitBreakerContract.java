package dev.circuitlab.breaker;

import dev.circuitlab.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviour every store must give the breaker: guarantees G1, G2 and G5 of docs/DESIGN.md §3, and the state
 * machine. Concurrency tests use many breaker instances (one per simulated Lambda instance) on one
 * circuit item, started together behind a latch.
 */
abstract class CircuitBreakerContract {

    static final int CALLERS = 32;

    /** A store on the shared test table; each call may return a new instance over the same data. */
    abstract CircuitStateStore store();

    final MutableClock clock = new MutableClock(1_800_000_000_000L);
    RecordingListener listener;
    String circuitId;
    private ExecutorService pool;

    @BeforeEach
    void freshCircuit() {
        circuitId = "c-" + UUID.randomUUID().toString().substring(0, 8);
        listener = new RecordingListener();
        pool = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().flushInterval(Duration.ZERO).failureThreshold(5).failureWindow(Duration.ofSeconds(60))
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(1).successThreshold(2)
                .callTimeout(Duration.ofSeconds(2));
    }

    CircuitBreaker breaker(CircuitBreakerConfig config) {
        return TestBreakers.create(circuitId, config, store(), clock, listener);
    }

    static void fail(CircuitBreaker b) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
    }

    static void succeed(CircuitBreaker b) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        b.onResult(p, CallOutcome.success());
    }

    void trip(CircuitBreaker b, int threshold) {
        for (int i = 0; i < threshold; i++) {
            fail(b);
        }
        assertEquals(CircuitState.OPEN, b.snapshot().state());
    }

    // ------------------------------------------------------------ state machine

    @Test
    void newCircuitIsClosedAndPermits() {
        CircuitBreaker b = breaker(policy().build());
        Permission p = b.acquirePermission();
        assertTrue(p.permitted());
        assertEquals(CircuitState.CLOSED, p.state());
        assertEquals(0, b.snapshot().version(), "a healthy circuit has no item yet");
    }

    @Test
    void tripsExactlyAtTheThreshold() {
        CircuitBreaker b = breaker(policy().build());
        for (int i = 1; i < 5; i++) {
            fail(b);
            CircuitSnapshot s = b.snapshot();
            assertEquals(CircuitState.CLOSED, s.state(), "after " + i + " failures");
            assertEquals(i, s.failureCount());
        }
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(5, s.failureCount());
        assertEquals(clock.millis(), s.openedAt());
        assertEquals(clock.millis() + 30_000, s.retryAt());
        assertEquals(new Transition(CircuitState.CLOSED, CircuitState.OPEN, s.lastTransition().reason(), clock.millis()),
                s.lastTransition());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
    }

    @Test
    void successesDoNotResetTheFailureCount() {
        CircuitBreaker b = breaker(policy().build());
        fail(b);
        fail(b);
        succeed(b);
        assertEquals(2, b.snapshot().failureCount());
    }

    /** Failures more than the window plus one bucket (a tenth of it) old never count, and are removed. */
    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        CircuitBreakerConfig config = policy().build();
        CircuitBreaker b = breaker(config);
        for (int i = 0; i < 4; i++) {
            fail(b);
        }
        clock.advance(Duration.ofSeconds(66));
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(1, s.failureCount(), "the old bucket was removed by the update that counted this failure");
        assertEquals(config.windowBucketStart(clock.millis()), s.windowStart());
        for (int i = 0; i < 4; i++) {
            fail(b);
        }
        assertEquals(CircuitState.OPEN, b.snapshot().state());
    }

    @Test
    void openRejectsWithoutRunningTheCall() throws Exception {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        AtomicInteger calls = new AtomicInteger();
        String result = b.execute(() -> {
            calls.incrementAndGet();
            return "called";
        }, r -> CallOutcome.success(), p -> "fallback:" + p.state() + ":" + p.retryAfterSeconds(clock.millis()));
        assertEquals("fallback:OPEN:30", result);
        assertEquals(0, calls.get());
    }

    @Test
    void executeCountsAThrownExceptionAsAFailureAndRethrowsIt() {
        CircuitBreaker b = breaker(policy().failureThreshold(1).build());
        assertThrows(java.net.http.HttpTimeoutException.class, () -> b.execute(() -> {
            throw new java.net.http.HttpTimeoutException("slow");
        }, r -> CallOutcome.success(), p -> null));
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertTrue(s.lastTransition().reason().contains("TIMEOUT"), s.lastTransition().reason());
    }

    @Test
    void firstCallAfterTheCooldownBecomesTheOnlyProbe() {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        clock.advance(Duration.ofSeconds(29));
        assertFalse(b.acquirePermission().permitted(), "still cooling down");
        clock.advance(Duration.ofSeconds(1));
        Permission probe = b.acquirePermission();
        assertTrue(probe.permitted());
        assertTrue(probe.isProbe());
        assertEquals(CircuitState.HALF_OPEN, b.snapshot().state());
        Permission second = breaker(policy().build()).acquirePermission();
        assertFalse(second.permitted(), "one probe in flight at once");
        assertEquals(CircuitState.HALF_OPEN, second.state());
    }

    @Test
    void successThresholdProbeSuccessesClose() {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        clock.advance(Duration.ofSeconds(30));
        succeed(b);
        CircuitSnapshot afterOne = b.snapshot();
        assertEquals(CircuitState.HALF_OPEN, afterOne.state());
        assertEquals(1, afterOne.halfOpenSuccesses());
        assertEquals(0, afterOne.probesInFlight(clock.millis()), "a finished probe frees its slot");
        succeed(b);
        CircuitSnapshot closed = b.snapshot();
        assertEquals(CircuitState.CLOSED, closed.state());
        assertEquals(0, closed.failureCount());
        assertEquals(0, closed.consecutiveOpens());
        assertEquals(CircuitState.HALF_OPEN, closed.lastTransition().from());
        // Closed again: it takes a full threshold of new failures to trip.
        for (int i = 0; i < 4; i++) {
            fail(b);
        }
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
    }

    @Test
    void aProbeFailureReopens() {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        clock.advance(Duration.ofSeconds(30));
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(CircuitState.HALF_OPEN, s.lastTransition().from());
        assertEquals(clock.millis() + 30_000, s.retryAt(), "no backoff by default");
        assertEquals(2, s.consecutiveOpens());
    }

    @Test
    void aProbeFailureReopensForLongerWithBackoff() {
        CircuitBreaker b = breaker(policy().openBackoffMultiplier(2).maxOpenDuration(Duration.ofSeconds(100)).build());
        trip(b, 5);
        clock.advance(Duration.ofSeconds(30));
        fail(b);
        assertEquals(clock.millis() + 60_000, b.snapshot().retryAt());
        clock.advance(Duration.ofSeconds(60));
        fail(b);
        assertEquals(clock.millis() + 100_000, b.snapshot().retryAt(), "capped at maxOpenDuration");
        clock.advance(Duration.ofSeconds(100));
        succeed(b);
        succeed(b);
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
        trip(b, 5);
        assertEquals(clock.millis() + 30_000, b.snapshot().retryAt(), "closing resets the backoff");
    }

    @Test
    void anExpiredProbeLeaseCanBeReclaimed() {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        clock.advance(Duration.ofSeconds(30));
        Permission lost = b.acquirePermission(); // this probe's Lambda "dies": it never reports
        assertTrue(lost.isProbe());
        clock.advance(Duration.ofMillis(2999)); // the lease: call timeout 2 s + 1 s margin
        assertFalse(breaker(policy().build()).acquirePermission().permitted(), "lease still valid");
        clock.advance(Duration.ofMillis(1));
        CircuitBreaker other = breaker(policy().build());
        Permission reclaimed = other.acquirePermission();
        assertTrue(reclaimed.permitted(), "the expired lease is free again");
        assertTrue(reclaimed.isProbe());
        other.onResult(reclaimed, CallOutcome.success());
        // The dead probe's late report no longer counts: its lease was taken over.
        b.onResult(lost, CallOutcome.success());
        assertEquals(1, b.snapshot().halfOpenSuccesses());
    }

    @Test
    void fourHundredsCountAsSuccess() {
        assertTrue(CallOutcome.ofHttpStatus(404).isSuccess());
        assertTrue(CallOutcome.ofHttpStatus(400).isSuccess());
        assertEquals(FailureReason.THROTTLED, CallOutcome.ofHttpStatus(429).failureReason().orElseThrow());
        assertEquals(FailureReason.ERROR, CallOutcome.ofHttpStatus(503).failureReason().orElseThrow());
    }

    @Test
    void forcedOpenRejectsUntilReset() {
        CircuitBreaker b = breaker(policy().build());
        CircuitSnapshot forced = b.forceOpen();
        assertEquals(CircuitState.FORCED_OPEN, forced.state());
        clock.advance(Duration.ofDays(1));
        Permission p = b.acquirePermission();
        assertFalse(p.permitted());
        assertEquals(CircuitState.FORCED_OPEN, p.state());
        assertEquals(30, p.retryAfterSeconds(clock.millis()), "clients are told to come back after one open duration");
        assertEquals(CircuitState.CLOSED, b.reset().state());
        assertTrue(b.acquirePermission().permitted());
    }

    @Test
    void disabledPermitsAndRecordsNothing() {
        CircuitBreaker b = breaker(policy().build());
        b.disable();
        for (int i = 0; i < 10; i++) {
            Permission p = b.acquirePermission();
            assertTrue(p.permitted());
            assertEquals(CircuitState.DISABLED, p.state());
            b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
        }
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.DISABLED, s.state());
        assertEquals(0, s.failureCount());
    }

    @Test
    void resetClosesAnOpenCircuitAndClearsCounters() {
        CircuitBreaker b = breaker(policy().build());
        trip(b, 5);
        CircuitSnapshot s = b.reset();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(0, s.failureCount());
        assertEquals("manual reset", s.lastTransition().reason());
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
        assertTrue(b.acquirePermission().permitted());
    }

    // ------------------------------------------------------------ concurrency

    @Test
    void concurrentFailuresAreCountedExactly() throws Exception {
        CircuitBreakerConfig config = policy().failureThreshold(1000).build();
        List<CircuitBreaker> instances = instances(config);
        runTogether(i -> {
            fail(instances.get(i));
            return null;
        });
        CircuitSnapshot s = instances.get(0).snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(CALLERS, s.failureCount(), "no lost updates");
    }

    @RepeatedTest(3)
    void concurrentFailuresTripExactlyOnce() throws Exception {
        CircuitBreakerConfig config = policy().build();
        List<CircuitBreaker> instances = instances(config);
        // Every caller got permission while CLOSED, then all fail at once.
        List<Permission> permissions = new ArrayList<>();
        for (CircuitBreaker b : instances) {
            permissions.add(b.acquirePermission());
        }
        runTogether(i -> {
            instances.get(i).onResult(permissions.get(i), CallOutcome.failure(FailureReason.TIMEOUT));
            return null;
        });
        CircuitSnapshot s = instances.get(0).snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN), "exactly one CLOSED -> OPEN transition");
        assertTrue(s.failureCount() >= 5, "tripped at the threshold, not before: " + s.failureCount());
        assertEquals(1, s.consecutiveOpens());
    }

    @ParameterizedTest(name = "halfOpenProbes={0}")
    @ValueSource(ints = {1, 3})
    void onlyTheConfiguredNumberOfProbesGoAmongConcurrentCallers(int probes) throws Exception {
        CircuitBreakerConfig config = policy().halfOpenProbes(probes).build();
        List<CircuitBreaker> instances = instances(config);
        trip(instances.get(0), 5);
        clock.advance(Duration.ofSeconds(30));
        List<Permission> results = runTogether(i -> instances.get(i).acquirePermission());
        long permitted = results.stream().filter(Permission::permitted).count();
        assertEquals(probes, permitted, "probes admitted");
        assertEquals(probes, results.stream().filter(Permission::isProbe).map(p -> p.probeSlot().getAsInt())
                .distinct().count(), "each probe owns its own slot");
        assertEquals(1, listener.transitionsTo(CircuitState.HALF_OPEN), "exactly one OPEN -> HALF_OPEN transition");
        CircuitSnapshot s = instances.get(0).snapshot();
        assertEquals(CircuitState.HALF_OPEN, s.state());
        assertEquals(probes, s.probesInFlight(clock.millis()));
    }

    @Test
    void concurrentProbeSuccessesCloseOnce() throws Exception {
        CircuitBreakerConfig config = policy().halfOpenProbes(4).successThreshold(4).build();
        List<CircuitBreaker> instances = instances(config);
        trip(instances.get(0), 5);
        clock.advance(Duration.ofSeconds(30));
        List<Permission> probes = runTogether(i -> instances.get(i).acquirePermission());
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (probes.get(i).permitted()) {
                owners.add(i);
            }
        }
        assertEquals(4, owners.size());
        runTogether(i -> {
            if (i < owners.size()) {
                int owner = owners.get(i);
                instances.get(owner).onResult(probes.get(owner), CallOutcome.success());
            }
            return null;
        });
        assertEquals(CircuitState.CLOSED, instances.get(0).snapshot().state());
        assertEquals(1, listener.transitionsTo(CircuitState.CLOSED));
    }

    /**
     * The propagation bound: a transition made by one instance reaches an instance that refreshed
     * its copy at t within the refresh interval — it may still permit until t + interval, never after.
     */
    @Test
    void aTripReachesAnInstanceWithAFreshCopyWithinTheRefreshInterval() {
        CircuitBreakerConfig config = policy().refreshInterval(Duration.ofSeconds(1)).build();
        CircuitBreaker tripper = breaker(config);
        CircuitBreaker reader = breaker(config);
        long refreshedAt = clock.millis();
        assertTrue(reader.acquirePermission().permitted());
        clock.advance(Duration.ofMillis(10));
        trip(tripper, 5);
        clock.advance(Duration.ofMillis(1_000 - 10 - 1));
        assertTrue(reader.acquirePermission().permitted(), "its copy is 999 ms old: CLOSED, by design");
        clock.advance(Duration.ofMillis(1));
        Permission p = reader.acquirePermission();
        assertFalse(p.permitted(), "at refreshedAt + 1 s the copy is refreshed: " + p);
        assertEquals(CircuitState.OPEN, p.state());
        assertEquals(refreshedAt + 1_000, clock.millis());
    }

    /** An instance that has seen a failure refreshes within REFRESH_AFTER_FAILURE, not the whole (longer) refresh interval. */
    @Test
    void afterAFailureOfItsOwnAnInstanceLearnsOfATripWithinASecond() {
        CircuitBreakerConfig config = policy().refreshInterval(Duration.ofSeconds(5)).build();
        CircuitBreaker tripper = breaker(config);
        CircuitBreaker reader = breaker(config);
        Permission p = reader.acquirePermission();
        clock.advance(Duration.ofMillis(10));
        trip(tripper, 5);
        reader.onResult(p, CallOutcome.failure(FailureReason.TIMEOUT)); // its own failure: counted, sees OPEN, drops
        clock.advance(CircuitBreakerConfig.REFRESH_AFTER_FAILURE);
        assertFalse(reader.acquirePermission().permitted(), "it refreshed after 1 s, not 5 s");

        CircuitBreaker healthyReader = breaker(config);
        assertFalse(healthyReader.acquirePermission().permitted(), "a fresh instance reads the OPEN state");
    }

    // ------------------------------------------------------------ aggregation (the default flush interval)

    private CircuitBreakerConfig.Builder aggregating() {
        return policy().flushInterval(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL);
    }

    /** One instance still trips on exactly the threshold-th failure: its batch could reach the threshold, so it goes at once. */
    @Test
    void aBatchThatCouldReachTheThresholdIsWrittenAtOnceSoOneInstanceTripsOnTheFifthFailure() {
        CircuitBreaker b = breaker(aggregating().build());
        for (int i = 1; i < 5; i++) {
            fail(b);
            assertEquals(0, b.snapshot().failureCount(), "failure " + i + " is held in the batch");
        }
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(5, s.failureCount());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
    }

    /** Below the threshold, failures are written as one update once the flush interval has passed (with the next call). */
    @Test
    void failuresBelowTheThresholdAreWrittenTogetherAfterTheFlushInterval() {
        CircuitBreaker b = breaker(aggregating().build());
        fail(b);
        fail(b);
        assertEquals(0, b.snapshot().failureCount());
        clock.advance(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL);
        assertTrue(b.acquirePermission().permitted());
        assertEquals(2, b.snapshot().failureCount(), "both, in one update");
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
    }

    /** Calls that fail after the trip (the outage ramp) do not each write: a batch that finds the circuit OPEN is dropped. */
    @Test
    void failuresReportedAfterTheTripAreDropped() {
        CircuitBreakerConfig config = aggregating().build();
        CircuitBreaker tripper = breaker(config);
        CircuitBreaker late = breaker(config);
        Permission inFlight = late.acquirePermission();
        trip(tripper, 5);
        long version = late.snapshot().version();
        late.onResult(inFlight, CallOutcome.failure(FailureReason.TIMEOUT));
        clock.advance(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL);
        assertFalse(late.acquirePermission().permitted(), "its refreshed copy is OPEN");
        CircuitSnapshot s = late.snapshot();
        assertEquals(version, s.version());
        assertEquals(5, s.failureCount(), "the late failure was not added to the tripped item");
    }

    /**
     * Many instances failing together with aggregation: exactly one trip, and the shared count never
     * above the failures reported (each batch is written at most once).
     */
    @RepeatedTest(3)
    void concurrentAggregatedFailuresTripExactlyOnceAndNeverOvercount() throws Exception {
        CircuitBreakerConfig config = aggregating().failureThreshold(20).build();
        List<CircuitBreaker> instances = instances(config);
        AtomicInteger reported = new AtomicInteger();
        runTogether(i -> {
            CircuitBreaker b = instances.get(i);
            for (int k = 0; k < 3; k++) {
                Permission p = b.acquirePermission();
                if (p.permitted()) {
                    b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
                    reported.incrementAndGet();
                }
            }
            return null;
        });
        clock.advance(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL);
        instances.forEach(CircuitBreaker::acquirePermission); // flushes what is still held
        CircuitSnapshot s = instances.get(0).snapshot();
        assertEquals(CircuitState.OPEN, s.state(), "32 x 3 failures against a threshold of 20");
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
        assertTrue(s.failureCount() <= reported.get(), s.failureCount() + " counted, " + reported.get() + " reported");
        assertTrue(s.failureCount() >= 20, "the count that tripped: " + s.failureCount());
    }

    // ------------------------------------------------------------ rate thresholds

    private CircuitBreakerConfig.Builder rated() {
        return policy().failureRateThreshold(50).minimumCalls(10).failureThreshold(5);
    }

    private static void slowSuccess(CircuitBreaker b, MutableClock clock, Duration took) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        clock.advance(took);
        b.onResult(p, CallOutcome.success());
    }

    /** With enough calls in the window, the failure rate decides: 6 of 12 is 50 %, and trips; 5 of 11 did not. */
    @Test
    void aFailureRateTripsOnceItIsReachedWithTheMinimumCalls() {
        CircuitBreaker b = breaker(rated().failureThreshold(1_000).build());
        for (int i = 0; i < 6; i++) {
            succeed(b);
        }
        for (int i = 1; i <= 5; i++) {
            fail(b);
            assertEquals(CircuitState.CLOSED, b.snapshot().state(), i + " of " + (6 + i) + " failed");
        }
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(new OutcomeCounts(12, 6, 0), s.outcomesWithin(clock.millis(), 60_000, 6_000));
        assertTrue(s.lastTransition().reason().contains("50.0 % of 12 calls failed"), s.lastTransition().reason());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
    }

    /** Above the minimum calls a low rate does not trip, however many failures: 0.5 % noise at scale. */
    @Test
    void aboveTheMinimumCallsALowFailureRateDoesNotTripWhateverTheCount() {
        CircuitBreaker b = breaker(rated().build());
        for (int i = 0; i < 100; i++) {
            succeed(b);
        }
        for (int i = 0; i < 10; i++) {
            fail(b);
        }
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.CLOSED, s.state(), "10 of 110 calls (9 %) against 50 %, though 10 >= the count of 5");
        assertEquals(new OutcomeCounts(110, 10, 0), s.outcomesWithin(clock.millis(), 60_000, 6_000));
    }

    /** Below the minimum calls the count decides: a low-traffic circuit still trips on its fifth failure. */
    @Test
    void belowTheMinimumCallsTheFailureCountDecides() {
        CircuitBreaker b = breaker(rated().minimumCalls(100).build());
        for (int i = 0; i < 20; i++) {
            succeed(b);
        }
        for (int i = 0; i < 4; i++) {
            fail(b);
        }
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
        fail(b);
        assertEquals(CircuitState.OPEN, b.snapshot().state(), "25 calls < 100: the fifth failure trips");
    }

    /** Successes slower than the slow-call duration count as slow; their rate trips like the failure rate. */
    @Test
    void slowCallsTripOnTheSlowCallRate() {
        CircuitBreaker b = breaker(policy().slowCallRateThreshold(50).slowCallDuration(Duration.ofSeconds(1))
                .minimumCalls(4).failureThreshold(1_000).build());
        slowSuccess(b, clock, Duration.ofMillis(10));
        slowSuccess(b, clock, Duration.ofMillis(1_000)); // not over the duration: not slow
        slowSuccess(b, clock, Duration.ofMillis(1_001));
        assertEquals(CircuitState.CLOSED, b.snapshot().state(), "3 calls, below the minimum of 4");
        slowSuccess(b, clock, Duration.ofMillis(1_500));
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state(), "2 of 4 slow: 50 %");
        assertEquals(new OutcomeCounts(4, 0, 2), s.outcomesWithin(clock.millis(), 60_000, 6_000));
        assertTrue(s.lastTransition().reason().contains("took over 1000 ms"), s.lastTransition().reason());
    }

    /** Without a rate threshold a success writes nothing and no call is counted (the healthy path stays free). */
    @Test
    void withoutARateThresholdSuccessesAreNotCounted() {
        CircuitBreaker b = breaker(policy().build());
        succeed(b);
        fail(b);
        succeed(b);
        assertEquals(new OutcomeCounts(0, 1, 0), b.snapshot().outcomesWithin(clock.millis(), 60_000, 6_000));
        assertTrue(b.snapshot().recentCalls().isEmpty());
    }

    /** With a rate threshold successes are batched like failures: one update per flush interval, none before. */
    @Test
    void withARateThresholdSuccessesAreBatchedAndWrittenOncePerFlushInterval() {
        CircuitBreaker b = breaker(rated().flushInterval(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL).build());
        for (int i = 0; i < 50; i++) {
            succeed(b);
        }
        assertTrue(b.snapshot().recentCalls().isEmpty(), "held in the batch");
        assertTrue(listener.flushedBatches.isEmpty());
        clock.advance(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL);
        succeed(b); // its decision flushes the 50; its own outcome starts the next batch
        assertEquals(new OutcomeCounts(50, 0, 0), b.snapshot().outcomesWithin(clock.millis(), 60_000, 6_000));
        assertEquals(List.of(new OutcomeCounts(50, 0, 0)), listener.flushedBatches, "one update for all 50");
    }

    /**
     * Many instances and threads, mixed outcomes, aggregation on: every outcome is counted exactly
     * once in the shared window (never above what was reported, and, with no store fault, never below).
     */
    @RepeatedTest(2)
    void concurrentOutcomesWithARateThresholdAreCountedExactly() throws Exception {
        // Thresholds out of reach: this test is about the counts, which the window must hold exactly.
        CircuitBreakerConfig config = rated().failureRateThreshold(100).minimumCalls(1_000_000).failureThreshold(1_000_000)
                .flushInterval(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL).build();
        List<CircuitBreaker> instances = instances(config);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        runTogether(i -> {
            CircuitBreaker b = instances.get(i);
            for (int k = 0; k < 20; k++) {
                Permission p = b.acquirePermission();
                assertTrue(p.permitted());
                boolean failed = (i + k) % 3 == 0;
                b.onResult(p, failed ? CallOutcome.failure(FailureReason.ERROR) : CallOutcome.success());
                calls.incrementAndGet();
                if (failed) {
                    failures.incrementAndGet();
                }
            }
            return null;
        });
        clock.advance(CircuitBreakerConfig.DEFAULT_FLUSH_INTERVAL); // every batch is due within one interval
        instances.forEach(CircuitBreaker::acquirePermission); // flushes what is still held
        CircuitSnapshot s = instances.get(0).snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(new OutcomeCounts(calls.get(), failures.get(), 0), s.outcomesWithin(clock.millis(), 60_000, 6_000));
        assertEquals(0, listener.storeErrors.get());
    }

    /**
     * A batch is due at this instance's own phase of the flush interval (the phase and the wake
     * jitter both drawn as 250 ms here): failures counted at +100 ms go at +250 ms, not a whole
     * interval after the first of them.
     */
    @Test
    void aBatchIsWrittenAtThisInstancesPhaseOfTheFlushInterval() {
        java.util.random.RandomGenerator draws250 = new java.util.random.RandomGenerator() {
            @Override public long nextLong() { return 0; }
            @Override public long nextLong(long bound) { return Math.min(250, bound - 1); }
        };
        long start = clock.millis() - Math.floorMod(clock.millis(), 1_000);
        clock.advance(Duration.ofMillis(start + 100 - clock.millis()));
        CircuitBreaker b = CircuitBreaker.create(circuitId, aggregating().build(), store(), clock, listener, draws250);
        fail(b);
        fail(b);
        clock.advance(Duration.ofMillis(149)); // +249 ms
        assertTrue(b.acquirePermission().permitted());
        assertEquals(0, b.snapshot().failureCount(), "not yet due at +249 ms");
        clock.advance(Duration.ofMillis(1)); // +250 ms: the phase
        assertTrue(b.acquirePermission().permitted());
        assertEquals(2, b.snapshot().failureCount(), "both, in one update, at the phase");
        assertEquals(List.of(new OutcomeCounts(0, 2, 0)), listener.flushedBatches);
    }

    /**
     * The look before a flush can fail too (the item throttled): the batch is not lost but counted
     * by this instance's local breaker, which then protects this instance.
     */
    @Test
    void aBatchWhoseLookFirstFailsIsCountedByTheLocalBreaker() {
        HookedStore hooked = new HookedStore(store());
        CircuitBreaker b = TestBreakers.create(circuitId, aggregating().refreshInterval(Duration.ofSeconds(5)).build(),
                hooked, clock, listener);
        assertTrue(b.acquirePermission().permitted()); // the copy, read now
        clock.advance(Duration.ofMillis(100));
        hooked.fail(HookedStore.Request.REFRESH);
        for (int i = 0; i < 5; i++) {
            fail(b); // the fifth makes the batch urgent; its look fails
        }
        assertEquals(1, listener.localTransitions.stream().filter(t -> t.to() == CircuitState.OPEN).count(),
                "the 5 failures tripped the local breaker: " + listener.localTransitions);
        Permission next = b.acquirePermission();
        assertFalse(next.permitted(), "this instance is protected: " + next);
        hooked.heal();
        assertEquals(0, b.snapshot().failureCount(), "the shared window never got them (sent at most once)");
        assertTrue(listener.flushedBatches.isEmpty(), "nothing was written");
    }

    /**
     * A refresh that fails (a throttled item) costs the caller nothing: its copy, within the
     * staleness bound, decides, and the stale decision is reported. Beyond the bound the
     * store-failure policy decides again, as for any store error.
     */
    @Test
    void aFailedRefreshDecidesFromTheCopyWithinTheStalenessBound() {
        HookedStore hooked = new HookedStore(store());
        CircuitBreakerConfig config = policy().refreshInterval(Duration.ofSeconds(5)).build();
        CircuitBreaker b = TestBreakers.create(circuitId, config, hooked, clock, listener);
        assertTrue(b.acquirePermission().permitted());
        hooked.fail(HookedStore.Request.REFRESH);
        clock.advance(Duration.ofSeconds(5));
        Permission p = b.acquirePermission();
        assertTrue(p.permitted() && !p.local(), "the 5 s old CLOSED copy decides: " + p);
        assertEquals(1, listener.staleDecisions.get());
        clock.advance(Duration.ofMillis(500));
        assertTrue(b.acquirePermission().permitted());
        assertEquals(2, listener.staleDecisions.get(), "no new refresh within the retry interval; the copy decides");
        clock.advance(Duration.ofSeconds(5));
        Permission beyond = b.acquirePermission();
        assertTrue(beyond.local(), "10.5 s > twice the refresh interval: the local fallback decides: " + beyond);
        assertEquals(2, listener.staleDecisions.get());
    }

    // ------------------------------------------------------------ regressions: each once a defect

    /**
     * Regression: a count left from an expired window tripped on one late failure. The trip write
     * of the threshold-th failure is lost (throttled), the item stays CLOSED at the threshold, and an
     * hour later a single failure opened the circuit for the whole fleet.
     */
    @Test
    void aCountLeftFromAnExpiredWindowDoesNotTripOnOneLateFailure() {
        HookedStore hooked = new HookedStore(store());
        CircuitBreaker b = TestBreakers.create(circuitId, policy().failureThreshold(3).build(), hooked, clock, listener);
        fail(b);
        fail(b);
        hooked.fail(HookedStore.Request.REPLACE); // the trip write is throttled
        fail(b);
        hooked.heal();
        assertEquals(3, b.snapshot().failureCount());
        assertEquals(CircuitState.CLOSED, b.snapshot().state());

        clock.advance(Duration.ofHours(1));
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(0, listener.transitionsTo(CircuitState.OPEN), "one failure an hour later must not trip");
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(1, s.failureCount(), "a new window starts with this failure");
    }

    /**
     * Regression: with writes failing and reads working (a throttled hot item, a missing write
     * grant), FAIL_CLOSED permitted every failing call, because only a failed read fell back.
     */
    @Test
    void failClosedLetsOneCallThroughPerRetryIntervalWhileWritesFail() {
        HookedStore hooked = new HookedStore(store()).fail(HookedStore.Request.REPLACE,
                HookedStore.Request.ADD_OUTCOMES);
        CircuitBreaker b = TestBreakers.create(circuitId,
                policy().storeFailurePolicy(StoreFailurePolicy.FAIL_CLOSED).build(), hooked, clock, listener);
        int permitted = 0;
        for (int call = 0; call < 50; call++) {
            Permission p = b.acquirePermission();
            if (p.permitted()) {
                permitted++;
                b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
            }
            clock.advance(Duration.ofMillis(100));
        }
        assertEquals(5, permitted, "5 s of calls: one per retry interval of " + CircuitBreaker.STORE_RETRY_INTERVAL);
    }

    /**
     * Regression: with writes failing and reads working, FAIL_OPEN's local breaker tripped but was
     * never consulted, so every failing call still went out. Now the tripped local breaker vetoes
     * the shared CLOSED, which never saw those failures.
     */
    @Test
    void failOpenTripsThisInstanceWhileWritesFailAndReadsWork() {
        HookedStore hooked = new HookedStore(store()).fail(HookedStore.Request.REPLACE,
                HookedStore.Request.ADD_OUTCOMES);
        CircuitBreaker b = TestBreakers.create(circuitId, policy().build(), hooked, clock, listener);
        int permitted = 0;
        for (int call = 0; call < 20; call++) { // 20 s: within the local breaker's 30 s open duration
            Permission p = b.acquirePermission();
            if (p.permitted()) {
                permitted++;
                b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
            }
            clock.advance(CircuitBreaker.STORE_RETRY_INTERVAL); // every call reads the shared state
        }
        assertEquals(5, permitted, "the local breaker trips at the threshold of 5 and then rejects");
        assertEquals(1, listener.localTransitions.size());
        assertEquals(CircuitState.CLOSED, b.snapshot().state(), "the shared circuit never learned of them");
    }

    /**
     * While the store fails, an instance that last saw the circuit OPEN keeps rejecting until the
     * retry time it saw, instead of letting its local breaker (which knows nothing of the outage)
     * send calls to a dependency known to be failing. After the retry time the local breaker decides.
     */
    @Test
    void whileTheStoreFailsAnOpenCircuitThisInstanceSawKeepsRejectingUntilItsRetryTime() {
        HookedStore hooked = new HookedStore(store());
        // Refresh 0: every call asks the store (with a refresh interval the OPEN copy decides anyway).
        CircuitBreaker b = TestBreakers.create(circuitId, policy().refreshInterval(Duration.ZERO).build(), hooked,
                clock, listener);
        trip(b, 5);
        long retryAt = b.snapshot().retryAt();
        hooked.failEverything();
        clock.advance(Duration.ofSeconds(10));
        Permission p = b.acquirePermission();
        assertFalse(p.permitted(), "the circuit was OPEN when last seen");
        assertTrue(p.local(), "decided without the store");
        assertEquals(retryAt, p.retryAt());
        clock.advance(Duration.ofSeconds(20));
        Permission after = b.acquirePermission();
        assertTrue(after.permitted() && after.local(), "after the retry time the local breaker decides: " + after);
    }

    /**
     * Regression: a lease is written with one environment's clock and checked with another's. An
     * environment whose clock ran 1.5 s fast took a probe slot over 1.6 s into the owner's 2 s call.
     * The lease now covers the call timeout plus the tolerated skew.
     */
    @Test
    void aFastClockWithinTheToleratedSkewNeverTakesOverALiveProbe() {
        Duration skew = Duration.ofMillis(1500);
        CircuitBreakerConfig config = policy().maxClockSkew(skew).build();
        CircuitBreaker owner = breaker(config);
        CircuitBreaker fast = TestBreakers.create(circuitId, config, store(), java.time.Clock.offset(clock, skew), listener);
        trip(owner, 5);
        clock.advance(Duration.ofSeconds(30));
        Permission probe = owner.acquirePermission();
        assertTrue(probe.isProbe());
        clock.advance(Duration.ofMillis(1600));
        assertFalse(fast.acquirePermission().permitted(), "the owner's call is still running");
        clock.advance(Duration.ofMillis(400)); // the call times out at 2 s and reports
        owner.onResult(probe, CallOutcome.failure(FailureReason.TIMEOUT));
        assertEquals(CircuitState.OPEN, owner.snapshot().state());
    }

    /**
     * The lease starts when the probe is decided; if the claim write then takes longer than the
     * lease's margin, the call could outlive the lease on a fast clock elsewhere. Such a probe is not
     * started: the caller is rejected until the lease ends, and the next caller after it probes.
     */
    @Test
    void aProbeWhoseClaimTookLongerThanTheLeaseMarginIsNotStarted() {
        CircuitBreakerConfig config = policy().build(); // lease 3 s = 2 s call + 0.5 s skew + 0.5 s margin
        HookedStore slow = new HookedStore(store());
        CircuitBreaker b = TestBreakers.create(circuitId, config, slow, clock, listener);
        trip(b, 5);
        clock.advance(Duration.ofSeconds(30));
        slow.beforeNext(HookedStore.Request.REPLACE, () -> clock.advance(Duration.ofMillis(501)));
        long decidedAt = clock.millis();
        Permission p = b.acquirePermission();
        assertFalse(p.permitted(), "a probe started 501 ms after its lease began could outlive it");
        assertEquals(decidedAt + 3_000, p.retryAt());
        assertEquals(CircuitState.HALF_OPEN, b.snapshot().state(), "the slot stays leased to nobody until then");
        clock.advance(Duration.ofMillis(3_000));
        assertTrue(b.acquirePermission().isProbe());
    }

    /**
     * Found by the seeded simulation: when one probe failed and re-opened the circuit, the other
     * probes of that HALF_OPEN episode were still running, but the next episode (after an open
     * duration shorter than their calls) started with every slot free and admitted new probes
     * beside them. Their leases now carry over into OPEN and the next HALF_OPEN episode.
     */
    @Test
    void probesStillRunningWhenTheCircuitReopensKeepTheirSlotsInTheNextEpisode() {
        CircuitBreakerConfig config = policy().halfOpenProbes(2).openDuration(Duration.ofMillis(500)).build();
        CircuitBreaker a = breaker(config);
        CircuitBreaker b = breaker(config);
        CircuitBreaker c = breaker(config);
        trip(a, 5);
        clock.advance(Duration.ofMillis(500));
        Permission first = a.acquirePermission();
        Permission second = b.acquirePermission();
        assertTrue(first.isProbe() && second.isProbe());
        a.onResult(first, CallOutcome.failure(FailureReason.ERROR)); // re-opens; b's probe still runs
        assertEquals(CircuitState.OPEN, a.snapshot().state());
        assertEquals(1, a.snapshot().probesInFlight(clock.millis()), "b's slot carries into OPEN");

        clock.advance(Duration.ofMillis(1_000)); // a longer cool-down after the second trip has passed too
        Permission next = c.acquirePermission();
        assertTrue(next.isProbe(), "one slot is free");
        assertFalse(breaker(config).acquirePermission().permitted(), "the other is still b's: 2 probes run");
        b.onResult(second, CallOutcome.success()); // from the ended episode: does not count, does not free c's slot
        assertEquals(2, c.snapshot().probesInFlight(clock.millis()));
    }

    /**
     * Found by the seeded simulation: a probe's failure reported after its lease expired tripped the
     * circuit from its stale read, overwriting the lease of the probe that had claimed the slot since
     * (claims change no version), so the next episode admitted a probe beside it. Whole-state writes
     * are now conditioned on the claim counter too.
     */
    @Test
    void aLateProbeFailureNeverDropsTheLeaseOfANewerProbe() {
        CircuitBreakerConfig config = policy().openDuration(Duration.ofMillis(500)).build();
        CircuitBreaker late = breaker(config);
        CircuitBreaker newer = breaker(config);
        trip(late, 5);
        clock.advance(Duration.ofMillis(500));
        Permission stale = late.acquirePermission();
        assertTrue(stale.isProbe());
        clock.advance(config.probeLease()); // its lease expires (its Lambda was frozen before reporting)
        Permission claimed = newer.acquirePermission();
        assertTrue(claimed.isProbe(), "the expired slot is taken over");
        late.onResult(stale, CallOutcome.failure(FailureReason.ERROR)); // still trips: the failure was real

        CircuitSnapshot s = late.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(claimed.probeLease(), s.probeLeases().get(0), "the newer probe keeps its slot");
        clock.advance(Duration.ofMillis(1_000));
        assertFalse(breaker(config).acquirePermission().permitted(), "no second probe beside it");
    }

    /** Beyond the tolerated skew the guarantee does not hold: a clock fast by more than the margin can take a live slot. */
    @Test
    void beyondTheToleratedSkewASecondProbeCanStart() {
        CircuitBreakerConfig config = policy().build(); // skew 500 ms, lease 3 s
        CircuitBreaker owner = breaker(config);
        CircuitBreaker fast = TestBreakers.create(circuitId, config, store(),
                java.time.Clock.offset(clock, Duration.ofMillis(1500)), listener);
        trip(owner, 5);
        clock.advance(Duration.ofSeconds(30));
        assertTrue(owner.acquirePermission().isProbe());
        clock.advance(Duration.ofMillis(1600));
        assertTrue(fast.acquirePermission().isProbe(), "documented: skew beyond the setting admits a second probe");
    }

    List<CircuitBreaker> instances(CircuitBreakerConfig config) {
        List<CircuitBreaker> list = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            list.add(TestBreakers.create(circuitId, config, store(), clock, listener));
        }
        return list;
    }

    /** Runs task(i) for i in [0, CALLERS) on CALLERS threads released together; returns results in order. */
    <T> List<T> runTogether(java.util.function.IntFunction<T> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            int n = i;
            Callable<T> c = () -> {
                ready.countDown();
                go.await();
                return task.apply(n);
            };
            futures.add(pool.submit(c));
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        assertNotNull(results);
        return results;
    }
}
