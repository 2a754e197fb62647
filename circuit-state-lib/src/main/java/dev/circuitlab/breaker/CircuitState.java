package dev.circuitlab.breaker;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a circuit. CLOSED, OPEN and HALF_OPEN are driven by call outcomes; FORCED_OPEN and
 * DISABLED are set by an operator and left only by another operator action (reset).
 */
public enum CircuitState {
    /** Calls flow; failures are counted within the failure window. */
    CLOSED,
    /** Calls are rejected until the retry time; the first call after it becomes a probe. */
    OPEN,
    /** A limited number of probe calls are in flight; successes close, any failure re-opens. */
    HALF_OPEN,
    /** Rejects every call until reset. */
    FORCED_OPEN,
    /** Permits every call and records nothing until reset. */
    DISABLED;

    /** Whether a transition from this state to {@code target} is allowed. Manual states are reachable from anywhere. */
    public boolean canTransitionTo(CircuitState target) {
        return allowedTargets().contains(target);
    }

    public Set<CircuitState> allowedTargets() {
        return switch (this) {
            // CLOSED -> CLOSED restarts the failure window.
            case CLOSED -> EnumSet.of(CLOSED, OPEN, FORCED_OPEN, DISABLED);
            case OPEN -> EnumSet.of(HALF_OPEN, CLOSED, FORCED_OPEN, DISABLED);
            case HALF_OPEN -> EnumSet.of(CLOSED, OPEN, FORCED_OPEN, DISABLED);
            case FORCED_OPEN, DISABLED -> EnumSet.of(CLOSED, FORCED_OPEN, DISABLED);
        };
    }

    /** Gauge value for dashboards: 0 closed (or disabled), 1 half-open, 2 open (or forced open). */
    public int gaugeValue() {
        return switch (this) {
            case CLOSED, DISABLED -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
        };
    }
}
