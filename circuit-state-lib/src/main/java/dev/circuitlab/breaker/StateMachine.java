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

    private volatile CachedState cache;

    /** Failures this instance counted but has not written yet (one batch, flushed as one update). */
    private volatile long pendingFailures;
    /** When the oldest of them was counted (this instance's clock). */
    private long pendingSince;
    private FailureReason pendingReason;
    /** When this instance last counted a failure (this instance's clock). */
    private volatile long lastFailureAt = Long.MIN_VALUE;

    private record CachedState(CircuitSnapshot snapshot, long readAt) { }

    /** @param events must not throw (wrap it in a {@link GuardedListener}) */
    StateMachine(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                 CircuitBreakerListener events, boolean local, long wakeJitterMillis) {
        this.wakeJitterMillis = wakeJitterMillis;
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
            case Step.Permit p -> Permission.permit(p.snapshot(), this);
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
     * permitted in. A failure in CLOSED joins this instance's batch, written as one update when the
     * flush interval has passed or when the batch could make the window reach the threshold.
     *
     * @throws UnrecordedFailuresException if a batch could not be written (the caller counts it elsewhere)
     */
    void record(Permission permission, CallOutcome outcome) {
        long now = clock.millis();
        if (permission.state() == CircuitState.CLOSED) {
            if (!outcome.isSuccess()) {
                addPending(1, outcome.failureReason().orElseThrow(), now);
            }
            flushIfDue(now, permission.snapshot());
            return;
        }
        StateRules permittedIn = rules.of(permission.state());
        run(permission.snapshot(), s -> permittedIn.record(permission, s, outcome, now), lastRead -> Step.DONE);
    }

    /** Counts failures the shared store could not take, if this (local) circuit is CLOSED. */
    void countFailures(long failures, FailureReason reason) {
        long now = clock.millis();
        addPending(failures, reason, now);
        flushIfDue(now, reload());
    }

    private synchronized void addPending(long failures, FailureReason reason, long now) {
        lastFailureAt = now;
        if (pendingFailures == 0) {
            pendingSince = now;
        }
        pendingFailures += failures;
        pendingReason = reason;
    }

    /**
     * Writes the batch as one update if it is due: the flush interval has passed, or the failures
     * this instance knows of in the window plus the batch reach the threshold (so one instance
     * still trips on exactly the threshold-th failure). A batch that finds the circuit no longer
     * CLOSED is dropped: calls that fail after a trip do not each write.
     */
    private void flushIfDue(long now, CircuitSnapshot basis) {
        long failures;
        FailureReason reason;
        CircuitSnapshot known;
        if (pendingFailures == 0) {
            return; // the common case, without the lock: whoever adds a failure flushes after it
        }
        synchronized (this) {
            if (pendingFailures == 0) {
                return;
            }
            known = latestKnown(basis);
            if (known == null) {
                known = reload();
            }
            long inWindow = known.state() == CircuitState.CLOSED
                    ? known.failuresWithin(now, config.failureWindow().toMillis(), config.windowBucketMillis()) : 0;
            boolean reachesThreshold = inWindow + pendingFailures >= config.failureThreshold();
            // The interval's flush waits this instance's jitter too: after a fleet-wide outage
            // begins, the instances' first batches do not all land in the same second.
            boolean intervalPassed = now - pendingSince >= config.flushInterval().toMillis()
                    + (config.flushInterval().isZero() ? 0 : wakeJitterMillis);
            if (!reachesThreshold && !intervalPassed) {
                return;
            }
            failures = pendingFailures;
            reason = pendingReason;
            pendingFailures = 0;
            if (!reachesThreshold && !config.refreshInterval().isZero() && cache != null
                    && cache.readAt() < pendingSince) {
                // Not urgent, and the copy predates these failures: look first (half a read unit),
                // so that once the circuit has tripped the batch is dropped instead of written.
                known = remember(timed("load", () -> store.loadRecent(circuitId)));
            }
        }
        if (known.state() != CircuitState.CLOSED) {
            return; // the circuit already moved on: these failures change nothing
        }
        ClosedState closed = (ClosedState) rules.of(CircuitState.CLOSED);
        try {
            run(known, s -> closed.countFailures(s, failures, reason, now), lastRead -> Step.DONE);
        } catch (CircuitStateStoreException e) {
            throw new UnrecordedFailuresException(failures, reason, e);
        }
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
        }
        if (cacheMillis == 0) {
            return reload(); // no copy: each call decides on the current state
        }
        // A refresh: an eventually consistent read is enough, since every write is conditional (a
        // stale read costs a lost race and a strongly consistent re-read, never a wrong write).
        CircuitSnapshot recent = timed("load", () -> store.loadRecent(circuitId));
        return remember(recent);
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
