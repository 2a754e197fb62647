package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Review findings about the per-instance state cache, on the in-memory store (the store is not
 * the point: the cache is).
 */
class ReviewCacheFindingsTest {

    private static final String CIRCUIT = "review-cache";
    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.ERROR);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();

    private static CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().failureThreshold(2).failureWindow(Duration.ofSeconds(60))
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(1).successThreshold(1)
                .callTimeout(Duration.ofSeconds(2)).stateCache(Duration.ofSeconds(1));
    }

    /**
     * An operator's reset (or disable) of an OPEN circuit does not reach an instance that cached
     * the OPEN read: it keeps rejecting every call until the old retry time (30 s here; up to the
     * backoff cap with a backoff), although the README calls the cache one "of the CLOSED read"
     * and a reset is "back to CLOSED".
     */
    @Test
    void anOperatorResetReachesAnInstanceThatCachedOpen() {
        CircuitBreaker worker = CircuitBreaker.create(CIRCUIT, policy().build(), shared, clock);
        CircuitBreaker operator = CircuitBreaker.create(CIRCUIT, policy().build(), shared, clock);
        for (int i = 0; i < 2; i++) {
            Permission p = worker.acquirePermission();
            worker.onResult(p, FAILURE);
        }
        assertEquals(CircuitState.OPEN, shared.load(CIRCUIT).state());

        operator.reset();
        clock.advance(Duration.ofSeconds(2)); // more than the 1 s cache period

        Permission afterReset = worker.acquirePermission();
        assertTrue(afterReset.permitted(), "2 s after the reset (cache 1 s) the circuit is CLOSED in the store, "
                + "but the instance still answers from its cached OPEN read: " + afterReset);
    }

    /**
     * The cache can move backwards within one instance (the class is documented thread-safe): a
     * read that started before this instance tripped the circuit lands after the trip and
     * overwrites the cached OPEN with the older CLOSED version, so the instance then permits
     * ordinary calls on a version older than one it already decided on.
     */
    @Test
    void aSlowReadNeverMovesTheCacheBackwards() {
        HookedStore hooked = new HookedStore(shared);
        CircuitBreaker b = CircuitBreaker.create(CIRCUIT, policy().build(), hooked, clock);
        Permission first = b.acquirePermission(); // v0 CLOSED, cached
        b.onResult(first, FAILURE);                // window restart: v1, count 1
        clock.advance(Duration.ofSeconds(2));      // cache stale

        AtomicReference<Permission> seenByOtherThread = new AtomicReference<>();
        // Thread 1's read of v1 CLOSED returns; before it is cached, thread 2 (simulated inline)
        // records a failure that trips the circuit (v2 OPEN) and is rejected on the cached OPEN.
        hooked.afterNext(HookedStore.Request.LOAD, () -> {
            Permission p = b.acquirePermission();
            b.onResult(p, FAILURE);
            seenByOtherThread.set(b.acquirePermission());
        });
        b.acquirePermission(); // thread 1's decision, on its in-flight read
        assertEquals(CircuitState.OPEN, seenByOtherThread.get().state());
        long decidedOn = seenByOtherThread.get().snapshot().version();

        Permission next = b.acquirePermission();
        assertTrue(next.snapshot().version() >= decidedOn, "the instance decided on v" + decidedOn
                + " and then on v" + next.snapshot().version() + " (" + next + ")");
    }
}
