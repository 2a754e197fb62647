package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitStateStoreException;
import dev.circuitlab.breaker.Transition;
import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.Json;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /circuits/{id}} and {@code POST /circuits/{id}/reset|force-open|disable}. Every answer
 * is the circuit's snapshot as JSON (times in epoch ms) with {@code X-Circuit-State}; an id that is
 * not well formed is a 400, a well-formed id other than the one circuit this function guards is a
 * 404, and a state store that cannot be reached is a 503 (operators must not mistake it for a state).
 * These routes work with {@code BREAKER_ENABLED=false} too, so a circuit can be prepared before the
 * breaker is switched on; the snapshot then says {@code "breakerEnabled": false}.
 */
final class CircuitAdminRoutes {

    /** The admin actions, by the last path segment. */
    static final Map<String, Function<CircuitBreaker, CircuitSnapshot>> ACTIONS = Map.of(
            "reset", CircuitBreaker::reset,
            "force-open", CircuitBreaker::forceOpen,
            "disable", CircuitBreaker::disable);

    private final UpstreamConfig config;
    private final ResettableBreaker breaker;
    private final Clock clock;
    private final ObservedState observed;
    private final StructuredLog log;

    CircuitAdminRoutes(UpstreamConfig config, ResettableBreaker breaker, Clock clock, ObservedState observed,
                       StructuredLog log) {
        this.config = config;
        this.breaker = breaker;
        this.clock = clock;
        this.observed = observed;
        this.log = log;
    }

    HttpApiResponse get(String circuitId) {
        return run(circuitId, "get", CircuitBreaker::snapshot);
    }

    /** {@code action} must be a key of {@link #ACTIONS} (the router checks). */
    HttpApiResponse act(String circuitId, String action) {
        return run(circuitId, action, ACTIONS.get(action));
    }

    private HttpApiResponse run(String circuitId, String action, Function<CircuitBreaker, CircuitSnapshot> operation) {
        if (!CircuitBreaker.isValidId(circuitId)) {
            return HttpApiResponse.error(400, "invalid circuit id", "circuitId", shorten(circuitId),
                    "expected", "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        if (!circuitId.equals(config.circuitId())) {
            return HttpApiResponse.error(404, "unknown circuit", "circuitId", circuitId, "knownCircuit", config.circuitId());
        }
        CircuitSnapshot snapshot;
        try {
            snapshot = operation.apply(breaker.current());
        } catch (CircuitStateStoreException e) {
            log.warn("circuit admin failed: state store unavailable", "circuitId", circuitId, "action", action,
                    "error", e);
            return HttpApiResponse.error(503, "circuit state store unavailable", "circuitId", circuitId, "action", action)
                    .withHeader("Retry-After", "1");
        }
        if (config.breakerEnabled()) {
            observed.saw(snapshot.state().name());
        }
        if (!"get".equals(action)) {
            log.info("circuit admin action", "circuitId", circuitId, "action", action,
                    "state", snapshot.state().name());
        }
        return HttpApiResponse.json(200, toJson(snapshot)).withHeader(ObservedState.HEADER, snapshot.state().name());
    }

    /** Window buckets as the item keeps them: bucket start (ISO-8601) → count. */
    private static void putBuckets(ObjectNode body, String name, java.util.Map<Long, Long> buckets) {
        ObjectNode window = body.putObject(name);
        buckets.forEach((bucket, n) -> window.put(java.time.Instant.ofEpochMilli(bucket).toString(), n));
    }

    private ObjectNode toJson(CircuitSnapshot s) {
        long now = clock.millis();
        ObjectNode body = Json.object();
        body.put("circuitId", s.circuitId());
        body.put("state", s.state().name());
        body.put("breakerEnabled", config.breakerEnabled());
        body.put("failureCount", s.failureCount());
        body.put("windowStart", s.windowStart());
        putBuckets(body, "recentFailures", s.recentFailures());
        if (!s.recentCalls().isEmpty() || !s.recentSlowCalls().isEmpty()) {
            // Counted only with a rate threshold: without one these maps stay empty and are left out.
            putBuckets(body, "recentCalls", s.recentCalls());
            putBuckets(body, "recentSlowCalls", s.recentSlowCalls());
        }
        body.put("openedAt", s.openedAt());
        body.put("retryAt", s.retryAt());
        body.put("consecutiveOpens", s.consecutiveOpens());
        body.put("probesInFlight", s.probesInFlight(now));
        ObjectNode leases = body.putObject("probeLeases");
        s.sortedProbeLeases().forEach((slot, expiry) -> leases.put(Integer.toString(slot), expiry));
        body.put("halfOpenSuccesses", s.halfOpenSuccesses());
        body.put("version", s.version());
        body.put("updatedAt", s.updatedAt());
        Transition t = s.lastTransition();
        if (t == null) {
            body.putNull("lastTransition");
        } else {
            ObjectNode lt = body.putObject("lastTransition");
            lt.put("from", t.from().name());
            lt.put("to", t.to().name());
            lt.put("reason", t.reason());
            lt.put("at", t.at());
        }
        body.put("now", now);
        return body;
    }

    private static String shorten(String id) {
        if (id == null) {
            return "";
        }
        return id.length() > 80 ? id.substring(0, 80) + "..." : id;
    }
}
