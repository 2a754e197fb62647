package dev.circuitlab.breaker;

import java.util.Optional;

/**
 * CLOSED: every call is permitted; failures are counted in a window that starts at the first
 * failure and lasts the failure window; the threshold-th failure within it trips the circuit.
 * A success writes nothing, which keeps the healthy path cheap.
 */
final class ClosedState implements StateRules {

    private final CircuitBreakerConfig config;
    private final OpenState open;

    ClosedState(CircuitBreakerConfig config, OpenState open) {
        this.config = config;
        this.open = open;
    }

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        return new Step.Permit(s);
    }

    @Override
    public Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now) {
        return outcome.failureReason().map(reason -> countFailure(current, reason, now)).orElse(Step.DONE);
    }

    /**
     * Counts one failure: one atomic ADD, or a conditional restart of an expired window (count 1);
     * a count at the threshold then trips.
     *
     * <p>A count already at the threshold means a trip that did not land (its writer lost a race,
     * was throttled or died). It is completed while its evidence is current: inside its window, or
     * within one probe lease after its last failure (its writer may still be on the way). A count
     * left from an older window never trips on one late failure: the window starts over.
     */
    Step countFailure(CircuitSnapshot s, FailureReason reason, long now) {
        if (s.state() != CircuitState.CLOSED) {
            return Step.DONE; // the circuit moved on (opened or was forced): nothing left to count
        }
        boolean windowExpired = s.windowStart() == 0 || now - s.windowStart() >= config.failureWindow().toMillis();
        if (s.failureCount() >= config.failureThreshold()
                && (!windowExpired || now - s.updatedAt() < config.probeLease().toMillis())) {
            // This failure is not counted yet: if the trip loses, read again and count it where it belongs.
            return tripFor(s, reason, now).decideAgainIfLost();
        }
        if (windowExpired) {
            CircuitSnapshot fresh = s.windowRestarted(now);
            // Conditional on the count too: failures added since the read may have reached the threshold.
            return new Step.Write("start-window", store -> store.restartWindow(s.version(), s.failureCount(), fresh)
                    ? Optional.of(fresh) : Optional.empty(), false, counted -> tripIfReached(counted, reason, now),
                    null, null, fresh);
        }
        return Step.Write.update("add-failure", store -> store.addFailure(s.circuitId(), s.version(), now),
                counted -> tripIfReached(counted, reason, now));
    }

    private Step tripIfReached(CircuitSnapshot counted, FailureReason reason, long now) {
        return counted.failureCount() >= config.failureThreshold() ? tripFor(counted, reason, now) : Step.DONE;
    }

    private Step.Write tripFor(CircuitSnapshot s, FailureReason reason, long now) {
        return open.trip(s, s.failureCount() + " failures within " + config.failureWindow().toMillis()
                + " ms (last: " + reason + ")", now);
    }
}
