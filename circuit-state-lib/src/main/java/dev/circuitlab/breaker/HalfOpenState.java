package dev.circuitlab.breaker;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * HALF_OPEN: at most the configured number of probes are in flight across the fleet, each owning a
 * leased slot (a probe whose Lambda died frees its slot when the lease expires). Enough successful
 * probes close the circuit; any probe failure re-opens it.
 */
final class HalfOpenState implements StateRules {

    private final CircuitBreakerConfig config;
    private final OpenState open;
    private final ClosedState closed;

    HalfOpenState(CircuitBreakerConfig config, OpenState open, ClosedState closed) {
        this.config = config;
        this.open = open;
        this.closed = closed;
    }

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        if (s.halfOpenSuccesses() >= config.successThreshold()) {
            // Enough probes succeeded but nobody closed (the closer's answer was lost, or it lost a
            // race): whoever sees it closes, and this call goes ahead in CLOSED.
            return close(s, now, Step.Permit::new);
        }
        OptionalInt free = s.freeProbeSlot(config.halfOpenProbes(), now);
        if (free.isEmpty()) {
            return new Step.Reject(s, s.earliestLeaseExpiry(config.halfOpenProbes(), now, now));
        }
        int slot = free.getAsInt();
        long lease = now + config.probeLease().toMillis();
        String owner = CircuitSnapshot.newToken();
        CircuitSnapshot claimed = s.withProbeLease(slot, lease, owner);
        return Step.Write.update("claim-probe", store -> store.claimProbeSlot(s.circuitId(), s.version(), slot,
                s.probeLeases().get(slot), lease, owner, now) ? Optional.of(claimed) : Optional.empty(),
                written -> new Step.Probe(written, slot, lease));
    }

    @Override
    public Step record(Permission probe, CircuitSnapshot current, CallOutcome outcome, long now) {
        if (outcome.isSuccess()) {
            return countSuccess(probe, current, now);
        }
        FailureReason reason = outcome.failureReason().orElseThrow();
        if (current.version() == probe.snapshot().version()) {
            if (current.halfOpenSuccesses() >= config.successThreshold()) {
                // Enough probes succeeded first: the episode closes, and this failure counts in CLOSED.
                return close(current, now, closedNow -> closed.countFailure(closedNow, reason, now)).decideAgainIfLost();
            }
            // The failed probe's call is over: its slot does not carry into the next episode.
            CircuitSnapshot released = current.releasingProbe(probe.probeSlot().orElseThrow(), probe.probeOwner());
            return open.trip(released, "probe failed: " + reason, now).decideAgainIfLost();
        }
        // The episode ended meanwhile. If another probe's success closed the circuit, this failure
        // counts in CLOSED; if it re-opened, there is nothing left to do.
        return current.state() == CircuitState.CLOSED ? closed.countFailure(current, reason, now) : Step.DONE;
    }

    /**
     * Counts the success and frees the slot, if this probe still owns it; enough successes close.
     * If the count is refused (the slot was taken over, or this very success was applied but its
     * answer lost and the retry refused), a fresh read still closes an episode that counts enough
     * successes: whoever sees the threshold reached may close.
     */
    private Step countSuccess(Permission probe, CircuitSnapshot current, long now) {
        int slot = probe.probeSlot().orElseThrow();
        long episode = probe.snapshot().version();
        return Step.Write.update("probe-success", store -> store.recordProbeSuccess(current.circuitId(), episode, slot,
                        probe.probeOwner(), now), counted -> closeIfEnough(counted, now))
                .ifLostReread(fresh -> fresh.version() == episode ? closeIfEnough(fresh, now) : Step.DONE);
    }

    private Step closeIfEnough(CircuitSnapshot counted, long now) {
        if (counted.state() != CircuitState.HALF_OPEN || counted.halfOpenSuccesses() < config.successThreshold()) {
            return Step.DONE;
        }
        return close(counted, now, written -> Step.DONE)
                // Lost to a claim of the freed slot (or any write of the same episode): read and close again.
                .ifLostReread(fresh -> fresh.version() == counted.version() ? closeIfEnough(fresh, now) : Step.DONE);
    }

    private Step.Write close(CircuitSnapshot s, long now, java.util.function.Function<CircuitSnapshot, Step> then) {
        CircuitSnapshot closed = s.settledIn(CircuitState.CLOSED, s.halfOpenSuccesses() + " successful probes", now);
        return Step.Write.transition("close", s, closed, then);
    }
}
