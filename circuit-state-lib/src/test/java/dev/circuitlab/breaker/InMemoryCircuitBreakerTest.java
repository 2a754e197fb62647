package dev.circuitlab.breaker;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;

/** The breaker contract on the in-memory store used as the outage fallback. */
class InMemoryCircuitBreakerTest extends CircuitBreakerContract {

    private final InMemoryCircuitStateStore store = new InMemoryCircuitStateStore();

    @Override
    CircuitStateStore store() {
        return store;
    }
}
