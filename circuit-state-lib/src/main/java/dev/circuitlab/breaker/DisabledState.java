package dev.circuitlab.breaker;

/** DISABLED (set by an operator): every call is permitted and nothing is recorded, until a reset. */
final class DisabledState implements StateRules {

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        return new Step.Permit(s);
    }

    @Override
    public Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now) {
        return Step.DONE;
    }
}
