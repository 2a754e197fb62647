package dev.circuitlab.breaker;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Delegates to a real store and lets a test force an interleaving: run another instance's step
 * once before or after the next request of one kind, or make requests fail as an outage would.
 */
final class HookedStore implements CircuitStateStore {

    /** The store's requests, one per method. */
    enum Request { LOAD, REFRESH, REPLACE, ADD_OUTCOMES, CLAIM_PROBE, PROBE_SUCCESS }

    private final CircuitStateStore delegate;
    private final Map<Request, Runnable> before = new ConcurrentHashMap<>();
    private final Map<Request, Runnable> after = new ConcurrentHashMap<>();
    private final Map<Request, Boolean> failing = new ConcurrentHashMap<>();

    HookedStore(CircuitStateStore delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code step} once, just before the next request of this kind is sent. */
    HookedStore beforeNext(Request request, Runnable step) {
        before.put(request, step);
        return this;
    }

    /** Runs {@code step} once, just after the next request of this kind was answered. */
    HookedStore afterNext(Request request, Runnable step) {
        after.put(request, step);
        return this;
    }

    /** Makes every request of these kinds fail with a store error until {@link #heal()}. */
    HookedStore fail(Request... requests) {
        for (Request r : requests) {
            failing.put(r, true);
        }
        return this;
    }

    HookedStore failEverything() {
        return fail(Request.values());
    }

    HookedStore heal() {
        failing.clear();
        return this;
    }

    private <T> T send(Request request, Supplier<T> call) {
        Runnable b = before.remove(request);
        if (b != null) {
            b.run();
        }
        if (failing.getOrDefault(request, false)) {
            throw new CircuitStateStoreException(request + " failed (injected by the test)", null);
        }
        T result = call.get();
        Runnable a = after.remove(request);
        if (a != null) {
            a.run();
        }
        return result;
    }

    @Override
    public CircuitSnapshot load(String circuitId) {
        return send(Request.LOAD, () -> delegate.load(circuitId));
    }

    /** An instance's refresh (the eventually consistent read), apart from the strongly consistent one. */
    @Override
    public CircuitSnapshot loadRecent(String circuitId) {
        return send(Request.REFRESH, () -> delegate.loadRecent(circuitId));
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        return send(Request.REPLACE, () -> delegate.replace(expectedVersion, next));
    }

    @Override
    public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                 OutcomeCounts outcomes, java.util.Collection<Long> expiredBuckets, long now) {
        return send(Request.ADD_OUTCOMES,
                () -> delegate.addOutcomes(circuitId, expectedVersion, bucketStart, outcomes, expiredBuckets, now));
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                  String owner, long now) {
        return send(Request.CLAIM_PROBE,
                () -> delegate.claimProbeSlot(circuitId, expectedVersion, slot, expectedLease, leaseUntil, owner, now));
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                        long now) {
        return send(Request.PROBE_SUCCESS, () -> delegate.recordProbeSuccess(circuitId, expectedVersion, slot, owner, now));
    }
}
