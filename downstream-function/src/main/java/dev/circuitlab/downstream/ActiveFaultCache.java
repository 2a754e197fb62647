package dev.circuitlab.downstream;

import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This instance's view of the persistent fault, re-read from the {@link FaultStore} at most once per
 * TTL ({@code FAULT_CACHE_TTL_MS}, default 1 s). Without it every {@code GET /downstream} would cost a
 * GetItem; with it, a fault set by {@code PUT /faults} reaches every warm instance within one TTL.
 *
 * <p>Expiry is checked against the clock on every call, not at read time, so a cached fault stops
 * applying the moment it expires. A failed read is cached too (as "no fault") for the same TTL, so a
 * broken fault table costs one failed call per TTL instead of one per request, and the downstream
 * keeps serving: fault injection fails open to "no fault".
 */
final class ActiveFaultCache {

    private static final StructuredLog LOG = StructuredLog.forClass(ActiveFaultCache.class);

    private record Snapshot(Optional<FaultConfig> fault, Instant readAt) {
    }

    private final FaultStore store;
    private final Clock clock;
    private final Duration ttl;
    // Lambda runs one request per instance at a time, but the local runtime may not: a volatile
    // immutable snapshot is enough (two threads racing to refresh just read twice).
    private volatile Snapshot snapshot;

    /**
     * @param snapStart where the cache registers its SnapStart reset: after a restore the cached read
     *                  is dropped, since it was made when the snapshot was taken, possibly long ago
     */
    ActiveFaultCache(FaultStore store, Clock clock, Duration ttl, SnapStartPriming snapStart) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
        snapStart.register("fault cache", null, this::invalidate);
    }

    /** The persistent fault in force now, or {@link FaultConfig#NONE}. */
    FaultConfig current() {
        Instant now = clock.instant();
        Snapshot s = snapshot;
        if (s == null || !isFresh(s, now)) {
            s = new Snapshot(readQuietly(), now);
            snapshot = s;
        }
        return s.fault().filter(fault -> !fault.isExpiredAt(now)).orElse(FaultConfig.NONE);
    }

    /** Forget the cached read: after a write on this instance, and after a SnapStart restore. */
    void invalidate() {
        snapshot = null;
    }

    private boolean isFresh(Snapshot s, Instant now) {
        // A clock that went backwards (NTP step, restored snapshot) also means stale.
        return !now.isBefore(s.readAt()) && now.isBefore(s.readAt().plus(ttl));
    }

    private Optional<FaultConfig> readQuietly() {
        try {
            return store.read();
        } catch (FaultStoreException e) {
            LOG.warn("fault store unavailable; serving without the persistent fault",
                    "table", store.tableName(), "error", e);
            return Optional.empty();
        }
    }
}
