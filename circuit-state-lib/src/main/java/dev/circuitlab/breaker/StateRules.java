package dev.circuitlab.breaker;

/**
 * One state's rules, pure functions of a snapshot and the time: no store, no clock, no listener.
 * Each state's class holds all of its rules (docs/DESIGN.md §2).
 */
sealed interface StateRules permits ClosedState, OpenState, HalfOpenState, ForcedOpenState, DisabledState {

    /** A caller asks for permission while the circuit is in this state, as {@code s} shows. */
    Step acquire(CircuitSnapshot s, long now);

    /**
     * The outcome of a call this state permitted. {@code current} is the latest known state: the
     * permission's own snapshot at first, a fresh read after a lost race (the circuit may have
     * moved on meanwhile).
     */
    Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now);

    /** The rules of every state for one policy. */
    final class Table {
        private final ClosedState closed;
        private final OpenState open;
        private final HalfOpenState halfOpen;
        private final ForcedOpenState forcedOpen;
        private final DisabledState disabled;

        Table(CircuitBreakerConfig config) {
            this.open = new OpenState(config);
            this.closed = new ClosedState(config, open);
            this.halfOpen = new HalfOpenState(config, open, closed);
            this.forcedOpen = new ForcedOpenState(config);
            this.disabled = new DisabledState();
        }

        StateRules of(CircuitState state) {
            return switch (state) {
                case CLOSED -> closed;
                case OPEN -> open;
                case HALF_OPEN -> halfOpen;
                case FORCED_OPEN -> forcedOpen;
                case DISABLED -> disabled;
            };
        }
    }
}
