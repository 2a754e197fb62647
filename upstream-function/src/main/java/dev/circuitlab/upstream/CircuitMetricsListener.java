package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitBreakerListener;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.Transition;
import dev.circuitlab.observability.StructuredLog;
import java.time.Instant;

/**
 * Where the breaker's events leave the process: as metrics ({@link CircuitMetrics}) and as JSON log
 * lines, one per transition (from, to, reason) and one per state-store error. It also keeps
 * {@link ObservedState} current, so an answer given right after a trip already says OPEN.
 *
 * <p>Called on the invoking thread, so metrics land in that invocation's document and log lines
 * carry its request id. Must be fast: recording is a map update (publication happens later, in
 * the handler). The breaker ignores a hook that throws, so a metrics fault never changes a decision.
 */
final class CircuitMetricsListener implements CircuitBreakerListener {

    private final StructuredLog log;
    private final CircuitMetrics metrics;
    private final ObservedState observed;

    CircuitMetricsListener(StructuredLog log, CircuitMetrics metrics, ObservedState observed) {
        this.log = log;
        this.metrics = metrics;
        this.observed = observed;
    }

    @Override
    public void onPermitted(String circuitId, CircuitState state, boolean probe) {
        metrics.permitted(state);
    }

    @Override
    public void onRejected(String circuitId, CircuitState state) {
        metrics.rejected(state);
    }

    @Override
    public void onSuccess(String circuitId, CircuitState state) {
        metrics.succeeded();
    }

    @Override
    public void onFailure(String circuitId, CircuitState state, FailureReason reason) {
        metrics.failed(reason);
    }

    @Override
    public void onTransition(String circuitId, Transition transition) {
        if (transition == null) {
            return;
        }
        observed.saw(transition.to().name());
        metrics.transition(transition.to());
        log.info("circuit transition", "circuitId", circuitId, "from", transition.from().name(),
                "to", transition.to().name(), "reason", transition.reason(),
                "at", Instant.ofEpochMilli(transition.at()).toString(), "requestId", metrics.requestId());
    }

    @Override
    public void onLocalTransition(String circuitId, Transition transition) {
        if (transition == null) {
            return;
        }
        // Only this instance's fallback breaker moved: not a fleet-wide state, so not in ObservedState
        // and not in the TransitionsTo* counts.
        metrics.localTransition();
        log.warn("local circuit transition", "circuitId", circuitId, "scope", "instance",
                "from", transition.from().name(), "to", transition.to().name(), "reason", transition.reason(),
                "at", Instant.ofEpochMilli(transition.at()).toString(), "requestId", metrics.requestId());
    }

    @Override
    public void onConditionalConflict(String circuitId, String operation) {
        // Expected under concurrency (another caller changed the circuit first); the metric is the signal.
        metrics.conditionalConflict();
        log.debug("conditional write conflict", "circuitId", circuitId, "operation", operation,
                "requestId", metrics.requestId());
    }

    @Override
    public void onStoreError(String circuitId, String operation, RuntimeException error) {
        // The breaker has already fallen back (per CIRCUIT_STORE_FAILURE_POLICY); this is for operators.
        metrics.storeError();
        log.warn("circuit state store error", "circuitId", circuitId, "operation", operation,
                "requestId", metrics.requestId(), "error", error);
    }

    @Override
    public void onStoreLatency(String circuitId, String operation, long millis) {
        metrics.storeLatency(millis);
    }

    @Override
    public void onFlush(String circuitId, OutcomeCounts batch, OutcomeCounts window) {
        metrics.flushed(window);
    }

    @Override
    public void onStaleDecision(String circuitId, long ageMillis) {
        // The refresh failed and the copy decided (its store error is logged by onStoreError).
        metrics.staleDecision();
    }
}
