package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitBreakerListener;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.function.SnapStartPriming;
import java.time.Clock;

/**
 * The instance's breaker for its one circuit, rebuilt after a SnapStart restore: the breaker keeps
 * a per-instance copy of the circuit state and an in-memory fallback breaker, and neither may survive into the
 * many instances restored from one snapshot.
 */
final class ResettableBreaker {

    private final String circuitId;
    private final CircuitBreakerConfig config;
    private final CircuitStateStore store;
    private final Clock clock;
    private final CircuitBreakerListener listener;
    private volatile CircuitBreaker current;

    ResettableBreaker(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                      CircuitBreakerListener listener) {
        this.circuitId = circuitId;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.listener = listener;
        this.current = build();
    }

    CircuitBreaker current() {
        return current;
    }

    /** A fresh breaker: no copy of the state yet, empty local fallback. */
    void rebuild() {
        current = build();
    }

    /**
     * SnapStart: before the snapshot, one plain read of the circuit item (no write, no state change)
     * warms the store's DynamoDB client, if {@code primeStore}; after a restore, a fresh breaker.
     */
    void registerSnapStartHooks(SnapStartPriming snapStart, boolean primeStore) {
        snapStart.register("circuit state store", primeStore ? () -> store.load(circuitId) : null, this::rebuild);
    }

    private CircuitBreaker build() {
        return CircuitBreaker.create(circuitId, config, store, clock, listener);
    }
}
