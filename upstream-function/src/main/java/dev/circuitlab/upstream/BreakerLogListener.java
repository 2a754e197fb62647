package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitBreakerListener;
import dev.circuitlab.breaker.Transition;
import java.time.Instant;

/**
 * The breaker's events as JSON log lines: one per transition (from, to, reason) and one per state
 * store error. This listener is the single place breaker events leave the process, so metrics (EMF)
 * plug in here too. It also keeps {@link ObservedState} current, so an answer given right after a
 * trip already says OPEN. Must be fast and must not throw (the breaker ignores a throwing listener).
 */
final class BreakerLogListener implements CircuitBreakerListener {

    private final StructuredLog log;
    private final ObservedState observed;

    BreakerLogListener(StructuredLog log, ObservedState observed) {
        this.log = log;
        this.observed = observed;
    }

    @Override
    public void onTransition(String circuitId, Transition transition) {
        if (transition == null) {
            return;
        }
        observed.saw(transition.to().name());
        log.info("circuit transition", "circuitId", circuitId, "from", transition.from().name(),
                "to", transition.to().name(), "reason", transition.reason(),
                "at", Instant.ofEpochMilli(transition.at()).toString());
    }

    @Override
    public void onStoreError(String circuitId, String operation, RuntimeException error) {
        // The breaker has already fallen back (per CIRCUIT_STORE_FAILURE_POLICY); this is for operators.
        log.warn("circuit state store error", "circuitId", circuitId, "operation", operation,
                "error", StructuredLog.failure(error));
    }
}
