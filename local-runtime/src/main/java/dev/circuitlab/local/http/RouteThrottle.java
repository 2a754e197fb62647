package dev.circuitlab.local.http;

import dev.circuitlab.local.template.HttpApiDefinition;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A stage's default route throttling: one token bucket per route, holding up to {@code burst}
 * tokens and refilled at {@code ratePerSecond}; a request takes a token or is throttled (API
 * Gateway answers 429). API Gateway applies a stage's default route settings to each route.
 */
public final class RouteThrottle {

    private final HttpApiDefinition.Throttle limits;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RouteThrottle(HttpApiDefinition.Throttle limits) {
        this(limits, System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds (tests advance it by hand) */
    RouteThrottle(HttpApiDefinition.Throttle limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    public HttpApiDefinition.Throttle limits() {
        return limits;
    }

    /** Takes a token from the route's bucket; false means throttle this request. */
    public boolean tryAcquire(String routeKey) {
        return buckets.computeIfAbsent(routeKey, k -> new Bucket(limits.burst(), nanoTime.getAsLong()))
                .tryTake(limits, nanoTime.getAsLong());
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized boolean tryTake(HttpApiDefinition.Throttle limits, long now) {
            long elapsed = Math.max(0, now - refilledAt);
            tokens = Math.min(limits.burst(), tokens + elapsed * limits.ratePerSecond() / 1e9);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
