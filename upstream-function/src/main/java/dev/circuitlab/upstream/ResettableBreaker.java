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
     * SnapStart: before the snapshot, if {@code primeStore}, one read of the circuit item (no write, no
     * state change) the way a restored instance's first call reads it: a refresh (eventually
     * consistent, without SDK retries) or, with the refresh interval at 0, a strongly consistent
     * read. After a restore, a fresh breaker.
     */
    void registerSnapStartHooks(SnapStartPriming snapStart, boolean primeStore) {
        Runnable firstRead = config.refreshInterval().isZero() ? () -> store.load(circuitId) : () -> store.loadRecent(circuitId);
        snapStart.register("circuit state store", primeStore ? firstRead : null, this::rebuild);
    }

    private CircuitBreaker build() {
        return CircuitBreaker.create(circuitId, config, store, clock, listener);
    }
}
