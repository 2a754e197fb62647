package dev.circuitlab.breaker;

import java.util.Collection;
import java.util.Optional;

/**
 * Where circuit state lives. Every mutating operation is conditional: it succeeds only if the
 * circuit is still in the episode ({@code version}) the caller read, and reports a lost race as
 * {@code false} / empty rather than throwing. Infrastructure failures throw
 * {@link CircuitStateStoreException}.
 */
public interface CircuitStateStore {

    /** The circuit's state (strongly consistent); {@link CircuitSnapshot#initial(String)} if it has never been written. */
    CircuitSnapshot load(String circuitId);

    /**
     * The circuit's state, possibly a moment old (an eventually consistent read, half the cost on
     * DynamoDB); used to refresh an instance's copy, never to decide a write's condition.
     */
    default CircuitSnapshot loadRecent(String circuitId) {
        return load(circuitId);
    }

    /**
     * Writes {@code next} as the whole new state if the stored version still equals
     * {@code expectedVersion} (0: the item must not exist yet, or have no version) and no probe slot
     * changed since the read ({@link CircuitSnapshot#probeRevision()} still equals next's).
     *
     * @return true if this write won (also when an earlier attempt of this very request was applied
     *         and its answer lost: {@link CircuitSnapshot#madeByWrite} recognises it)
     */
    boolean replace(long expectedVersion, CircuitSnapshot next);

    /**
     * Atomically adds {@code outcomes} (calls, failures, slow calls; a zero count adds nothing) to
     * the window bucket starting at {@code bucketStart} of a CLOSED circuit whose item exists and is
     * still at {@code expectedVersion}, and drops the {@code expiredBuckets}. Sent at most once (a
     * retried increment whose answer was lost would count twice). A circuit that has no item yet is
     * created with {@link #replace} instead.
     *
     * @return the state after the update, or empty if the episode changed
     */
    Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart, OutcomeCounts outcomes,
                                          Collection<Long> expiredBuckets, long now);

    /**
     * Claims HALF_OPEN probe slot {@code slot} for {@code owner} with a lease until {@code leaseUntil}
     * (adding one to the probe revision),
     * if the episode is unchanged and the slot still holds {@code expectedLease} (null: the slot is free).
     *
     * @return true if this caller now owns the slot (also when an earlier attempt of this very
     *         request was applied and its answer lost)
     */
    boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                           String owner, long now);

    /**
     * Counts a probe success and frees its slot, if the slot is still owned by {@code owner}; adds
     * one to the probe revision.
     *
     * @return the state after the update, or empty if the episode changed or the slot was taken over
     */
    Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner, long now);

    /**
     * For operators: replaces an item that exists but cannot be read ({@link UnreadableCircuitItemException})
     * by {@code next}, with a version above the old one where that is readable.
     *
     * @return the state written, or empty if there was nothing to replace or the item changed meanwhile;
     *         a store whose items are always readable keeps this default
     */
    default Optional<CircuitSnapshot> overwriteUnreadable(CircuitSnapshot next) {
        return Optional.empty();
    }
}
