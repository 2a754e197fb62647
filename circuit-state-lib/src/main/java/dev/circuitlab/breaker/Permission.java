package dev.circuitlab.breaker;

import java.util.OptionalInt;

/**
 * The breaker's answer for one call. A permitted call must be followed by
 * {@link CircuitBreaker#onResult(Permission, CallOutcome)}.
 *
 * @param permitted whether the call may go ahead
 * @param state     the circuit state the decision was made in
 * @param snapshot  the state read (or written) to decide
 * @param probeSlot the HALF_OPEN slot this caller owns, if the call is a probe
 * @param probeLease the lease expiry of that slot (epoch ms), 0 when not a probe
 * @param retryAt   for a rejection, epoch ms when a call may be tried again (0 if unknown)
 * @param local     true if the shared store failed and an in-memory breaker decided
 */
public record Permission(
        boolean permitted,
        CircuitState state,
        CircuitSnapshot snapshot,
        OptionalInt probeSlot,
        long probeLease,
        long retryAt,
        boolean local) {

    static Permission permit(CircuitSnapshot s) {
        return new Permission(true, s.state(), s, OptionalInt.empty(), 0, 0, false);
    }

    static Permission probe(CircuitSnapshot s, int slot, long lease) {
        return new Permission(true, CircuitState.HALF_OPEN, s, OptionalInt.of(slot), lease, 0, false);
    }

    static Permission reject(CircuitSnapshot s, long retryAt) {
        return new Permission(false, s.state(), s, OptionalInt.empty(), 0, retryAt, false);
    }

    /** Marks a decision of the in-memory fallback breaker, so its outcome goes back there. */
    Permission markLocal() {
        return new Permission(permitted, state, snapshot, probeSlot, probeLease, retryAt, true);
    }

    /** The same decision as the fallback breaker itself sees it (its store is its own). */
    Permission decidedByLocalBreaker() {
        return new Permission(permitted, state, snapshot, probeSlot, probeLease, retryAt, false);
    }

    public boolean isProbe() {
        return probeSlot.isPresent();
    }

    /** Seconds until a retry makes sense, rounded up and at least 1 (for a Retry-After header). */
    public long retryAfterSeconds(long now) {
        long millis = Math.max(0, retryAt - now);
        return Math.max(1, (millis + 999) / 1000);
    }
}
