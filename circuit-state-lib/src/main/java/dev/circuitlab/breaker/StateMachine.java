package dev.circuitlab.breaker;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the state rules against one store: read, let the current state's rules decide, try the
 * conditional write they ask for, and on a lost race read again and decide anew — the one loop
 * every operation goes through. It owns this instance's copy of the state. Store failures propagate as
 * {@link CircuitStateStoreException}; {@link CircuitBreaker} decides what they mean.
 *
 * <p>Two run per breaker: the shared one over DynamoDB and this instance's local fallback over
 * memory ({@link LocalFallbackBreaker}). No background threads: a Lambda environment may be frozen.
 */
final class StateMachine {

    /** A batch holding failures or slow calls is written only on a copy read less than this long ago (else it looks first). */
    static final long FRESH_ENOUGH_TO_FLUSH_MILLIS = 50;

    /** Lost races one operation re-reads and decides again before giving up. */
    static final int MAX_RACE_RETRIES = 4;

    private final String circuitId;
    private final CircuitBreakerConfig config;
    private final CircuitStateStore store;
    private final Clock clock;
    private final CircuitBreakerListener events;
    private final StateRules.Table rules;
    private final boolean local;
    /**
     * This instance's own delay past a retry time or a lease expiry before it looks again, drawn
     * once: the fleet's instances do not all write or read at the same millisecond.
     */
    private final long wakeJitterMillis;
    /**
     * This instance's phase within the flush interval, drawn once: its batches are due at the
     * instants phase + k × interval, so a fleet's flushes spread evenly over the interval however
     * their batches began (instances started together, or failures that all ended together).
     */
    private final long flushPhaseMillis;

    private volatile CachedState cache;

    /** Outcomes this instance counted but has not written yet (one batch, flushed as one update). */
    private volatile OutcomeCounts pending = OutcomeCounts.NONE;
    /** When the oldest of them was counted (this instance's clock). */
    private long pendingSince;
    private FailureReason pendingReason;
    /** When this instance last counted a failure or a slow call (this instance's clock). */
    private volatile long lastFailureAt = Long.MIN_VALUE;
    /** After a failed refresh, the copy decides (if not too old) and no refresh is tried before this. */
    private volatile long refreshNotBefore;

    private record CachedState(CircuitSnapshot snapshot, long readAt) { }

    /** @param events must not throw (wrap it in a {@link GuardedListener}) */
    StateMachine(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                 CircuitBreakerListener events, boolean local, long wakeJitterMillis, long flushPhaseMillis) {
        this.wakeJitterMillis = wakeJitterMillis;
        this.flushPhaseMillis = flushPhaseMillis;
        this.circuitId = circuitId;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.rules = new StateRules.Table(config);
        this.local = local;
    }

    boolean isLocal() {
        return local;
    }

    /**
     * Decides one call: from the cache when it is fresh, else from one read. Each decision takes
     * the time afresh, so a probe lease starts when its claim is written, not when a slow first
     * read began.
     */
    Permission acquire() {
        long start = clock.millis();
        Permission known = rejectionFromCopy(start);
        if (known != null) {
            return known;
        }
        CircuitSnapshot current = cachedOrLoad(start);
        flushIfDue(start, current); // a batch waiting for its flush interval goes with the next call
        current = latestKnown(current);
        long[] decidedAt = {start};
        Function<CircuitSnapshot, Step> decide = s -> {
            decidedAt[0] = clock.millis();
            return rules.of(s.state()).acquire(s, decidedAt[0]);
        };
        Step answer = run(current, decide,
                lastRead -> new Step.Reject(lastRead, clock.millis() + config.probeLease().toMillis()));
        return switch (answer) {
            case Step.Permit p -> Permission.permit(p.snapshot(), this, decidedAt[0]);
            case Step.Probe p -> clock.millis() - decidedAt[0] > config.probeLeaseMargin().toMillis()
                    // The claim took so long that the call could outlive the lease on a fast clock
                    // elsewhere: give the slot up to its lease rather than risk two probes at once.
                    ? Permission.reject(p.snapshot(), p.lease(), this)
                    : Permission.probe(p.snapshot(), p.slot(), p.lease(), this);
            case Step.Reject r -> Permission.reject(r.snapshot(), r.retryAt(), this);
            default -> throw new IllegalStateException("an acquire ended without an answer: " + answer);
        };
    }

