package dev.circuitlab.experiments.simulation;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One environment's view of the shared store in a simulated history: every request is a point
 * where the scheduler may run another environment's step first, and where a seeded fault may
 * strike — applied but its answer lost, not applied and timed out, throttled, slow, or the store
 * down. What follows a lost answer mirrors what {@code DynamoDbCircuitStateStore} and the SDK do:
 * the request is retried (an ADD is not: it is sent without retries), and a refused retry of a
 * whole-state write or a probe claim re-reads to recognise its own write.
 */
final class SimulatedStore implements CircuitStateStore {

    /** What the world decides for one request. */
    enum Fault { NONE, LOST_ANSWER, APPLIED_THEN_ERROR, NOT_APPLIED, THROTTLED, SLOW, DOWN }

    /** The world seen from a store request: faults, interleaving points and the record of effects. */
    interface World {
        Fault faultFor(SimulatedStore store, String request);

        /** A point where another environment may take a step (before a request, or between an applied request and its retry). */
        void interleave(SimulatedStore store, boolean afterAppliedRequest);

        /** A request's effect on the shared item, for the invariant checks. */
        void applied(SimulatedStore store, String request, CircuitSnapshot before, CircuitSnapshot after);

        /** A request was applied but every attempt's answer was lost: the breaker sees a store error. */
        void appliedButFailed(SimulatedStore store, String request, CircuitSnapshot after);

        /** A whole-state write of this store was applied, its answer lost, and the re-read did not recognise it. */
        void ownWriteNotRecognised(SimulatedStore store, CircuitSnapshot written);

        void trace(String line);
    }

    private final CircuitStateStore shared;
    private final World world;
    final int environment;
    /** Whether the last request's first answer was lost: only then does a refused write re-read. */
    private boolean lastAnswerWasLost;
    /** Whether the last request's first attempt changed the item (known to the simulation, not to the breaker). */
    private boolean firstAttemptApplied;

    SimulatedStore(CircuitStateStore shared, World world, int environment) {
        this.shared = shared;
        this.world = world;
        this.environment = environment;
    }

    private <T> T request(String name, String circuitId, Supplier<T> call, boolean retriedByTheSdk) {
        world.interleave(this, false);
        Fault fault = world.faultFor(this, name);
        lastAnswerWasLost = fault == Fault.LOST_ANSWER;
        switch (fault) {
            case NOT_APPLIED, THROTTLED, DOWN -> {
                world.trace("env" + environment + " " + name + " -> " + fault);
                throw new CircuitStateStoreException(name + " failed in the simulation: " + fault, null);
            }
            default -> { }
        }
        T result = observed(name, circuitId, call);
        firstAttemptApplied = Boolean.TRUE.equals(result) || (result instanceof Optional<?> o && o.isPresent());
        if (fault == Fault.APPLIED_THEN_ERROR) {
            // Applied, and every answer lost: the SDK's retries time out or fail too, so it throws.
            CircuitSnapshot written = shared.load(circuitId);
            world.trace("env" + environment + " " + name + " applied=" + result + ", every answer lost");
            world.interleave(this, true);
            if (firstAttemptApplied) {
                world.appliedButFailed(this, name, written);
            }
            throw new CircuitStateStoreException(name + " applied but every answer lost in the simulation", null);
        }
        if (fault == Fault.LOST_ANSWER) {
            world.trace("env" + environment + " " + name + " applied=" + result + ", answer lost");
            world.interleave(this, true);
            if (!retriedByTheSdk) {
                throw new CircuitStateStoreException(name + " answer lost in the simulation (not retried)", null);
            }
            return observed(name + " (retry)", circuitId, call);
        }
        return result;
    }

    /** Runs one request against the shared item and reports its effect. */
    private <T> T observed(String name, String circuitId, Supplier<T> call) {
        CircuitSnapshot before = shared.load(circuitId);
        T result = call.get();
        CircuitSnapshot after = shared.load(circuitId);
        if (!before.equals(after)) {
            world.applied(this, name, before, after);
        }
        return result;
    }

    @Override
    public CircuitSnapshot load(String circuitId) {
        return request("load", circuitId, () -> shared.load(circuitId), true);
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        boolean won = request("replace", next.circuitId(), () -> shared.replace(expectedVersion, next), true);
        // A refused retry re-reads: the write token says whether the lost first attempt was ours.
        return won || recognised(next);
    }

    private boolean recognised(CircuitSnapshot next) {
        if (!lastAnswerWasLost) {
            return false;
        }
        boolean recognised = shared.load(next.circuitId()).madeByWrite(next.writeToken());
        if (!recognised && firstAttemptApplied) {
            world.ownWriteNotRecognised(this, next);
        }
        return recognised;
    }

    @Override
    public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                 OutcomeCounts outcomes, Collection<Long> expiredBuckets, long now) {
        return request("add-outcomes", circuitId,
                () -> shared.addOutcomes(circuitId, expectedVersion, bucketStart, outcomes, expiredBuckets, now), false);
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                  String owner, long now) {
        boolean won = request("claim-probe", circuitId,
                () -> shared.claimProbeSlot(circuitId, expectedVersion, slot, expectedLease, leaseUntil, owner, now), true);
        return won || (lastAnswerWasLost && owner.equals(shared.load(circuitId).probeOwners().get(slot)));
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                        long now) {
        return request("probe-success", circuitId,
                () -> shared.recordProbeSuccess(circuitId, expectedVersion, slot, owner, now), true);
    }
}
