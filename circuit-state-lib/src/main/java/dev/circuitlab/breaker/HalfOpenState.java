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
        OptionalInt free = freeSlot(s, now);
        if (free.isEmpty()) {
            long earliest = s.probeLeases().values().stream().mapToLong(Long::longValue).min().orElse(now);
            return new Step.Reject(s, earliest);
        }
        int slot = free.getAsInt();
        long lease = now + config.probeLease().toMillis();
        CircuitSnapshot claimed = s.withProbeLease(slot, lease);
        return new Step.Write("claim-probe", store -> store.claimProbeSlot(s.circuitId(), s.version(), slot,
                s.probeLeases().get(slot), lease, now) ? Optional.of(claimed) : Optional.empty(),
                false, written -> new Step.Probe(written, slot, lease), null);
    }

    /** A slot below the configured probe count that is free or whose lease has expired. */
    private OptionalInt freeSlot(CircuitSnapshot s, long now) {
        for (int slot = 0; slot < config.halfOpenProbes(); slot++) {
            Long lease = s.probeLeases().get(slot);
            if (lease == null || lease <= now) {
                return OptionalInt.of(slot);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public Step record(Permission probe, CircuitSnapshot current, CallOutcome outcome, long now) {
        if (outcome.isSuccess()) {
            return countSuccess(probe, current, now);
        }
        FailureReason reason = outcome.failureReason().orElseThrow();
        if (current.version() == probe.snapshot().version()) {
            return open.trip(current, "probe failed: " + reason, now).decideAgainIfLost();
        }
        // The episode ended meanwhile. If another probe's success closed the circuit, this failure
        // counts in CLOSED; if it re-opened, there is nothing left to do.
        return current.state() == CircuitState.CLOSED ? closed.countFailure(current, reason, now) : Step.DONE;
    }

    /** Counts the success and frees the slot, if this probe still holds its lease; enough successes close. */
    private Step countSuccess(Permission probe, CircuitSnapshot current, long now) {
        int slot = probe.probeSlot().orElseThrow();
        return new Step.Write("probe-success", store -> store.recordProbeSuccess(current.circuitId(),
                probe.snapshot().version(), slot, probe.probeLease(), now), false,
                counted -> closeIfEnough(counted, now), null)
                .ifLost(Step.DONE); // the lease was taken over or the episode ended: the success no longer counts
    }

    private Step closeIfEnough(CircuitSnapshot counted, long now) {
        if (counted.halfOpenSuccesses() < config.successThreshold()) {
            return Step.DONE;
        }
        CircuitSnapshot closedState = counted.settledIn(CircuitState.CLOSED, counted.halfOpenSuccesses() + " successful probes", now);
        return Step.Write.transition("close", counted, closedState, written -> Step.DONE).ifLost(Step.DONE);
    }
}