    /**
     * Records the outcome of a call this machine permitted, by the rules of the state it was
     * permitted in. In CLOSED a failure joins this instance's batch (and, with a rate threshold, so
     * does every call, slow or not), written as one update when the flush interval has passed or
     * when the batch could make the window meet a threshold.
     *
     * @throws UnrecordedFailuresException if a batch could not be written (the caller counts it elsewhere)
     */
    void record(Permission permission, CallOutcome outcome) {
        long now = clock.millis();
        if (permission.state() == CircuitState.CLOSED) {
            boolean slow = config.slowCallRateThreshold() > 0
                    && now - permission.permittedAt() > config.slowCallDuration().toMillis();
            OutcomeCounts counted = config.countOf(!outcome.isSuccess(), slow);
            if (!counted.isEmpty()) {
                addPending(counted, outcome.failureReason().orElse(null), now);
            }
            flushIfDue(now, permission.snapshot());
            return;
        }
        StateRules permittedIn = rules.of(permission.state());
        run(permission.snapshot(), s -> permittedIn.record(permission, s, outcome, now), lastRead -> Step.DONE);
    }

    /** Counts outcomes the shared store could not take, if this (local) circuit is CLOSED. */
    void countOutcomes(OutcomeCounts outcomes, FailureReason reason) {
        if (outcomes.isEmpty()) {
            return;
        }
        long now = clock.millis();
        // Counted by the shared breaker's config.countOf: the local breaker has the same config.
        addPending(outcomes, reason, now);
        flushIfDue(now, reload());
    }

    /** @param reason the failure's reason, null for a success */
    private synchronized void addPending(OutcomeCounts outcomes, FailureReason reason, long now) {
        if (outcomes.failures() > 0 || outcomes.slowCalls() > 0) {
            lastFailureAt = now;
        }
        if (pending.isEmpty()) {
            pendingSince = now;
        }
        pending = pending.plus(outcomes);
        if (reason != null) {
            pendingReason = reason;
        }
    }

