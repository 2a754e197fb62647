package dev.circuitlab.breaker;

import java.util.OptionalInt;

/**
 * OPEN: calls are rejected until the retry time. The first call after it moves the circuit to
 * HALF_OPEN lazily (no timer: a Lambda environment may be frozen) by a conditional write whose
 * winner owns the first probe slot. Entering OPEN (a trip) is also defined here.
 */
final class OpenState implements StateRules {

    private final CircuitBreakerConfig config;

    OpenState(CircuitBreakerConfig config) {
        this.config = config;
    }

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        if (now < s.retryAt()) {
            return new Step.Reject(s, s.retryAt());
        }
        OptionalInt free = s.freeProbeSlot(config.halfOpenProbes(), now);
        if (free.isEmpty()) {
            // Probes of the last HALF_OPEN episode are still running: wait for a slot.
            return new Step.Reject(s, s.earliestLeaseExpiry(config.halfOpenProbes(), now, now));
        }
        int slot = free.getAsInt();
        long lease = now + config.probeLease().toMillis();
        CircuitSnapshot halfOpen = s.halfOpenedWithFirstProbe("open duration elapsed; first call probes", now, slot, lease);
        Step.Write write = Step.Write.transition("open-to-half-open", s, halfOpen,
                written -> new Step.Probe(written, slot, lease));
        // With one probe slot the winner holds it: a loser learns nothing more from a re-read.
        return config.halfOpenProbes() == 1 ? write.ifLost(new Step.Reject(s, lease)) : write;
    }

    @Override
    public Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now) {
        return Step.DONE; // OPEN permits no call; probes are HALF_OPEN permissions
    }

    /**
     * CLOSED or HALF_OPEN → OPEN, conditional on the episode read, so concurrent trippers make one
     * transition. The open duration grows with consecutive trips when a backoff is configured.
     * A lost race ends the step: whoever won has moved the circuit on.
     */
    Step.Write trip(CircuitSnapshot s, String reason, long now) {
        int trips = s.state() == CircuitState.CLOSED ? 1 : s.consecutiveOpens() + 1;
        long retryAt = now + config.openDurationForTrip(trips).toMillis();
        return Step.Write.transition("trip", s, s.opened(reason, now, retryAt, trips), written -> Step.DONE)
                .ifLost(Step.DONE);
    }
}
