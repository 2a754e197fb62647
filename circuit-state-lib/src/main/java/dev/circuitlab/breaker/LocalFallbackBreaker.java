package dev.circuitlab.breaker;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.time.Clock;

/**
 * This instance's own breaker, deciding while the shared store fails ({@link StoreFailurePolicy#FAIL_OPEN}):
 * the same rules over an in-memory store, so a dependency that fails while DynamoDB is down still
 * trips — for this instance only. Its transitions are reported as local ones, never as the fleet's.
 */
final class LocalFallbackBreaker {

    private final StateMachine machine;
    /** Follows the local state through its transitions, so the healthy path asks nothing more. */
    private volatile boolean tripped;

    LocalFallbackBreaker(String circuitId, CircuitBreakerConfig config, Clock clock, CircuitBreakerListener events) {
        CircuitBreakerListener localTransitionsOnly = new CircuitBreakerListener() {
            @Override
            public void onTransition(String id, Transition transition) {
                tripped = transition.to() != CircuitState.CLOSED;
                events.onLocalTransition(id, transition);
            }
        };
        this.machine = new StateMachine(circuitId, config, new InMemoryCircuitStateStore(), clock,
                localTransitionsOnly, true, 0, 0); // nobody else shares its store: no stampede to avoid
    }

    /** Whether this instance's breaker has left CLOSED (it counted failures the shared store did not take). */
    boolean isTripped() {
        return tripped;
    }

    /** Decides a call locally. Never fails: the store is memory. */
    Permission acquire() {
        return machine.acquire();
    }

    /**
     * Outcomes the shared store could not record: counted here (calls too, so a rate is not
     * mistaken for 100 %), so this instance still trips while the store's writes fail.
     */
    void countUnrecorded(OutcomeCounts outcomes, FailureReason reason) {
        machine.countOutcomes(outcomes, reason);
    }
}