    /**
     * Writes the batch as one update if it is due: the flush interval has passed, or the window this
     * instance knows plus the batch meets a threshold (so one instance still trips on exactly the
     * threshold-th failure). A batch that finds the circuit no longer CLOSED is dropped: calls that
     * fail after a trip do not each write.
     */
    private void flushIfDue(long now, CircuitSnapshot basis) {
        OutcomeCounts batch;
        FailureReason reason;
        CircuitSnapshot known;
        boolean lookFirst;
        if (pending.isEmpty()) {
            return; // the common case, without the lock: whoever adds an outcome flushes after it
        }
        ClosedState closed = (ClosedState) rules.of(CircuitState.CLOSED);
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            known = latestKnown(basis); // never null: every caller passes a state it read
            // The cheap test first: a due batch goes anyway, without summing the window.
            boolean due = now >= flushDueAt(pendingSince) || config.tripReason((known.state() == CircuitState.CLOSED
                    ? closed.window(known, now) : OutcomeCounts.NONE).plus(pending)) != null;
            if (!due) {
                return;
            }
            batch = pending;
            reason = pendingReason;
            CachedState copy = cache; // read once: a lost race elsewhere may clear it meanwhile
            lookFirst = batch.failures() + batch.slowCalls() > 0 && !config.refreshInterval().isZero() && copy != null
                    && (copy.readAt() < pendingSince || now - copy.readAt() > FRESH_ENOUGH_TO_FLUSH_MILLIS);
            pending = OutcomeCounts.NONE;
        }
        CircuitSnapshot[] counted = {null};
        try {
            if (lookFirst) {
                // Look first (half a read unit; reads have three times the writes' headroom), so that
                // once the circuit has tripped the batch is dropped instead of written: in an outage
                // every instance has failures to flush within the same interval, and only those that
                // look before the trip lands still write. The look also serves as this instance's
                // refresh after its failure. Outside the lock: other callers go on counting meanwhile.
                known = remember(timed("load", () -> store.loadRecent(circuitId)));
            }
            if (known.state() != CircuitState.CLOSED) {
                return; // the circuit already moved on: these outcomes change nothing
            }
            run(known, s -> noteCounted(closed.countOutcomes(s, batch, reason, now), counted), lastRead -> Step.DONE);
        } catch (CircuitStateStoreException e) {
            throw new UnrecordedFailuresException(batch, reason, e);
        }
        if (counted[0] != null) {
            // The window as this write left it, before any trip it caused: the rate that tripped is shown too.
            events.onFlush(circuitId, batch, closed.window(counted[0], now));
        }
    }

    /** {@code step}, with the state its count write leaves noted in {@code counted} if that write wins. */
    private static Step noteCounted(Step step, CircuitSnapshot[] counted) {
        if (!(step instanceof Step.Write w)) {
            return step;
        }
        return new Step.Write(w.operation(), w.write(), w.transition(), written -> {
            counted[0] = written;
            return w.onWin().apply(written);
        }, w.ifLost(), w.afterReread(), w.proposed());
    }

    /**
     * When a batch begun at {@code since} is due: at this instance's next flush phase after it, so
     * at most one flush interval later (at once with the interval at 0).
     */
    private long flushDueAt(long since) {
        long interval = config.flushInterval().toMillis();
        if (interval == 0) {
            return since;
        }
        return (Math.floorDiv(since - flushPhaseMillis, interval) + 1) * interval + flushPhaseMillis;
    }

    /** The newer of this instance's copy and {@code other} (null if neither). */
    private CircuitSnapshot latestKnown(CircuitSnapshot other) {
        CachedState c = cache;
        if (c == null) {
            return other;
        }
        return other == null || c.snapshot().version() >= other.version() ? c.snapshot() : other;
    }

    /**
     * An operator's transition to CLOSED, FORCED_OPEN or DISABLED, from any state; it also replaces
     * an item that cannot be read.
     */
    CircuitSnapshot force(CircuitState target, String reason) {
        long now = clock.millis();
        String operation = "admin-" + target.name().toLowerCase(java.util.Locale.ROOT);
        CircuitSnapshot read;
        try {
            read = reload();
        } catch (UnreadableCircuitItemException e) {
            CircuitSnapshot next = CircuitSnapshot.initial(circuitId)
                    .settledIn(target, reason + " (replaced an item that could not be read)", now);
            CircuitSnapshot written = timed(operation, () -> store.overwriteUnreadable(next))
                    .orElseThrow(() -> e);
            remember(written);
            events.onTransition(circuitId, written.lastTransition());
            return written;
        }
        Function<CircuitSnapshot, Step> decide = s -> Step.Write.transition(operation, s, s.settledIn(target, reason, now),
                Step.Written::new).decideAgainIfLost();
        Step answer = run(read, decide, lastRead -> Step.DONE);
        if (answer instanceof Step.Written written) {
            return written.snapshot();
        }
        throw new CircuitStateStoreException("circuit " + circuitId + " kept changing; " + target + " not applied", null);
    }

    /**
     * The last shared state this instance read or wrote, if it still says "reject" now: OPEN before
     * its retry time, or HALF_OPEN while a probe read within one lease may still be running. No
     * store request. While the store fails, a dependency known to be failing stays protected.
     */
    Optional<CircuitSnapshot> lastKnownRejecting(long now) {
        CachedState c = cache;
        if (c == null) {
            return Optional.empty();
        }
        CircuitSnapshot s = c.snapshot();
        boolean rejecting = switch (s.state()) {
            case OPEN -> now < s.retryAt();
            case HALF_OPEN -> now - c.readAt() < config.probeLease().toMillis();
            default -> false;
        };
        return rejecting ? Optional.of(s) : Optional.empty();
    }

    /** The current state, always read from the store. */
    CircuitSnapshot reload() {
        CircuitSnapshot s = timed("load", () -> store.load(circuitId));
        remember(s);
        return s;
    }

    /**
     * The loop: follow the steps from {@code decide(read)}; each write that wins continues with its
     * successor, each that loses continues as it says or decides again from a fresh read, at most
     * {@link #MAX_RACE_RETRIES} times, then {@code exhausted}.
     */
    private Step run(CircuitSnapshot read, Function<CircuitSnapshot, Step> decide,
                     Function<CircuitSnapshot, Step> exhausted) {
        Step step = decide.apply(read);
        CircuitSnapshot lastRead = read;
        int rereads = 0;
        while (step instanceof Step.Write write) {
            Optional<CircuitSnapshot> written = send(write);
            if (written.isPresent()) {
                remember(written.get());
                if (write.transition()) {
                    events.onTransition(circuitId, written.get().lastTransition());
                }
                step = write.onWin().apply(written.get());
                continue;
            }
            cache = null;
            events.onConditionalConflict(circuitId, write.operation());
            if (write.ifLost() != null) {
                step = write.ifLost();
            } else if (rereads++ < MAX_RACE_RETRIES) {
                lastRead = reload();
                step = (write.afterReread() != null ? write.afterReread() : decide).apply(lastRead);
            } else {
                step = exhausted.apply(lastRead);
            }
        }
        return step;
    }

    /**
     * Sends one write. If the store fails on a whole-state write, DynamoDB may still have applied it
     * (every attempt's answer lost): one read tells, by the write's token, and a write that did land
     * is taken as won. Otherwise the store error stands.
     */
    private Optional<CircuitSnapshot> send(Step.Write write) {
        try {
            return timed(write.operation(), () -> write.write().apply(store));
        } catch (CircuitStateStoreException e) {
            if (write.proposed() == null) {
                throw e;
            }
            CircuitSnapshot current;
            try {
                current = reload();
            } catch (CircuitStateStoreException again) {
                throw e;
            }
            if (!current.madeByWrite(write.proposed().writeToken())) {
                throw e;
            }
            return Optional.of(write.proposed());
        }
    }

    /**
     * A rejection this instance can make from its copy alone, without a request: OPEN until its
     * retry time, HALF_OPEN with every probe slot leased until the earliest lease ends (within the
     * refresh interval), each plus this instance's wake jitter, so that thousands of instances do
     * not all try the same conditional write at the same millisecond. An operator's reset of an
     * OPEN circuit is seen at its retry time (the price of rejecting without a read).
     */
    private Permission rejectionFromCopy(long now) {
        CachedState c = cache;
        if (c == null || config.refreshInterval().isZero()) {
            return null;
        }
        CircuitSnapshot s = c.snapshot();
        if (s.state() == CircuitState.OPEN && now < s.retryAt() + wakeJitterMillis) {
            return Permission.reject(s, Math.max(s.retryAt(), now), this);
        }
        if (s.state() == CircuitState.HALF_OPEN && now - c.readAt() < config.refreshInterval().toMillis()
                && s.freeProbeSlot(config.halfOpenProbes(), c.readAt()).isEmpty()) {
            long leaseEnds = s.earliestLeaseExpiry(config.halfOpenProbes(), c.readAt(), c.readAt());
            if (now < leaseEnds + wakeJitterMillis) {
                return Permission.reject(s, leaseEnds, this);
            }
        }
        return null;
    }

    /**
     * Caches a state this instance read or wrote, never replacing a newer version by an older one.
     *
     * @return the newest state this instance knows after {@code s} (s itself, unless the cache holds a newer version)
     */
    private CircuitSnapshot remember(CircuitSnapshot s) {
        long now = clock.millis();
        synchronized (this) {
            CachedState c = cache;
            if (c == null || s.version() >= c.snapshot().version()) {
                cache = new CachedState(s, now);
                return s;
            }
            return c.snapshot();
        }
    }

    private CircuitSnapshot cachedOrLoad(long now) {
        CachedState c = cache;
        long cacheMillis = config.refreshInterval().toMillis();
        if (c != null && cacheMillis > 0) {
            CircuitSnapshot s = c.snapshot();
            // After a failure of its own, an instance refreshes sooner: in an outage the trip reaches it fast.
            long closedFor = lastFailureAt >= c.readAt()
                    ? Math.min(cacheMillis, CircuitBreakerConfig.REFRESH_AFTER_FAILURE.toMillis()) : cacheMillis;
            // A cached OPEN before its retry time never gets here: rejectionFromCopy answered it.
            if (s.state() == CircuitState.CLOSED && now - c.readAt() < closedFor) {
                return s;
            }
            if (s.state() == CircuitState.CLOSED && now < refreshNotBefore && isUsableWhenStale(c, now)) {
                events.onStaleDecision(circuitId, now - c.readAt());
                return s; // the last refresh failed a moment ago: do not ask again on every call
            }
        }
        if (cacheMillis == 0) {
            return reload(); // no copy: each call decides on the current state
        }
        // A refresh: an eventually consistent read is enough, since every write is conditional (a
        // stale read costs a lost race and a strongly consistent re-read, never a wrong write).
        CircuitSnapshot recent;
        try {
            recent = timed("load", () -> store.loadRecent(circuitId));
        } catch (CircuitStateStoreException e) {
            // Throttled or failing: a CLOSED copy not older than the staleness bound still decides,
            // without the caller waiting for the SDK's back-off; an older one falls back as any store error.
            if (c == null || c.snapshot().state() != CircuitState.CLOSED || !isUsableWhenStale(c, now)) {
                throw e;
            }
            refreshNotBefore = now + CircuitBreaker.STORE_RETRY_INTERVAL.toMillis();
            events.onStoreError(circuitId, "refresh", e);
            events.onStaleDecision(circuitId, now - c.readAt());
            return c.snapshot();
        }
        return remember(recent);
    }

    /** Whether a CLOSED copy may still decide when a refresh fails: read within {@link CircuitBreakerConfig#maxStaleness()}. */
    private boolean isUsableWhenStale(CachedState c, long now) {
        return now - c.readAt() < config.maxStaleness().toMillis();
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            events.onStoreLatency(circuitId, operation, (System.nanoTime() - start) / 1_000_000);
        }
    }
}
