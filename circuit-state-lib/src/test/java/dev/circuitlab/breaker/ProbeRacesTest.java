package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Races around the last probe and hooks that fail with an Error, on the in-memory store. */
class ProbeRacesTest {

    private static final String CIRCUIT = "review-probe";
    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.ERROR);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();

    private static CircuitBreakerConfig config() {
        return CircuitBreakerConfig.builder().flushInterval(Duration.ZERO).failureThreshold(2).failureWindow(Duration.ofSeconds(60))
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(1).successThreshold(2)
                .callTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Regression (found by a review, then by the simulation's "enough successes close" check, seed
     * 23): the successThreshold-th success frees its slot (UpdateItem) and then closes (PutItem,
     * conditioned on probeRevision). Another environment acting between the two used to claim the
     * freed slot, so the close lost and ended there; the circuit stayed HALF_OPEN with 2 of 2
     * successes and the new probe's failure re-opened it. Now the other environment closes (it
     * sees 2 of 2), and a lost close reads again and closes.
     */
    @Test
    void aClaimOfTheFreedSlotDoesNotStopTheLastSuccessFromClosing() {
        HookedStore hooked = new HookedStore(shared);
        CircuitBreaker b = TestBreakers.create(CIRCUIT, config(), hooked, clock);
        CircuitBreaker o = TestBreakers.create(CIRCUIT, config(), shared, clock);
        for (int i = 0; i < 2; i++) {
            Permission p = b.acquirePermission();
            b.onResult(p, FAILURE);
        }
        clock.advance(Duration.ofSeconds(30));
        Permission first = b.acquirePermission();
        assertTrue(first.isProbe());
        b.onResult(first, CallOutcome.success()); // 1 of 2
        clock.advance(Duration.ofMillis(10));
        Permission second = b.acquirePermission();
        assertTrue(second.isProbe());

        AtomicReference<Permission> othersCall = new AtomicReference<>();
        hooked.beforeNext(HookedStore.Request.REPLACE, () -> othersCall.set(o.acquirePermission()));
        b.onResult(second, CallOutcome.success()); // 2 of 2: frees the slot, then closes

        assertTrue(othersCall.get().permitted(), "the other environment's call went ahead: " + othersCall.get());
        o.onResult(othersCall.get(), FAILURE);
        assertEquals(CircuitState.CLOSED, shared.load(CIRCUIT).state(),
                "2 of 2 successful probes must close the circuit; one later failure re-opened it instead");
    }

    /**
     * Regression: GuardedListener caught RuntimeException only. A metrics hook that fails with an Error (the
     * typical one: a metrics library whose static initialiser failed throws
     * ExceptionInInitializerError, then NoClassDefFoundError on every later call) escapes into
     * acquirePermission() after the OPEN -> HALF_OPEN write won: the caller gets the Error and the
     * probe slot stays leased to nobody for a whole lease.
     */
    @Test
    void aListenerThatFailsWithAnErrorNeverThrowsIntoAcquirePermission() {
        CircuitBreakerListener brokenMetrics = new CircuitBreakerListener() {
            @Override
            public void onTransition(String circuitId, Transition transition) {
                throw new NoClassDefFoundError("software/amazon/cloudwatchlogs/emf/logger/MetricsLogger");
            }
        };
        CircuitBreaker b = TestBreakers.create(CIRCUIT, config(), shared, clock, brokenMetrics);
        for (int i = 0; i < 2; i++) {
            Permission p = b.acquirePermission();
            assertDoesNotThrow(() -> b.onResult(p, FAILURE), "the trip's transition event");
        }
        clock.advance(Duration.ofSeconds(30));
        assertDoesNotThrow(b::acquirePermission, "the OPEN -> HALF_OPEN transition event");
    }
}
