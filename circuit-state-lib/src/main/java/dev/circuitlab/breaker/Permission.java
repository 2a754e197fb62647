package dev.circuitlab.breaker;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The breaker's answer for one call. Only the breaker makes them. A permitted call must be followed
 * by {@link CircuitBreaker#onResult(Permission, CallOutcome)}, which hands the outcome back to the
 * state machine that issued the permission (the shared one, or this instance's local fallback).
 */
public final class Permission {

    private final boolean permitted;
    private final CircuitSnapshot snapshot;
    private final OptionalInt probeSlot;
    private final long probeLease;
    private final long retryAt;
    /** When a CLOSED call was permitted (epoch ms, the issuer's clock): its duration tells a slow call. */
    private final long permittedAt;
    /** The state machine that decided; null when nothing could decide (store down, FAIL_CLOSED). */
    private final StateMachine issuer;

    private Permission(boolean permitted, CircuitSnapshot snapshot, OptionalInt probeSlot, long probeLease,
                       long retryAt, StateMachine issuer) {
        this(permitted, snapshot, probeSlot, probeLease, retryAt, issuer, 0);
    }

    private Permission(boolean permitted, CircuitSnapshot snapshot, OptionalInt probeSlot, long probeLease,
                       long retryAt, StateMachine issuer, long permittedAt) {
        this.permittedAt = permittedAt;
        this.permitted = permitted;
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.probeSlot = probeSlot;
        this.probeLease = probeLease;
        this.retryAt = retryAt;
        this.issuer = issuer;
    }

    /** A call permitted at {@code now} in the snapshot's state (CLOSED or DISABLED). */
    static Permission permit(CircuitSnapshot s, StateMachine issuer, long now) {
        return new Permission(true, s, OptionalInt.empty(), 0, 0, issuer, now);
    }

    /** A HALF_OPEN probe owning {@code slot} until {@code lease}. */
    static Permission probe(CircuitSnapshot s, int slot, long lease, StateMachine issuer) {
        return new Permission(true, s, OptionalInt.of(slot), lease, 0, issuer);
    }

    /** A rejection; a call may be tried again at {@code retryAt} (epoch ms). */
    static Permission reject(CircuitSnapshot s, long retryAt, StateMachine issuer) {
        return new Permission(false, s, OptionalInt.empty(), 0, retryAt, issuer);
    }

    /** The store failed, and this instance last knew the circuit rejecting: rejected on that knowledge. */
    static Permission rejectOnLastKnown(CircuitSnapshot lastKnown, long retryAt) {
        return new Permission(false, lastKnown, OptionalInt.empty(), 0, retryAt, null);
    }

    /** The store could not be read and the policy is FAIL_CLOSED: rejected as if OPEN. */
    static Permission rejectUnknownState(String circuitId, long retryAt) {
        CircuitSnapshot unknown = CircuitSnapshot.builder(circuitId).state(CircuitState.OPEN).build();
        return new Permission(false, unknown, OptionalInt.empty(), 0, retryAt, null);
    }

    /** Whether the call may go ahead. */
    public boolean permitted() {
        return permitted;
    }

    /** The circuit state the decision was made in (HALF_OPEN for a probe). */
    public CircuitState state() {
        return snapshot.state();
    }

    /** The state read (or written) to decide. */
    public CircuitSnapshot snapshot() {
        return snapshot;
    }

    /** The HALF_OPEN slot this caller owns, if the call is a probe. */
    public OptionalInt probeSlot() {
        return probeSlot;
    }

    public boolean isProbe() {
        return probeSlot.isPresent();
    }

    /** The token that owns the probe slot (null when not a probe): only its owner's outcome counts. */
    String probeOwner() {
        return probeSlot.isPresent() ? snapshot.probeOwners().get(probeSlot.getAsInt()) : null;
    }

    /** The lease expiry of the probe slot (epoch ms), 0 when not a probe. */
    public long probeLease() {
        return probeLease;
    }

    /** For a rejection: epoch ms when a call may be tried again; 0 for a permitted call. */
    public long retryAt() {
        return retryAt;
    }

    /**
     * True if the shared state was not used: this instance's in-memory breaker decided, or the store
     * failed and the FAIL_CLOSED policy rejected.
     */
    public boolean local() {
        return issuer == null || issuer.isLocal();
    }

    /** Seconds until a retry makes sense, rounded up and at least 1 (for a Retry-After header). */
    public long retryAfterSeconds(long now) {
        long millis = Math.max(0, retryAt - now);
        return Math.max(1, (millis + 999) / 1000);
    }

    /** When the call was permitted (epoch ms), 0 for a probe or a rejection. */
    long permittedAt() {
        return permittedAt;
    }

    StateMachine issuer() {
        return issuer;
    }

    @Override
    public String toString() {
        return "Permission{" + (permitted ? "permitted" : "rejected") + " in " + state()
                + (isProbe() ? ", probe slot " + probeSlot.getAsInt() + " until " + probeLease : "")
                + (permitted ? "" : ", retryAt=" + retryAt) + (local() ? ", local" : "") + "}";
    }
}
