package dev.circuitlab.breaker;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A circuit breaker whose state is shared through a {@link CircuitStateStore}.
 *
 * <p>Each state's rules live in one class ({@link ClosedState}, {@link OpenState},
 * {@link HalfOpenState}, {@link ForcedOpenState}, {@link DisabledState}); {@link StateMachine} runs
 * them against the store in one read–decide–write loop. This class adds what a caller sees: the
 * store-failure policy, the local fallback, and the listener, which is called only through a
 * {@link GuardedListener} so it can never throw into a caller.
 *
 * <p>Cost (docs/DESIGN.md §6): a permitted call in CLOSED reads the item once (not at all
 * while this instance's copy is fresh: at most one read per refresh interval) and writes nothing on
 * success (with a rate threshold, successes join the batch); a rejection in OPEN reads nothing (OPEN
 * is kept until its retry time) or once at interval 0; failures are written as one update per batch
 * (at most one per flush interval, at once when they could trip), plus one write for the trip.
 *
 * <p>If the store fails, the decision falls to an in-memory breaker local to this instance
 * ({@link StoreFailurePolicy#FAIL_OPEN}) or the call is rejected ({@link StoreFailurePolicy#FAIL_CLOSED}).
 * Store errors never reach the caller of {@link #acquirePermission()} or {@link #onResult}.
 *
 * <p>Thread-safe; one instance per circuit per process is the intended use.
 */
public final class CircuitBreaker {

    /**
     * After a store error, decisions stay off the store for this long: calls do not each pay a
     * failing request (and its SDK retries), and FAIL_CLOSED lets at most one call through per
     * interval when only writes fail.
     */
    public static final Duration STORE_RETRY_INTERVAL = Duration.ofSeconds(1);

    /**
     * Each instance looks again at most this long (and at most one refresh interval) after a retry
     * time or lease expiry it knows, at its own random offset: a fleet does not stampede the item.
     */
    public static final Duration MAX_WAKE_JITTER = Duration.ofSeconds(1);

    private final String circuitId;
    private final CircuitBreakerConfig config;
    private final Clock clock;
    private final CircuitBreakerListener events;
    private final StateMachine shared;
    private final LocalFallbackBreaker fallback;
    /** Epoch ms (this instance's clock) until which the store counts as failing. */
    private volatile long storeFailingUntil;

    private CircuitBreaker(String circuitId, CircuitBreakerConfig config, CircuitStateStore store, Clock clock,
                           CircuitBreakerListener listener, RandomGenerator random) {
        this.circuitId = requireValidId(circuitId);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new GuardedListener(Objects.requireNonNull(listener, "listener"));
        long jitter = random.nextLong(Math.max(1, Math.min(config.refreshInterval().toMillis(), MAX_WAKE_JITTER.toMillis())));
        long flushPhase = random.nextLong(Math.max(1, config.flushInterval().toMillis()));
        this.shared = new StateMachine(circuitId, config, Objects.requireNonNull(store, "store"), clock, events, false,
                jitter, flushPhase);
        this.fallback = new LocalFallbackBreaker(circuitId, config, clock, events);
    }

    /**
     * The wake jitter and flush phase are seeded from a {@code SecureRandom}, so instances built after
     * a SnapStart restore (see the upstream's hooks) do not all draw the same ones.
     *
     * @param listener hooks for metrics and logs; a hook that throws is ignored
     * @throws IllegalArgumentException if {@code circuitId} is not a valid id ({@link #isValidId})
     */
    public static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store,
                                        Clock clock, CircuitBreakerListener listener) {
        return create(circuitId, config, store, clock, listener, new SplittableRandom(Entropy.nextLong()));
    }

    /**
     * As {@link #create(String, CircuitBreakerConfig, CircuitStateStore, Clock, CircuitBreakerListener)},
     * with the source of this instance's wake jitter (a seeded one makes a simulation replayable).
     */
    public static CircuitBreaker create(String circuitId, CircuitBreakerConfig config, CircuitStateStore store,
                                        Clock clock, CircuitBreakerListener listener, RandomGenerator random) {
        return new CircuitBreaker(circuitId, config, store, clock, listener, Objects.requireNonNull(random, "random"));
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

    /**
     * Runs {@code call} if the circuit permits it, records its outcome, and returns its result. A
     * rejected call is not run: {@code fallback} answers instead. An exception from the call counts
     * as a failure ({@link FailureReason#of(Throwable)}) and is rethrown.
     *
     * @param classifier decides whether a result counts as a success (e.g. by HTTP status)
     */
    public <T> T execute(CircuitCall<T> call, Function<? super T, CallOutcome> classifier,
                         Function<Permission, ? extends T> fallback) throws Exception {
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

    /**
     * Asks whether a call may go ahead. Never throws for store failures.
     *
     * <p>While the store is failing (reads or writes, up to {@link #STORE_RETRY_INTERVAL} after its
     * last error) the store-failure policy decides without it. And while this instance's local
     * breaker is tripped — it counted failures the store could not take — it vetoes a CLOSED permit
     * of the shared state, which never saw those failures.
     */
    public Permission acquirePermission() {
        Permission p;
        if (clock.millis() < storeFailingUntil) {
            p = withoutTheStore();
        } else {
            try {
                p = shared.acquire();
                if (p.permitted() && p.state() == CircuitState.CLOSED && fallback.isTripped()) {
                    p = fallback.acquire();
                }
            } catch (CircuitStateStoreException e) {
                storeFailed("acquire", e);
                countLocally(e);
                p = withoutTheStore();
            }
        }
        if (p.permitted()) {
            events.onPermitted(circuitId, p.state(), p.isProbe());
        } else {
            events.onRejected(circuitId, p.state());
        }
        return p;
    }

    /** Records the outcome of a call that {@link #acquirePermission()} permitted. Never throws for store failures. */
    public void onResult(Permission permission, CallOutcome outcome) {
        if (!permission.permitted()) {
            return;
        }
        if (outcome.isSuccess()) {
            events.onSuccess(circuitId, permission.state());
        } else {
            events.onFailure(circuitId, permission.state(), outcome.failureReason().orElseThrow());
        }
        try {
            permission.issuer().record(permission, outcome);
        } catch (UnrecordedFailuresException e) {
            storeFailed("record", e);
            fallback.countUnrecorded(e.outcomes(), e.lastReason());
        } catch (CircuitStateStoreException e) {
            storeFailed("record", e);
            outcome.failureReason().ifPresent(reason -> fallback.countUnrecorded(config.countOf(true, false), reason));
        }
    }

    /** Failures the store could not take are counted by this instance's local breaker, so it still trips. */
    private void countLocally(CircuitStateStoreException e) {
        if (e instanceof UnrecordedFailuresException u) {
            fallback.countUnrecorded(u.outcomes(), u.lastReason());
        }
    }

    private void storeFailed(String operation, CircuitStateStoreException e) {
        storeFailingUntil = clock.millis() + STORE_RETRY_INTERVAL.toMillis();
        events.onStoreError(circuitId, operation, e);
    }

    /**
     * The store-failure policy's decision: reject ({@code FAIL_CLOSED}), or ask this instance's local
     * breaker ({@code FAIL_OPEN}) — unless the last shared state this instance saw still rejects
     * (OPEN before its retry time, a recent HALF_OPEN): a dependency known to be failing is not
     * called just because DynamoDB hiccupped.
     */
    private Permission withoutTheStore() {
        long now = clock.millis();
        if (config.storeFailurePolicy() == StoreFailurePolicy.FAIL_CLOSED) {
            return Permission.rejectUnknownState(circuitId, now + config.openDuration().toMillis());
        }
        return shared.lastKnownRejecting(now)
                .map(s -> Permission.rejectOnLastKnown(s, s.state() == CircuitState.OPEN ? s.retryAt()
                        : s.earliestLeaseExpiry(config.halfOpenProbes(), now, now + config.probeLease().toMillis())))
                .orElseGet(fallback::acquire);
    }

    /** The current shared state (always read from the store). */
    public CircuitSnapshot snapshot() {
        return shared.reload();
    }

    /** Back to CLOSED with empty counters, from any state. Throws if the store is unavailable. */
    public CircuitSnapshot reset() {
        return shared.force(CircuitState.CLOSED, "manual reset");
    }

    /** FORCED_OPEN: every call is rejected until reset. */
    public CircuitSnapshot forceOpen() {
        return shared.force(CircuitState.FORCED_OPEN, "manual force-open");
    }

    /** DISABLED: every call is permitted and nothing is recorded until reset. */
    public CircuitSnapshot disable() {
        return shared.force(CircuitState.DISABLED, "manual disable");
    }
}
