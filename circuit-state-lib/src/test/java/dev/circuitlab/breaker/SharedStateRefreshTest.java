package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-instance state cache under operators and concurrent reads, on the in-memory store (the cache is the point). */
class SharedStateRefreshTest {

    private static final String CIRCUIT = "review-cache";
    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.ERROR);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();

    private static CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().flushInterval(Duration.ZERO).failureThreshold(2).failureWindow(Duration.ofSeconds(60))
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(1).successThreshold(1)
                .callTimeout(Duration.ofSeconds(2)).refreshInterval(Duration.ofSeconds(1));
    }

    /**
     * With the state cache on, OPEN is cached until its retry time: rejections cost no read. The
     * price, documented: an operator's reset of an OPEN circuit reaches an instance that cached the
     * OPEN read at that retry time, not sooner. Instances without a cached OPEN see it at once.
     */
    @Test
    void anOperatorResetReachesAnInstanceThatCachedOpenAtTheRetryTime() {
        CircuitBreaker worker = TestBreakers.create(CIRCUIT, policy().build(), shared, clock);
        CircuitBreaker operator = TestBreakers.create(CIRCUIT, policy().build(), shared, clock);
        for (int i = 0; i < 2; i++) {
            Permission p = worker.acquirePermission();
            worker.onResult(p, FAILURE);
        }
        long retryAt = shared.load(CIRCUIT).retryAt();
        operator.reset();
        clock.advance(Duration.ofSeconds(2)); // more than the 1 s cache period, less than the 30 s open duration
        assertTrue(TestBreakers.create(CIRCUIT, policy().build(), shared, clock).acquirePermission().permitted(),
                "an instance without a cached OPEN sees the reset at once");
        Permission cached = worker.acquirePermission();
        assertEquals(CircuitState.OPEN, cached.state(), "the cached OPEN stands until its retry time");
        clock.advance(Duration.ofMillis(retryAt - clock.millis()));
        Permission afterRetryTime = worker.acquirePermission();
        assertTrue(afterRetryTime.permitted(), "at the retry time the instance reads again: " + afterRetryTime);
        assertEquals(CircuitState.CLOSED, afterRetryTime.state());
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
        CircuitBreaker b = TestBreakers.create(CIRCUIT, policy().build(), hooked, clock);
        Permission first = b.acquirePermission(); // v0 CLOSED, cached
        b.onResult(first, FAILURE);                // window restart: v1, count 1
        clock.advance(Duration.ofSeconds(2));      // cache stale

        AtomicReference<Permission> seenByOtherThread = new AtomicReference<>();
        // Thread 1's read of v1 CLOSED returns; before it is cached, thread 2 (simulated inline)
        // records a failure that trips the circuit (v2 OPEN) and is rejected on the cached OPEN.
        hooked.afterNext(HookedStore.Request.REFRESH, () -> {
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

    /**
     * A fleet must not stampede the item at a retry time: each instance holds its OPEN copy until
     * the retry time plus its own jitter (below a second), then reads and, if still OPEN, probes.
     */
    @Test
    void eachInstanceLooksAgainAtItsOwnJitterPastTheRetryTime() {
        java.util.random.RandomGenerator jitter250 = new java.util.random.RandomGenerator() {
            @Override public long nextLong() { return 250; }
            @Override public long nextLong(long bound) { return 250; }
        };
        CircuitBreakerConfig config = policy().build();
        CircuitBreaker b = CircuitBreaker.create(CIRCUIT, config, shared, clock, CircuitBreakerListener.NONE, jitter250);
        for (int i = 0; i < 2; i++) {
            Permission p = b.acquirePermission();
            b.onResult(p, FAILURE);
        }
        long retryAt = shared.load(CIRCUIT).retryAt();
        clock.advance(Duration.ofMillis(retryAt + 249 - clock.millis()));
        assertTrue(!b.acquirePermission().permitted(), "249 ms past the retry time: still its OPEN copy");
        assertEquals(CircuitState.OPEN, shared.load(CIRCUIT).state(), "and no write yet");
        clock.advance(Duration.ofMillis(1));
        assertTrue(b.acquirePermission().isProbe(), "at its jitter it reads again and probes");
    }
}
