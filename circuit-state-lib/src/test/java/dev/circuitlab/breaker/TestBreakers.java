package dev.circuitlab.breaker;

import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Breakers for tests: without the wake jitter, so an instance looks again exactly at a retry time
 * or lease expiry and the tests can name the millisecond. (The jitter has its own test.)
 */
final class TestBreakers {

    /** Always 0: no jitter. */
    static final RandomGenerator NO_JITTER = () -> 0L;

    private TestBreakers() {
    }

    static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                                 CircuitBreakerListener listener) {
        return CircuitBreaker.create(circuitId, config, store, clock, listener, NO_JITTER);
    }

    static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock) {
        return create(circuitId, config, store, clock, CircuitBreakerListener.NONE);
    }
}
