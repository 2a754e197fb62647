package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The upstream's CloudWatch metrics (documented in docs/OBSERVABILITY.md; the dashboard in
 * template.yaml names each of them). Every metric carries exactly one dimension, {@code CircuitId}:
 * one fixed dimension set keeps each name a single CloudWatch metric the dashboard can name.
 * Units: Count, except {@link #DOWNSTREAM_LATENCY} and {@link #STATE_STORE_LATENCY} (Milliseconds),
 * the gauge {@link #CIRCUIT_STATE} (None; 0 closed or disabled, 1 half-open, 2 open or forced open)
 * and the rates {@link #WINDOW_FAILURE_RATE} and {@link #WINDOW_SLOW_CALL_RATE} (Percent).
 *
 * <p>Records into the invocation running on the calling thread ({@link MetricsPublisher#current()}),
 * which the handler publishes as one EMF document when the invocation ends.
 */
final class CircuitMetrics {

    static final String CIRCUIT_ID_DIMENSION = "CircuitId";

    static final String CALLS_PERMITTED = "CallsPermitted";
    static final String CALLS_REJECTED = "CallsRejected";
    static final String CALLS_SUCCEEDED = "CallsSucceeded";
    static final String CALLS_FAILED = "CallsFailed";
    static final String DOWNSTREAM_LATENCY = "DownstreamLatency";
    static final String CIRCUIT_STATE = "CircuitState";
    static final String LOCAL_TRANSITIONS = "LocalTransitions";
    static final String STATE_STORE_ERRORS = "StateStoreErrors";
    static final String STATE_STORE_LATENCY = "StateStoreLatency";
    static final String CONDITIONAL_WRITE_CONFLICTS = "ConditionalWriteConflicts";
    /** One per batch of outcomes this instance wrote to the shared window (the breaker's counting writes). */
    static final String OUTCOME_FLUSHES = "OutcomeFlushes";
    /** Decisions made from a copy older than the refresh interval because its refresh failed (e.g. throttled). */
    static final String STALE_DECISIONS = "StaleDecisions";
    /** The window's failure rate after a flush, in percent (only when calls are counted: a rate threshold is set). */
    static final String WINDOW_FAILURE_RATE = "WindowFailureRate";
    /** The window's slow-call rate after a flush, in percent (only when calls are counted). */
    static final String WINDOW_SLOW_CALL_RATE = "WindowSlowCallRate";

    private final MetricsPublisher publisher;

    CircuitMetrics(MetricsPublisher publisher) {
        this.publisher = publisher;
    }

    /** The publisher for one circuit: namespace as configured, dimension set {@code {CircuitId}}. */
    static MetricsPublisher publisher(String namespace, String circuitId, Consumer<String> lines, StructuredLog log) {
        return MetricsPublisher.toLines(namespace, Map.of(CIRCUIT_ID_DIMENSION, circuitId), lines, log);
    }

    /** {@code CallsFailedTimeout}, {@code CallsFailedError}, {@code CallsFailedThrottled}, {@code CallsFailedConnection}. */
    static String failedBy(FailureReason reason) {
        return switch (reason) {
            case TIMEOUT -> "CallsFailedTimeout";
            case ERROR -> "CallsFailedError";
            case THROTTLED -> "CallsFailedThrottled";
            case CONNECTION -> "CallsFailedConnection";
        };
    }

    /** {@code TransitionsToOpen}, {@code TransitionsToHalfOpen}, ... one count per target state. */
    static String transitionsTo(CircuitState to) {
        return switch (to) {
            case CLOSED -> "TransitionsToClosed";
            case OPEN -> "TransitionsToOpen";
            case HALF_OPEN -> "TransitionsToHalfOpen";
            case FORCED_OPEN -> "TransitionsToForcedOpen";
            case DISABLED -> "TransitionsToDisabled";
        };
    }

    /** The breaker let a call through, deciding in {@code state}. */
    void permitted(CircuitState state) {
        publisher.current().count(CALLS_PERMITTED);
        publisher.current().gauge(CIRCUIT_STATE, state.gaugeValue());
    }

    /** The breaker rejected a call, deciding in {@code state}. */
    void rejected(CircuitState state) {
        publisher.current().count(CALLS_REJECTED);
        publisher.current().gauge(CIRCUIT_STATE, state.gaugeValue());
    }

    void succeeded() {
        publisher.current().count(CALLS_SUCCEEDED);
    }

    /** One {@code CallsFailed} and one of the per-reason counts. */
    void failed(FailureReason reason) {
        publisher.current().count(CALLS_FAILED);
        publisher.current().count(failedBy(reason));
    }

    /** The downstream call as the upstream saw it, from sending to the last byte (or the timeout). */
    void downstreamLatency(long millis) {
        publisher.current().milliseconds(DOWNSTREAM_LATENCY, millis);
    }

    void transition(CircuitState to) {
        publisher.current().count(transitionsTo(to));
    }

    /** A transition of this instance's in-memory fallback breaker (the store was failing). */
    void localTransition() {
        publisher.current().count(LOCAL_TRANSITIONS);
    }

    void storeError() {
        publisher.current().count(STATE_STORE_ERRORS);
    }

    void storeLatency(long millis) {
        publisher.current().milliseconds(STATE_STORE_LATENCY, millis);
    }

    void conditionalConflict() {
        publisher.current().count(CONDITIONAL_WRITE_CONFLICTS);
    }

    /**
     * This instance wrote a batch; with calls counted, the window's rates as the write left them
     * (a window without counted calls has no rate to show).
     */
    void flushed(dev.circuitlab.breaker.OutcomeCounts window) {
        publisher.current().count(OUTCOME_FLUSHES);
        if (window.calls() > 0) {
            publisher.current().percent(WINDOW_FAILURE_RATE, window.failureRatePercent());
            publisher.current().percent(WINDOW_SLOW_CALL_RATE, window.slowCallRatePercent());
        }
    }

    void staleDecision() {
        publisher.current().count(STALE_DECISIONS);
    }

    /** The request id of the invocation running on this thread, or null outside one. */
    String requestId() {
        return publisher.current().requestId();
    }
}
