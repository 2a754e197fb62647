package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A listener that throws from every hook never changes a decision and never escapes
 * {@code acquirePermission()}, {@code onResult()} or {@code execute()}. One script walks every
 * path that calls a hook — decisions, outcomes, transitions, lost races (item creation, add-outcomes,
 * open-to-half-open, probe claim), store errors and the local fallback — once with a quiet listener
 * and once with a throwing one; the decisions and the stored state must be the same.
 */
class ThrowingListenerTest {

    private static final long T0 = 1_800_000_000_000L;

    /** Throws from every hook and counts how often it was called. */
    private static final class ThrowingListener implements CircuitBreakerListener {
        final AtomicInteger calls = new AtomicInteger();

        private void boom() {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failure");
        }

        @Override public void onPermitted(String id, CircuitState s, boolean probe) { boom(); }
        @Override public void onRejected(String id, CircuitState s) { boom(); }
        @Override public void onSuccess(String id, CircuitState s) { boom(); }
        @Override public void onFailure(String id, CircuitState s, FailureReason r) { boom(); }
        @Override public void onTransition(String id, Transition t) { boom(); }
        @Override public void onLocalTransition(String id, Transition t) { boom(); }
        @Override public void onConditionalConflict(String id, String operation) { boom(); }
        @Override public void onStoreError(String id, String operation, RuntimeException e) { boom(); }
        @Override public void onStoreLatency(String id, String operation, long millis) { boom(); }
    }

    /** What the script saw: every decision and the final stored state. */
    private record Run(List<String> decisions, CircuitSnapshot end) { }

    private static Run script(CircuitBreakerListener listener) throws Exception {
        MutableClock clock = new MutableClock(T0);
        InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();
        HookedStore storeA = new HookedStore(shared);
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureThreshold(3).flushInterval(Duration.ZERO)
                .openDuration(Duration.ofSeconds(10)).halfOpenProbes(2).successThreshold(2)
                .callTimeout(Duration.ofSeconds(1)).build();
        CircuitBreaker a = TestBreakers.create("guarded", config, storeA, clock, listener);
        CircuitBreaker b = TestBreakers.create("guarded", config, shared, clock, listener);
        List<String> decisions = new ArrayList<>();
        CallOutcome failure = CallOutcome.failure(FailureReason.ERROR);

        // CLOSED: a window-start race (b's window start lands between a's read and a's write).
        Permission pa = note(decisions, a.acquirePermission());
        Permission pb = note(decisions, b.acquirePermission());
        storeA.beforeNext(HookedStore.Request.REPLACE, () -> b.onResult(pb, failure));
        a.onResult(pa, failure);
        // An add-outcomes race: a's snapshot is stale once b's third failure trips the circuit.
        Permission pa2 = note(decisions, a.acquirePermission());
        b.onResult(note(decisions, b.acquirePermission()), failure); // the third failure trips
        a.onResult(pa2, failure); // counted against a stale episode: no longer CLOSED, nothing to count
        note(decisions, a.acquirePermission()); // rejected in OPEN

        // OPEN -> HALF_OPEN race: b makes the transition between a's read and a's write.
        clock.advance(Duration.ofSeconds(10));
        storeA.beforeNext(HookedStore.Request.REPLACE, () -> note(decisions, b.acquirePermission()));
        Permission probeA = note(decisions, a.acquirePermission());
        // A probe-claim race: b claims the slot a was about to claim (a re-reads and is rejected).
        Permission probeB2 = null;
        if (!probeA.permitted()) {
            probeA = note(decisions, a.acquirePermission());
        }
        a.onResult(probeA, CallOutcome.success());
        probeB2 = note(decisions, b.acquirePermission());
        b.onResult(probeB2, CallOutcome.success());

        // The store fails, long after the last shared read (so that read no longer decides): the
        // local fallback decides, counts and trips, through execute() too.
        clock.advance(Duration.ofSeconds(5));
        storeA.failEverything();
        for (int i = 0; i < 4; i++) {
            Permission p = note(decisions, a.acquirePermission());
            a.onResult(p, failure);
        }
        String viaExecute = a.execute(() -> "ran", r -> CallOutcome.success(), p -> "fallback " + p.state());
        decisions.add("execute -> " + viaExecute);
        storeA.heal();
        decisions.add("admin -> " + a.forceOpen().state());
        return new Run(decisions, shared.load("guarded"));
    }

    private static Permission note(List<String> decisions, Permission p) {
        decisions.add(p.permitted() + " " + p.state() + (p.isProbe() ? " probe" : "") + " retryAt=" + p.retryAt()
                + (p.local() ? " local" : ""));
        return p;
    }

    @Test
    void aThrowingListenerChangesNoDecisionAndNeverReachesTheCaller() throws Exception {
        Run quiet = script(CircuitBreakerListener.NONE);
        ThrowingListener throwing = new ThrowingListener();
        Run loud = script(throwing);

        assertEquals(quiet.decisions(), loud.decisions());
        assertEquals(quiet.end().toString(), loud.end().toString()); // all but the random write tokens
        // The script reaches every kind of hook, and each one threw.
        assertTrue(throwing.calls.get() > 30, "hooks called: " + throwing.calls.get());
        assertTrue(quiet.decisions().stream().anyMatch(d -> d.contains("probe")), quiet.decisions().toString());
        assertTrue(quiet.decisions().stream().anyMatch(d -> d.contains("local")), quiet.decisions().toString());
        assertTrue(quiet.decisions().contains("execute -> fallback OPEN"), quiet.decisions().toString());
        assertEquals(CircuitState.FORCED_OPEN, loud.end().state());
    }

    @Test
    void everyHookKindIsReachedByTheScript() throws Exception {
        RecordingListener recorded = new RecordingListener();
        script(recorded);
        assertTrue(recorded.conflicts.get() >= 2, "lost races reported: " + recorded.conflicts.get());
        assertTrue(recorded.storeErrors.get() >= 1, "store errors reported: " + recorded.storeErrors.get());
        assertFalse(recorded.localTransitions.isEmpty(), "the local fallback tripped");
        assertTrue(recorded.transitionsTo(CircuitState.OPEN) >= 1);
        assertTrue(recorded.transitionsTo(CircuitState.HALF_OPEN) >= 1);
        assertTrue(recorded.transitionsTo(CircuitState.CLOSED) >= 1);
        assertTrue(recorded.rejected.get() >= 1);
    }
}
