package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.Permission;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.Json;
import dev.circuitlab.observability.StructuredLog;
import dev.circuitlab.upstream.DownstreamClient.DownstreamResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /upstream}: the downstream call, through the breaker.
 *
 * <ul>
 *   <li>Permitted and the downstream answered 2xx-4xx (except 429): its status, Content-Type and
 *       body are relayed unchanged (a 404 from the downstream is the caller's problem, and a success
 *       for the breaker).</li>
 *   <li>Permitted and the call failed: {@code 504} for a timeout, {@code 502} for a connection
 *       error, a 5xx or a 429, with {@code {"error":"downstream failed","reason":...}}.</li>
 *   <li>Rejected: a fast {@code 503} with {@code Retry-After}, or with {@link FallbackMode#STATIC} a
 *       {@code 200} degraded payload with {@code X-Degraded: true}. The downstream is not called.</li>
 *   <li>{@code BREAKER_ENABLED=false}: the same call without the breaker (no DynamoDB access),
 *       {@code X-Circuit-State: BYPASSED}.</li>
 * </ul>
 * Request headers named {@code X-Fault-*} are forwarded to the downstream only for IAM-authorized
 * requests ({@link FaultHeaderPolicy}), so operators can drive per-request fault injection through
 * the upstream and anonymous callers cannot. One JSON log line per call (circuit id, state, request
 * id, outcome). The downstream latency is measured here, around the HTTP call; the breaker's own
 * events reach the metrics through {@link CircuitMetricsListener}, and without a breaker
 * ({@code BREAKER_ENABLED=false}) this class records the call outcomes itself.
 */
final class GuardedDownstreamCall {

    static final String BYPASSED = "BYPASSED";

    private final UpstreamConfig config;
    private final ResettableBreaker breaker;
    private final DownstreamClient downstream;
    private final Clock clock;
    private final ObservedState observed;
    private final StructuredLog callLog;
    private final CircuitMetrics metrics;

    GuardedDownstreamCall(UpstreamConfig config, ResettableBreaker breaker, DownstreamClient downstream, Clock clock,
                          ObservedState observed, StructuredLog callLog, CircuitMetrics metrics) {
        this.config = config;
        this.breaker = breaker;
        this.downstream = downstream;
        this.clock = clock;
        this.observed = observed;
        this.callLog = callLog;
        this.metrics = metrics;
    }

    HttpApiResponse handle(HttpApiRequest request) {
        long started = System.nanoTime();
        Map<String, String> forwarded;
        switch (FaultHeaderPolicy.decide(request)) {
            case FaultHeaderPolicy.Invalid invalid -> {
                return HttpApiResponse.error(400, "invalid fault header", "header", invalid.header(),
                        "expected", "at most " + FaultHeaderPolicy.MAX_HEADERS + " X-Fault-* headers with printable"
                                + " ASCII values of at most 256 characters");
            }
            case FaultHeaderPolicy.Forward forward -> forwarded = forward.headers();
        }
        if (!config.breakerEnabled()) {
            return bypass(request, forwarded, started);
        }
        CircuitBreaker cb = breaker.current();
        Permission permission = cb.acquirePermission();
        observed.saw(permission.state().name());
        if (!permission.permitted()) {
            return rejected(request, permission, started);
        }
        Attempt attempt = attempt(request, permission.state().name(), forwarded);
        if (attempt.interrupted()) {
            // Not the downstream's fault, so no outcome is recorded; a probe slot's lease expires by itself.
            Thread.currentThread().interrupt();
            logCall(request, permission.state().name(), "interrupted", null, null, 503, started, permission);
            return HttpApiResponse.error(503, "call interrupted", "circuitId", config.circuitId());
        }
        cb.onResult(permission, attempt.outcome());
        // The state after this call (a failure may just have opened the circuit), as this instance knows it.
        String stateAfter = observed.last();
        HttpApiResponse reply = answer(attempt, stateAfter);
        logCall(request, permission.state().name(), attempt.outcome().isSuccess() ? "success" : "failure",
                attempt.failure(), attempt.response(), reply.status(), started, permission);
        reply = reply.withHeader(ObservedState.HEADER, stateAfter);
        return permission.local() ? reply.withHeader("X-Circuit-Decision", "local") : reply;
    }

    private HttpApiResponse bypass(HttpApiRequest request, Map<String, String> forwarded, long started) {
        Attempt attempt = attempt(request, BYPASSED, forwarded);
        if (attempt.interrupted()) {
            Thread.currentThread().interrupt();
            return HttpApiResponse.error(503, "call interrupted", "circuitId", config.circuitId())
                    .withHeader(ObservedState.HEADER, BYPASSED);
        }
        // No breaker to report the outcome: record it here, so the baseline's dashboard has calls too.
        attempt.outcome().failureReason().ifPresentOrElse(metrics::failed, metrics::succeeded);
        HttpApiResponse reply = answer(attempt, BYPASSED);
        logCall(request, BYPASSED, attempt.outcome().isSuccess() ? "success" : "failure", attempt.failure(),
                attempt.response(), reply.status(), started, null);
        return reply.withHeader(ObservedState.HEADER, BYPASSED);
    }

    private HttpApiResponse rejected(HttpApiRequest request, Permission permission, long started) {
        // Every rejection carries a retry time (FORCED_OPEN: one open duration, so clients do not poll).
        long retryAfter = permission.retryAfterSeconds(clock.millis());
        String state = permission.state().name();
        HttpApiResponse reply;
        if (config.fallbackMode() == FallbackMode.STATIC) {
            ObjectNode body = Json.object();
            body.put("degraded", true);
            body.putNull("item");
            body.put("reason", "circuit open");
            body.put("circuitId", config.circuitId());
            body.put("state", state);
            body.put("retryAfterSeconds", retryAfter);
            reply = HttpApiResponse.json(200, body).withHeader("X-Degraded", "true");
        } else {
            ObjectNode body = Json.object();
            body.put("error", "circuit open");
            body.put("circuitId", config.circuitId());
            body.put("state", state);
            body.put("retryAfterSeconds", retryAfter);
            reply = HttpApiResponse.json(503, body).withHeader("Retry-After", Long.toString(retryAfter));
        }
        logCall(request, state, config.fallbackMode() == FallbackMode.STATIC ? "degraded" : "rejected", null, null,
                reply.status(), started, permission);
        reply = reply.withHeader(ObservedState.HEADER, state);
        return permission.local() ? reply.withHeader("X-Circuit-Decision", "local") : reply;
    }

    /** What one downstream call produced: a response, or why there was none. */
    private record Attempt(DownstreamResponse response, FailureReason failure, boolean interrupted) {
        CallOutcome outcome() {
            return response != null ? CallOutcome.ofHttpStatus(response.status()) : CallOutcome.failure(failure);
        }
    }

    private Attempt attempt(HttpApiRequest request, String state, Map<String, String> forwarded) {
        Duration timeout = config.breaker().callTimeout();
        long started = System.nanoTime();
        try {
            return new Attempt(downstream.fetch(forwarded, timeout), null, false);
        } catch (IOException e) {
            return new Attempt(null, FailureReason.of(e), false);
        } catch (InterruptedException e) {
            return new Attempt(null, null, true);
        } catch (RuntimeException e) {
            // Counted as a failure so that a probe always reports back; logged because it is a surprise.
            callLog.error("downstream call failed unexpectedly", "circuitId", config.circuitId(),
                    "state", state, "requestId", request.requestId(), "error", e);
            return new Attempt(null, FailureReason.ERROR, false);
        } finally {
            // Failures too: a timed-out call shows up as a latency of about the call timeout.
            metrics.downstreamLatency((System.nanoTime() - started) / 1_000_000);
        }
    }

    private HttpApiResponse answer(Attempt attempt, String state) {
        CallOutcome outcome = attempt.outcome();
        DownstreamResponse response = attempt.response();
        if (outcome.isSuccess()) {
            String type = response.contentType() == null ? HttpApiResponse.APPLICATION_JSON : response.contentType();
            return new HttpApiResponse(response.status(), Map.of("Content-Type", type), response.body());
        }
        FailureReason reason = outcome.failureReason().orElseThrow();
        ObjectNode body = Json.object();
        body.put("error", "downstream failed");
        body.put("reason", reason.name());
        body.put("circuitId", config.circuitId());
        body.put("state", state);
        if (response != null) {
            body.put("downstreamStatus", response.status());
        }
        return HttpApiResponse.json(reason == FailureReason.TIMEOUT ? 504 : 502, body);
    }

    private void logCall(HttpApiRequest request, String state, String outcome, FailureReason reason,
                         DownstreamResponse response, int status, long startedNanos, Permission permission) {
        int ignoredFaultHeaders = FaultHeaderPolicy.ignored(request);
        callLog.info("upstream call",
                "circuitId", config.circuitId(),
                "state", state,
                "requestId", request.requestId(),
                "outcome", outcome,
                "reason", reason == null ? null : reason.name(),
                "downstreamStatus", response == null ? null : response.status(),
                "status", status,
                "latencyMs", (System.nanoTime() - startedNanos) / 1_000_000,
                "probe", permission != null && permission.isProbe() ? Boolean.TRUE : null,
                "faultHeadersIgnored", ignoredFaultHeaders > 0 ? ignoredFaultHeaders : null,
                "decidedLocally", permission != null && permission.local() ? Boolean.TRUE : null);
    }
}
