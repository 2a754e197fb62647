package dev.circuitlab.breaker;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import dev.circuitlab.breaker.internal.LocalFallbackListener;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A circuit breaker whose state is shared through a {@link CircuitStateStore}.
 *
 * <p>Cost model (DESIGN.md guarantee 3): a permitted call in CLOSED reads the item once (not at all
 * while the state cache is fresh) and writes nothing on success; a rejection in OPEN reads once; a
 * failure writes once, plus once for the trip. OPEN → HALF_OPEN happens lazily, on the first call
 * after the retry time, through a conditional write whose winner owns the first probe slot. No
 * background threads: a Lambda instance may be frozen between invocations.
 *
 * <p>If the store fails, the decision falls to an in-memory breaker local to this instance
 * ({@link StoreFailurePolicy#FAIL_OPEN}) or the call is rejected ({@link StoreFailurePolicy#FAIL_CLOSED}).
 * Store errors never reach the caller.
 *
 * <p>Thread-safe; one instance per circuit per process is the intended use.
 */
public final class CircuitBreaker {

    /** Conditional-write races a single decision retries before giving up (rejecting). */
    private static final int MAX_RACE_RETRIES = 4;

    private final String circuitId;
    private final CircuitBreakerConfig config;
    private final CircuitStateStore store;
    private final Clock clock;
    private final CircuitBreakerListener listener;
    /** Decides while the shared store is failing; null inside the local breaker itself. */
    private final CircuitBreaker localFallback;

    private volatile CachedState cache;

    private record CachedState(CircuitSnapshot snapshot, long readAt) { }

    private CircuitBreaker(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                           CircuitBreakerListener listener, boolean withFallback) {
        this.circuitId = requireValidId(circuitId);
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.localFallback = withFallback
                ? new CircuitBreaker(circuitId, config, new InMemoryCircuitStateStore(), clock,
                        new LocalFallbackListener(listener), false)
                : null;
    }

    public static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store,
                                        Clock clock, CircuitBreakerListener listener) {
        return new CircuitBreaker(circuitId, config, store, clock, listener, true);
    }

    public static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store,
                                        Clock clock) {
        return create(circuitId, config, store, clock, CircuitBreakerListener.NONE);
    }

    /** Circuit ids are item keys and URL path segments: keep them short and plain. */
    public static boolean isValidId(String id) {
        return id != null && id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    }

    private static String requireValidId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("circuit id must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit, but was '" + id + "'");
        }
        return id;
    }

    public String circuitId() {
        return circuitId;
    }

    public CircuitBreakerConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- running a call

    /**
     * Runs {@code call} if the circuit permits it, records its outcome, and returns its result. A
     * rejected call is not run: {@code fallback} answers instead. An exception from the call counts
     * as a failure ({@link FailureReason#of(Throwable)}) and is rethrown.
     *
     * @param classifier decides whether a result counts as a success (e.g. by HTTP status)
     */
    public <T> T execute(CircuitCall<T> call, java.util.function.Function<? super T, CallOutcome> classifier,
                         java.util.function.Function<Permission, ? extends T> fallback) throws Exception {
        Permission permission = acquirePermission();
        if (!permission.permitted()) {
            return fallback.apply(permission);
        }
        T result;
        try {
            result = call.call();
        } catch (Exception e) {
            onResult(permission, CallOutcome.failure(FailureReason.of(e)));
            throw e;
        }
        onResult(permission, classifier.apply(result));
        return result;
    }

    // ---------------------------------------------------------------- permission

    /** Asks whether a call may go ahead. Never throws for store failures. */
    public Permission acquirePermission() {
        long now = clock.millis();
        CircuitSnapshot snapshot;
        try {
            snapshot = cachedOrLoad(now);
        } catch (CircuitStateStoreException e) {
            return onStoreFailure("load", e);
        }
        try {
            Permission p = decide(snapshot, now);
            notifyDecision(p);
            return p;
        } catch (CircuitStateStoreException e) {
            return onStoreFailure("acquire", e);
        }
    }

    private Permission decide(CircuitSnapshot snapshot, long now) {
        CircuitSnapshot s = snapshot;
        for (int attempt = 0; ; attempt++) {
            switch (s.state()) {
                case CLOSED, DISABLED:
                    return Permission.permit(s);
                case FORCED_OPEN:
                    // No retry time exists; suggest one open duration so clients do not poll every second.
                    return Permission.reject(s, now + config.openDuration().toMillis());
                case OPEN: {
                    if (now < s.retryAt()) {
                        return Permission.reject(s, s.retryAt());
                    }
                    long lease = now + config.probeLease().toMillis();
                    CircuitSnapshot halfOpen = s.next(CircuitState.HALF_OPEN,
                            "open duration elapsed; first call probes", now).withProbeLeases(Map.of(0, lease));
                    if (write("open-to-half-open", s.version(), halfOpen)) {
                        transitioned(halfOpen);
                        return Permission.probe(halfOpen, 0, lease);
                    }
                    if (config.halfOpenProbes() == 1) {
                        // The winner holds the only slot: no need to read again to learn that.
                        return Permission.reject(s, lease);
                    }
                    break;
                }
                case HALF_OPEN: {
                    Optional<Integer> free = freeProbeSlot(s, now);
                    if (free.isEmpty()) {
                        long earliest = s.probeLeases().values().stream().mapToLong(Long::longValue).min().orElse(now);
                        return Permission.reject(s, earliest);
                    }
                    int slot = free.get();
                    long lease = now + config.probeLease().toMillis();
                    CircuitSnapshot read = s;
                    if (timed("claim-probe", () -> store.claimProbeSlot(circuitId, read.version(), slot,
                            read.probeLeases().get(slot), lease, now))) {
                        Map<Integer, Long> leases = new HashMap<>(s.probeLeases());
                        leases.put(slot, lease);
                        CircuitSnapshot claimed = s.withProbeLeases(leases);
                        cache = null; // the cached copy no longer shows our slot
                        return Permission.probe(claimed, slot, lease);
                    }
                    listener.onConditionalConflict(circuitId, "claim-probe");
                    break;
                }
                default:
                    throw new IllegalStateException("unknown state " + s.state());
            }
            // Lost a race: somebody changed the circuit. Re-read and decide again, a bounded number of times.
            if (attempt >= MAX_RACE_RETRIES) {
                return Permission.reject(s, now + config.probeLease().toMillis());
            }
            s = reload();
        }
    }

    /** A slot below the configured probe count that is free or whose lease has expired. */
    private Optional<Integer> freeProbeSlot(CircuitSnapshot s, long now) {
        for (int slot = 0; slot < config.halfOpenProbes(); slot++) {
            Long lease = s.probeLeases().get(slot);
            if (lease == null || lease <= now) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- outcomes

    /** Records the outcome of a call that {@link #acquirePermission()} permitted. Never throws for store failures. */
    public void onResult(Permission permission, CallOutcome outcome) {
        if (!permission.permitted()) {
            return;
        }
        if (permission.local()) {
            localFallback.onResult(permission.decidedByLocalBreaker(), outcome);
            return;
        }
        if (outcome.isSuccess()) {
            safeNotify(() -> listener.onSuccess(circuitId, permission.state()));
        } else {
            safeNotify(() -> listener.onFailure(circuitId, permission.state(), outcome.failureReason().orElseThrow()));
        }
        try {
            record(permission, outcome);
        } catch (CircuitStateStoreException e) {
            safeNotify(() -> listener.onStoreError(circuitId, "record", e));
            if (localFallback != null) {
                // Let this instance's fallback breaker count it, without reporting the call twice.
                CircuitSnapshot local = localFallback.store.load(circuitId);
                if (local.state() == CircuitState.CLOSED) {
                    localFallback.record(Permission.permit(local), outcome);
                }
            }
        }
    }

    /** Writes what an outcome changes; notifications are the caller's job. */
    private void record(Permission permission, CallOutcome outcome) {
        if (permission.state() == CircuitState.DISABLED) {
            return;
        }
        if (permission.isProbe()) {
            recordProbe(permission, outcome);
        } else if (!outcome.isSuccess()) {
            recordClosedFailure(permission.snapshot(), outcome.failureReason().orElseThrow());
        }
        // A success in CLOSED writes nothing: that is what keeps the healthy path cheap.
    }

    private void recordClosedFailure(CircuitSnapshot read, FailureReason reason) {
        long now = clock.millis();
        CircuitSnapshot s = read;
        for (int attempt = 0; attempt <= MAX_RACE_RETRIES; attempt++) {
            if (s.state() != CircuitState.CLOSED) {
                return; // the circuit already moved on (opened or was forced); nothing left to count
            }
            if (s.failureCount() >= config.failureThreshold()) {
                // The threshold was reached but the trip did not land (its writer lost a race, was
                // throttled or died): trip now rather than count on into a new window.
                trip(s, s.failureCount() + " failures within " + config.failureWindow().toMillis()
                        + " ms (last: " + reason + ")", now);
                return;
            }
            CircuitSnapshot counted;
            boolean windowExpired = s.windowStart() == 0 || now - s.windowStart() >= config.failureWindow().toMillis();
            if (windowExpired) {
                // A new window: one conditional write sets the count to 1 and bumps the version.
                CircuitSnapshot fresh = s.newWindow(now);
                final CircuitSnapshot current = s;
                boolean won = timed("start-window",
                        () -> store.restartWindow(current.version(), current.failureCount(), fresh));
                if (!won) {
                    listener.onConditionalConflict(circuitId, "start-window");
                }
                counted = won ? fresh : null;
            } else {
                final CircuitSnapshot current = s;
                counted = timed("add-failure", () -> store.addFailure(circuitId, current.version(), now)).orElse(null);
                if (counted == null) {
                    listener.onConditionalConflict(circuitId, "add-failure");
                }
            }
            if (counted != null) {
                cache = new CachedState(counted, now);
                if (counted.failureCount() >= config.failureThreshold()) {
                    trip(counted, counted.failureCount() + " failures within " + config.failureWindow().toMillis()
                            + " ms (last: " + reason + ")", now);
                }
                return;
            }
            s = reload();
        }
    }

    /**
     * CLOSED or HALF_OPEN → OPEN. Conditional on the episode, so concurrent trippers produce one
     * transition.
     *
     * @return whether this caller's write made the transition
     */
    private boolean trip(CircuitSnapshot s, String reason, long now) {
        int trips = s.state() == CircuitState.CLOSED ? 1 : s.consecutiveOpens() + 1;
        long retryAt = now + config.openDurationForTrip(trips).toMillis();
        CircuitSnapshot open = s.next(CircuitState.OPEN, reason, now).withOpen(now, retryAt, trips)
                .withFailureCount(s.failureCount());
        boolean won = write("trip", s.version(), open);
        if (won) {
            transitioned(open);
        }
        return won;
    }

    private void recordProbe(Permission permission, CallOutcome outcome) {
        long now = clock.millis();
        CircuitSnapshot s = permission.snapshot();
        int slot = permission.probeSlot().orElseThrow();
        if (!outcome.isSuccess()) {
            FailureReason reason = outcome.failureReason().orElseThrow();
            if (!trip(s, "probe failed: " + reason, now)) {
                // Another probe's success closed the circuit first: this failure counts in CLOSED.
                CircuitSnapshot current = reload();
                if (current.state() == CircuitState.CLOSED) {
                    recordClosedFailure(current, reason);
                }
            }
            return;
        }
        Optional<CircuitSnapshot> after = timed("probe-success",
                () -> store.recordProbeSuccess(circuitId, s.version(), slot, permission.probeLease(), now));
        if (after.isEmpty()) {
            listener.onConditionalConflict(circuitId, "probe-success");
            return; // our lease was taken over or the episode ended; the success no longer counts
        }
        CircuitSnapshot counted = after.get();
        cache = null;
        if (counted.halfOpenSuccesses() >= config.successThreshold()) {
            CircuitSnapshot closed = counted.next(CircuitState.CLOSED,
                    counted.halfOpenSuccesses() + " successful probes", now).withOpen(counted.openedAt(), 0, 0);
            if (write("close", counted.version(), closed)) {
                transitioned(closed);
            }
        }
    }

    // ---------------------------------------------------------------- admin

    /** The current shared state (always read from the store). */
    public CircuitSnapshot snapshot() {
        return reload();
    }

    /** Back to CLOSED with empty counters, from any state. Throws if the store is unavailable. */
    public CircuitSnapshot reset() {
        return force(CircuitState.CLOSED, "manual reset");
    }

    /** FORCED_OPEN: every call is rejected until reset. */
    public CircuitSnapshot forceOpen() {
        return force(CircuitState.FORCED_OPEN, "manual force-open");
    }

    /** DISABLED: every call is permitted and nothing is recorded until reset. */
    public CircuitSnapshot disable() {
        return force(CircuitState.DISABLED, "manual disable");
    }

    private CircuitSnapshot force(CircuitState target, String reason) {
        for (int attempt = 0; attempt <= MAX_RACE_RETRIES; attempt++) {
            CircuitSnapshot s = reload();
            long now = clock.millis();
            CircuitSnapshot next = s.next(target, reason, now).withOpen(s.openedAt(), 0, 0);
            if (write("admin-" + target.name().toLowerCase(java.util.Locale.ROOT), s.version(), next)) {
                transitioned(next);
                return next;
            }
        }
        throw new CircuitStateStoreException("circuit " + circuitId + " kept changing; " + target + " not applied", null);
    }

    // ---------------------------------------------------------------- plumbing

    private CircuitSnapshot cachedOrLoad(long now) {
        CachedState c = cache;
        long cacheMillis = config.stateCache().toMillis();
        if (c != null && cacheMillis > 0) {
            CircuitSnapshot s = c.snapshot();
            boolean fresh = switch (s.state()) {
                case CLOSED -> now - c.readAt() < cacheMillis;
                // An OPEN circuit cannot change before its retry time except by an operator.
                case OPEN -> now < s.retryAt();
                default -> false;
            };
            if (fresh) {
                return s;
            }
        }
        return reload();
    }

    private CircuitSnapshot reload() {
        long now = clock.millis();
        CircuitSnapshot s = timed("load", () -> store.load(circuitId));
        cache = new CachedState(s, now);
        return s;
    }

    private boolean write(String operation, long expectedVersion, CircuitSnapshot next) {
        boolean won = timed(operation, () -> store.replace(expectedVersion, next));
        if (won) {
            cache = new CachedState(next, clock.millis());
        } else {
            cache = null;
            listener.onConditionalConflict(circuitId, operation);
        }
        return won;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            safeNotify(() -> listener.onStoreLatency(circuitId, operation, millis));
        }
    }

    private Permission onStoreFailure(String operation, CircuitStateStoreException e) {
        cache = null;
        safeNotify(() -> listener.onStoreError(circuitId, operation, e));
        if (config.storeFailurePolicy() == StoreFailurePolicy.FAIL_CLOSED || localFallback == null) {
            CircuitSnapshot unknown = CircuitSnapshot.initial(circuitId);
            Permission p = new Permission(false, CircuitState.OPEN, unknown, java.util.OptionalInt.empty(), 0,
                    clock.millis() + config.openDuration().toMillis(), true);
            notifyDecision(p);
            return p;
        }
        return localFallback.acquirePermission().markLocal();
    }

    private void transitioned(CircuitSnapshot s) {
        safeNotify(() -> listener.onTransition(circuitId, s.lastTransition()));
    }

    private void notifyDecision(Permission p) {
        if (p.permitted()) {
            safeNotify(() -> listener.onPermitted(circuitId, p.state(), p.isProbe()));
        } else {
            safeNotify(() -> listener.onRejected(circuitId, p.state()));
        }
    }

    private static void safeNotify(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // A metrics or logging failure must never change a breaker decision.
        }
    }
}
