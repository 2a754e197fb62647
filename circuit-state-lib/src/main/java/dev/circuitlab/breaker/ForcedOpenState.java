package dev.circuitlab.breaker;

/** FORCED_OPEN (set by an operator): every call is rejected until a reset. */
final class ForcedOpenState implements StateRules {

    private final CircuitBreakerConfig config;

    ForcedOpenState(CircuitBreakerConfig config) {
        this.config = config;
    }

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        // There is no retry time; suggest one open duration so clients do not poll every second.
        return new Step.Reject(s, now + config.openDuration().toMillis());
    }

    @Override
    public Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now) {
        return Step.DONE; // nothing is permitted in FORCED_OPEN, so nothing comes back to record
    }
}
