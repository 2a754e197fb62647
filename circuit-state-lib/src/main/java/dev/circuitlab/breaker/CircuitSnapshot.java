package dev.circuitlab.breaker;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One circuit's shared state as stored in its item. Immutable; built by {@link #builder(String)},
 * which rejects values no writer can produce (negative counters, a probe slot without a lease).
 *
 * <p>{@code version} counts state episodes: it changes on every transition (including a CLOSED
 * failure window restart) and never on counter updates or probe-slot claims, so a conditional
 * write on it proves that nothing about the episode changed since the read.
 *
 * <p>The breaker changes a snapshot only through the named operations at the bottom of this class
 * ({@link #transitionTo}, {@link #opened}, {@link #withFailuresAdded}, …), each of which says what it
 * keeps and what it clears.
 */
public final class CircuitSnapshot {

    private final String circuitId;
    private final CircuitState state;
    /** Failures per window bucket: bucket start (epoch ms) → failures counted in it. */
    private final SortedMap<Long, Long> recentFailures;
    /** Calls per window bucket (only with a rate threshold): bucket start → calls with an outcome. */
    private final SortedMap<Long, Long> recentCalls;
    /** Slow successful calls per window bucket (only with a rate threshold). */
    private final SortedMap<Long, Long> recentSlowCalls;
    private final long openedAt;
    private final long retryAt;
    private final int consecutiveOpens;
    private final Map<Integer, Long> probeLeases;
    private final int halfOpenSuccesses;
    private final long version;
    private final long updatedAt;
    private final Transition lastTransition;
    private final Map<Integer, String> probeOwners;
    private final long probeRevision;
    private final String writeToken;
    private final String previousWriteToken;

    private CircuitSnapshot(Builder b) {
        this.circuitId = b.circuitId;
        this.state = b.state;
        this.recentFailures = Collections.unmodifiableSortedMap(new TreeMap<>(b.recentFailures));
        this.recentCalls = Collections.unmodifiableSortedMap(new TreeMap<>(b.recentCalls));
        this.recentSlowCalls = Collections.unmodifiableSortedMap(new TreeMap<>(b.recentSlowCalls));
        this.openedAt = b.openedAt;
        this.retryAt = b.retryAt;
        this.consecutiveOpens = b.consecutiveOpens;
        this.probeLeases = Map.copyOf(b.probeLeases);
        this.halfOpenSuccesses = b.halfOpenSuccesses;
        this.version = b.version;
        this.updatedAt = b.updatedAt;
        this.lastTransition = b.lastTransition;
        this.probeOwners = Map.copyOf(b.probeOwners);
        this.probeRevision = b.probeRevision;
        this.writeToken = b.writeToken;
        this.previousWriteToken = b.previousWriteToken;
    }

    /** The state of a circuit that has never been written: CLOSED, version 0. */
    public static CircuitSnapshot initial(String circuitId) {
        return builder(circuitId).build();
    }

    /** A builder starting from {@link #initial(String)}; stores use it to map their items. */
    public static Builder builder(String circuitId) {
        return new Builder(circuitId);
    }

    /** A builder holding this snapshot's values. */
    public Builder toBuilder() {
        Builder b = new Builder(circuitId);
        b.state = state;
        b.recentFailures = new TreeMap<>(recentFailures);
        b.recentCalls = new TreeMap<>(recentCalls);
        b.recentSlowCalls = new TreeMap<>(recentSlowCalls);
        b.openedAt = openedAt;
        b.retryAt = retryAt;
        b.consecutiveOpens = consecutiveOpens;
        b.probeLeases = new HashMap<>(probeLeases);
        b.halfOpenSuccesses = halfOpenSuccesses;
        b.version = version;
        b.updatedAt = updatedAt;
        b.lastTransition = lastTransition;
        b.probeOwners = new HashMap<>(probeOwners);
        b.probeRevision = probeRevision;
        b.writeToken = writeToken;
        b.previousWriteToken = previousWriteToken;
        return b;
    }

    public String circuitId() { return circuitId; }
    public CircuitState state() { return state; }
    /** Failures in the stored window buckets (CLOSED; in OPEN, the ones that tripped it). */
    public long failureCount() { return recentFailures.values().stream().mapToLong(Long::longValue).sum(); }
    /** Epoch ms of the oldest stored window bucket, 0 if none. */
    public long windowStart() { return recentFailures.isEmpty() ? 0 : recentFailures.firstKey(); }
    /** Failures per window bucket: bucket start (epoch ms) → count, oldest first. */
    public SortedMap<Long, Long> recentFailures() { return recentFailures; }
    /** Calls with an outcome per window bucket (counted only with a rate threshold), oldest first. */
    public SortedMap<Long, Long> recentCalls() { return recentCalls; }
    /** Slow successful calls per window bucket (counted only with a rate threshold), oldest first. */
    public SortedMap<Long, Long> recentSlowCalls() { return recentSlowCalls; }

    /**
     * Failures within the sliding window ending at {@code now}: every bucket that overlaps
     * (now - window, now]. So failures closer together than the window always count together; a
     * failure up to one bucket older than the window may count too.
     */
    public long failuresWithin(long now, long windowMillis, long bucketMillis) {
        return outcomesWithin(now, windowMillis, bucketMillis).failures();
    }

    /** Calls, failures and slow calls within the sliding window ending at {@code now} (as {@link #failuresWithin}). */
    public OutcomeCounts outcomesWithin(long now, long windowMillis, long bucketMillis) {
        return new OutcomeCounts(sumWithin(recentCalls, now, windowMillis, bucketMillis),
                sumWithin(recentFailures, now, windowMillis, bucketMillis),
                sumWithin(recentSlowCalls, now, windowMillis, bucketMillis));
    }

    /** Every bucket start in the window maps, oldest first. */
    public java.util.SortedSet<Long> windowBuckets() {
        java.util.SortedSet<Long> all = new java.util.TreeSet<>(recentFailures.keySet());
        all.addAll(recentCalls.keySet());
        all.addAll(recentSlowCalls.keySet());
        return all;
    }

    private static long sumWithin(Map<Long, Long> buckets, long now, long windowMillis, long bucketMillis) {
        return buckets.entrySet().stream().filter(e -> e.getKey() + bucketMillis > now - windowMillis)
                .mapToLong(Map.Entry::getValue).sum();
    }
    /** Epoch ms of the last transition into OPEN, 0 if never. */
    public long openedAt() { return openedAt; }
    /** Epoch ms after which the next call may probe (OPEN), 0 otherwise. */
    public long retryAt() { return retryAt; }
    /** Trips since the circuit last closed (drives the backoff). */
    public int consecutiveOpens() { return consecutiveOpens; }
    /** HALF_OPEN probe slots in use: slot number to lease expiry (epoch ms). */
    public Map<Integer, Long> probeLeases() { return probeLeases; }
    /** Successful probes in the current HALF_OPEN episode. */
    public int halfOpenSuccesses() { return halfOpenSuccesses; }
    /** 0 for a circuit that has no item yet. */
    public long version() { return version; }
    /** Epoch ms of the last write. */
    public long updatedAt() { return updatedAt; }
    /** Null before the first transition. */
    public Transition lastTransition() { return lastTransition; }
    /**
     * HALF_OPEN probe slots to a random token of the caller that claimed each: lease values alone can
     * coincide, tokens do not, so a probe's success counts only for the slot's real owner.
     */
    public Map<Integer, String> probeOwners() { return probeOwners; }
    /**
     * Changes to the probe slots ever made on this item: each claim and each counted probe success
     * adds one. Neither changes the version, so whole-state writes are conditioned on this too: a
     * trip from HALF_OPEN then never drops the lease of a probe that claimed its slot after the
     * tripper's read, nor re-opens an episode whose successes reached the threshold meanwhile.
     */
    public long probeRevision() { return probeRevision; }
    /**
     * A random id of the whole-state write that made this version (null before any), and of the
     * one before it: a writer whose response was lost recognises its own write by them, even after
     * one more write by someone else.
     */
    public String writeToken() { return writeToken; }
    /** See {@link #writeToken()}. */
    public String previousWriteToken() { return previousWriteToken; }

    /** Whether the whole-state write that carried {@code token} made this version or the one before it. */
    public boolean madeByWrite(String token) {
        return token != null && (token.equals(writeToken) || token.equals(previousWriteToken));
    }

    /** A fresh random token for a write or a probe claim, unique across SnapStart restores too. */
    static String newToken() {
        return Long.toHexString(Entropy.nextLong() | Long.MIN_VALUE);
    }

    /** Probe leases ordered by slot, for display. */
    public Map<Integer, Long> sortedProbeLeases() {
        return new TreeMap<>(probeLeases);
    }

    /** Probes whose lease has not expired at {@code now}. */
    public long probesInFlight(long now) {
        return probeLeases.values().stream().filter(expiry -> expiry > now).count();
    }

    // ---------------------------------------------------------------- named changes (the breaker's only writers)

    /**
     * The successor episode in state {@code to}: version bumped, counters and probe slots cleared,
     * open timestamps kept. Throws if the state machine does not allow the transition.
     */
    CircuitSnapshot transitionTo(CircuitState to, String reason, long now) {
        if (!state.canTransitionTo(to)) {
            throw new IllegalStateException("transition " + state + " -> " + to + " is not allowed");
        }
        Builder b = toBuilder();
        b.state = to;
        b.recentFailures = new TreeMap<>();
        b.recentCalls = new TreeMap<>();
        b.recentSlowCalls = new TreeMap<>();
        b.probeLeases = new HashMap<>();
        b.probeOwners = new HashMap<>();
        b.halfOpenSuccesses = 0;
        b.version = version + 1;
        b.updatedAt = now;
        b.lastTransition = new Transition(state, to, reason, now);
        b.newWrite(writeToken);
        return b.build();
    }

    /**
     * CLOSED or HALF_OPEN → OPEN until {@code retry}; the window's counts that tripped stay visible.
     * Leases of probes still running (a HALF_OPEN trip by one failed probe) carry over: those calls
     * are in flight, so the next HALF_OPEN episode must count them against its probe slots.
     */
    CircuitSnapshot opened(String reason, long now, long retry, int trips) {
        Builder b = transitionTo(CircuitState.OPEN, reason, now).toBuilder();
        b.recentFailures = new TreeMap<>(recentFailures);
        b.recentCalls = new TreeMap<>(recentCalls);
        b.recentSlowCalls = new TreeMap<>(recentSlowCalls);
        b.openedAt = now;
        b.retryAt = retry;
        b.consecutiveOpens = trips;
        carryUnexpiredLeases(b, now);
        return b.build();
    }

    /**
     * OPEN → HALF_OPEN with {@code slot} leased to the caller that makes the transition (its write
     * token owns it); leases of earlier probes still running carry over.
     */
    CircuitSnapshot halfOpenedWithFirstProbe(String reason, long now, int slot, long lease) {
        Builder b = transitionTo(CircuitState.HALF_OPEN, reason, now).toBuilder();
        carryUnexpiredLeases(b, now);
        b.probeLeases.put(slot, lease);
        b.probeOwners.put(slot, b.writeToken);
        return b.build();
    }

    /** Keeps this snapshot's unexpired probe leases (ownerless: their episode is over, only their slot is taken). */
    private void carryUnexpiredLeases(Builder b, long now) {
        probeLeases.forEach((slot, expiry) -> {
            if (expiry > now) {
                b.probeLeases.put(slot, expiry);
            }
        });
    }

    /** A probe slot below {@code probes} that is free or whose lease has expired at {@code now}. */
    java.util.OptionalInt freeProbeSlot(int probes, long now) {
        for (int slot = 0; slot < probes; slot++) {
            Long lease = probeLeases.get(slot);
            if (lease == null || lease <= now) {
                return java.util.OptionalInt.of(slot);
            }
        }
        return java.util.OptionalInt.empty();
    }

    /** The earliest expiry among the first {@code probes} slots' unexpired leases, or {@code otherwise}. */
    long earliestLeaseExpiry(int probes, long now, long otherwise) {
        return probeLeases.entrySet().stream().filter(e -> e.getKey() < probes && e.getValue() > now)
                .mapToLong(Map.Entry::getValue).min().orElse(otherwise);
    }

    /** Any state → CLOSED, FORCED_OPEN or DISABLED: no retry time, the trip streak ends. */
    CircuitSnapshot settledIn(CircuitState to, String reason, long now) {
        Builder b = transitionTo(to, reason, now).toBuilder();
        b.retryAt = 0;
        b.consecutiveOpens = 0;
        return b.build();
    }

    /**
     * The same episode with {@code added} in the bucket starting at {@code bucketStart} and the
     * {@code expired} buckets gone: what one flush of outcomes writes. Stores that keep snapshots
     * (in memory) use it for their atomic update.
     */
    public CircuitSnapshot withOutcomesAdded(long bucketStart, OutcomeCounts added, Collection<Long> expired, long now) {
        Builder b = toBuilder();
        expired.forEach(bucket -> {
            b.recentFailures.remove(bucket);
            b.recentCalls.remove(bucket);
            b.recentSlowCalls.remove(bucket);
        });
        addTo(b, bucketStart, added);
        b.updatedAt = now;
        return b.build();
    }

    private static void addTo(Builder b, long bucketStart, OutcomeCounts added) {
        addTo(b.recentFailures, bucketStart, added.failures());
        addTo(b.recentCalls, bucketStart, added.calls());
        addTo(b.recentSlowCalls, bucketStart, added.slowCalls());
    }

    /** A zero adds no key: a circuit without a rate threshold keeps its call maps empty. */
    private static void addTo(Map<Long, Long> buckets, long bucketStart, long n) {
        if (n > 0) {
            buckets.merge(bucketStart, n, Long::sum);
        }
    }

    /** The first write of a circuit that had no item: CLOSED, version 1, holding its first outcomes. */
    CircuitSnapshot createdWithOutcomes(long bucketStart, OutcomeCounts outcomes, long now) {
        Builder b = toBuilder();
        b.state = CircuitState.CLOSED;
        b.recentFailures = new TreeMap<>();
        b.recentCalls = new TreeMap<>();
        b.recentSlowCalls = new TreeMap<>();
        addTo(b, bucketStart, outcomes);
        b.version = version + 1;
        b.updatedAt = now;
        b.newWrite(writeToken);
        return b.build();
    }

    /** The same episode with {@code owner}'s probe slot freed (its call has ended); unchanged if the slot is someone else's. */
    CircuitSnapshot releasingProbe(int slot, String owner) {
        if (owner == null || !owner.equals(probeOwners.get(slot))) {
            return this;
        }
        Builder b = toBuilder();
        b.probeLeases.remove(slot);
        b.probeOwners.remove(slot);
        return b.build();
    }

    /** The same episode with probe slot {@code slot} leased to {@code owner} until {@code lease}. */
    CircuitSnapshot withProbeLease(int slot, long lease, String owner) {
        Builder b = toBuilder();
        b.probeLeases.put(slot, lease);
        b.probeOwners.put(slot, owner);
        b.probeRevision = probeRevision + 1;
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitSnapshot s && circuitId.equals(s.circuitId) && state == s.state
                && recentFailures.equals(s.recentFailures) && recentCalls.equals(s.recentCalls)
                && recentSlowCalls.equals(s.recentSlowCalls) && openedAt == s.openedAt
                && retryAt == s.retryAt && consecutiveOpens == s.consecutiveOpens
                && probeLeases.equals(s.probeLeases) && halfOpenSuccesses == s.halfOpenSuccesses
                && version == s.version && updatedAt == s.updatedAt
                && Objects.equals(lastTransition, s.lastTransition) && probeOwners.equals(s.probeOwners)
                && probeRevision == s.probeRevision
                && Objects.equals(writeToken, s.writeToken) && Objects.equals(previousWriteToken, s.previousWriteToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(circuitId, state, recentFailures, version, updatedAt);
    }

    @Override
    public String toString() {
        return "CircuitSnapshot{" + circuitId + " " + state + " v" + version + ", recentFailures=" + recentFailures
                + (recentCalls.isEmpty() ? "" : ", recentCalls=" + recentCalls)
                + (recentSlowCalls.isEmpty() ? "" : ", recentSlowCalls=" + recentSlowCalls)
                + ", openedAt=" + openedAt + ", retryAt=" + retryAt
                + ", consecutiveOpens=" + consecutiveOpens + ", probeLeases=" + sortedProbeLeases()
                + ", halfOpenSuccesses=" + halfOpenSuccesses + ", probeRevision=" + probeRevision + ", updatedAt=" + updatedAt
                + ", lastTransition=" + lastTransition + "}";
    }

    /** Builds a snapshot; {@link #build()} rejects values no writer produces. */
    public static final class Builder {
        private final String circuitId;
        private CircuitState state = CircuitState.CLOSED;
        private SortedMap<Long, Long> recentFailures = new TreeMap<>();
        private SortedMap<Long, Long> recentCalls = new TreeMap<>();
        private SortedMap<Long, Long> recentSlowCalls = new TreeMap<>();
        private long openedAt;
        private long retryAt;
        private int consecutiveOpens;
        private Map<Integer, Long> probeLeases = new HashMap<>();
        private int halfOpenSuccesses;
        private long version;
        private long updatedAt;
        private Transition lastTransition;
        private Map<Integer, String> probeOwners = new HashMap<>();
        private long probeRevision;
        private String writeToken;
        private String previousWriteToken;

        private Builder(String circuitId) {
            this.circuitId = Objects.requireNonNull(circuitId, "circuitId");
        }

        public Builder state(CircuitState value) { this.state = Objects.requireNonNull(value, "state"); return this; }
        /** Replaces every window bucket (bucket start, epoch ms → failures). */
        public Builder recentFailures(Map<Long, Long> value) {
            this.recentFailures = new TreeMap<>(value == null ? Map.of() : value);
            return this;
        }
        /** Replaces every window bucket's call count (bucket start, epoch ms → calls). */
        public Builder recentCalls(Map<Long, Long> value) {
            this.recentCalls = new TreeMap<>(value == null ? Map.of() : value);
            return this;
        }
        /** Replaces every window bucket's slow-call count (bucket start, epoch ms → slow calls). */
        public Builder recentSlowCalls(Map<Long, Long> value) {
            this.recentSlowCalls = new TreeMap<>(value == null ? Map.of() : value);
            return this;
        }
        public Builder openedAt(long value) { this.openedAt = value; return this; }
        public Builder retryAt(long value) { this.retryAt = value; return this; }
        public Builder consecutiveOpens(int value) { this.consecutiveOpens = value; return this; }
        public Builder halfOpenSuccesses(int value) { this.halfOpenSuccesses = value; return this; }
        public Builder version(long value) { this.version = value; return this; }
        public Builder updatedAt(long value) { this.updatedAt = value; return this; }
        public Builder lastTransition(Transition value) { this.lastTransition = value; return this; }
        public Builder writeToken(String value) { this.writeToken = value; return this; }
        public Builder probeRevision(long value) { this.probeRevision = value; return this; }
        public Builder previousWriteToken(String value) { this.previousWriteToken = value; return this; }

        /** Replaces every probe owner (slot number to the claiming caller's token). */
        public Builder probeOwners(Map<Integer, String> value) {
            this.probeOwners = new HashMap<>(value == null ? Map.of() : value);
            return this;
        }

        private void newWrite(String replacedToken) {
            this.previousWriteToken = replacedToken;
            this.writeToken = newToken();
        }

        /** Replaces every probe lease (slot number to lease expiry, epoch ms). */
        public Builder probeLeases(Map<Integer, Long> value) {
            this.probeLeases = new HashMap<>(value == null ? Map.of() : value);
            return this;
        }

        /**
         * @throws IllegalArgumentException if a counter, time or version is negative, or a probe
         *         slot is negative or has no lease
         */
        public CircuitSnapshot build() {
            requireValidBuckets("failures", recentFailures);
            requireValidBuckets("calls", recentCalls);
            requireValidBuckets("slow calls", recentSlowCalls);
            requireNotNegative("openedAt", openedAt);
            requireNotNegative("retryAt", retryAt);
            requireNotNegative("consecutiveOpens", consecutiveOpens);
            requireNotNegative("halfOpenSuccesses", halfOpenSuccesses);
            requireNotNegative("version", version);
            requireNotNegative("updatedAt", updatedAt);
            requireNotNegative("probeRevision", probeRevision);
            probeLeases.forEach((slot, lease) -> {
                if (slot == null || slot < 0 || lease == null) {
                    throw new IllegalArgumentException("probe slot " + slot + " of circuit " + circuitId
                            + " must be >= 0 with a lease, but its lease is " + lease);
                }
            });
            return new CircuitSnapshot(this);
        }

        private void requireValidBuckets(String what, Map<Long, Long> buckets) {
            buckets.forEach((bucket, n) -> {
                if (bucket == null || bucket < 0 || n == null || n < 0) {
                    throw new IllegalArgumentException("window bucket " + bucket + " of circuit " + circuitId
                            + " must start at >= 0 and hold >= 0 " + what + ", but holds " + n);
                }
            });
        }

        private void requireNotNegative(String name, long value) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " of circuit " + circuitId + " must be >= 0 but was " + value);
            }
        }
    }
}
