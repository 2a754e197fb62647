package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.function.BadRequestException;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.Json;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.function.StartupWarmup;
import dev.circuitlab.observability.InvocationMetrics;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The downstream service the upstream protects itself from: {@code GET /downstream} answers a small
 * JSON payload, unless a fault says otherwise. Faults come from {@code X-Fault-*} request headers
 * (one request; only on requests authorized with IAM) or from the persistent fault managed with
 * {@code GET|PUT|DELETE /faults} (every request until it expires). Both work only when
 * {@code FAULT_INJECTION_ENABLED=true}; every route needs IAM in API Gateway.
 *
 * <p>The handler only wires and routes; the domain lives in {@link FaultConfigParser},
 * {@link FaultInjector}, {@link FaultStore} and {@link ActiveFaultCache}. Failures map to JSON
 * answers: bad input to 400/413, a failing fault table on {@code /faults} to 503; nothing returns a
 * stack trace.
 *
 * <p>Each invocation of {@code GET /downstream} publishes one EMF document ({@link DownstreamMetrics}:
 * requests served, faults injected); publishing can fail without changing the response.
 */
public final class DownstreamHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String DOWNSTREAM_PATH = "/downstream";
    static final String FAULTS_PATH = "/faults";
    static final String FAULTS_DISABLED = "fault injection is disabled for this stack";
    static final String STORE_UNAVAILABLE = "fault store unavailable";

    private static final StructuredLog LOG = StructuredLog.forClass(DownstreamHandler.class);

    private final FaultStore store;
    private final DownstreamConfig config;
    private final Clock clock;
    private final FaultConfigParser parser;
    private final FaultInjector injector;
    private final ActiveFaultCache activeFault;
    /** Held strongly: CRaC contexts may keep registered resources only weakly. */
    private final SnapStartPriming snapStart;
    private final Routes routes;
    private final DownstreamMetrics metrics;

    /** Lambda's entry point: the function from the process environment. */
    public DownstreamHandler() {
        this(DownstreamComponents.fromEnvironment(System.getenv()));
    }

    /** The function from its collaborators (tests build them; see {@link DownstreamComponents}). */
    public DownstreamHandler(DownstreamComponents components) {
        this.config = components.config();
        this.store = components.store();
        this.clock = components.clock();
        this.metrics = new DownstreamMetrics(components.metrics());
        this.snapStart = components.snapStart();
        this.parser = new FaultConfigParser(config.maxFaultLatency());
        this.injector = new FaultInjector(components.random(), components.sleeper(), config.maxFaultLatency());
        this.activeFault = new ActiveFaultCache(store, clock, config.faultCacheTtl(), snapStart);
        if (config.faultInjectionEnabled()) {
            // Otherwise the fault table is never read: nothing worth priming.
            store.registerSnapStartHooks(snapStart);
        }
        // The response path and the first EMF document, in the snapshot: the start-up warm-up that
        // also loads them runs only where the JVM sees two CPUs, which the template's memory does not give.
        MetricsPublisher publisher = components.metrics();
        snapStart.register("metrics and responses", () -> {
            StartupWarmup.httpApi();
            publisher.prime();
        }, null);
        this.routes = new Routes()
                .add("GET", DOWNSTREAM_PATH, this::serveDownstream)
                .add("GET", FAULTS_PATH, (request, context) -> getFaults())
                .add("PUT", FAULTS_PATH, (request, context) -> putFaults(request))
                .add("DELETE", FAULTS_PATH, (request, context) -> deleteFaults());
    }

    /**
     * The function from an environment other than the process's (the local runtime's per-function
     * copy of the template's): what the no-arg constructor does with {@code System.getenv()}.
     *
     * @throws IllegalArgumentException naming the variable, if the configuration is invalid
     */
    public static DownstreamHandler fromEnvironment(Map<String, String> environment) {
        return new DownstreamHandler(DownstreamComponents.fromEnvironment(environment));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // One EMF document per invocation, published when this block ends; publishing never throws.
        try (InvocationMetrics invocation = metrics.publisher().begin()) {
            HttpApiRequest request = HttpApiRequest.from(event, context);
            invocation.requestId(request.gatewayRequestId());
            return handle(request, context).toApiGateway();
        }
    }

    private HttpApiResponse handle(HttpApiRequest request, Context context) {
        try {
            if (!request.isHttpApiEvent()) {
                return HttpApiResponse.error(400, HttpApiRequest.NOT_AN_HTTP_API_EVENT);
            }
            if (!config.faultInjectionEnabled() && FAULTS_PATH.equals(request.path())) {
                return HttpApiResponse.error(403, FAULTS_DISABLED);
            }
            return routes.dispatch(request, context);
        } catch (BadRequestException e) {
            return HttpApiResponse.error(e.status(), e.getMessage());
        } catch (FaultStoreException e) {
            LOG.error("fault store call failed", "table", store.tableName(), "requestId", request.gatewayRequestId(),
                    "error", e);
            return HttpApiResponse.error(503, STORE_UNAVAILABLE);
        } catch (RuntimeException e) {
            // A bug, not bad input: log what an operator needs, answer JSON without internals.
            LOG.error("unexpected failure", "requestId", request.gatewayRequestId(), "error", e);
            return HttpApiResponse.error(500, "internal error");
        }
    }

    private HttpApiResponse serveDownstream(HttpApiRequest request, Context context) {
        metrics.served();
        FaultConfig fault = FaultConfig.NONE;
        String source = null;
        if (config.faultInjectionEnabled()) {
            // Headers win over the persistent fault, and skip its read entirely. Only a request API
            // Gateway authorized with IAM may use them (in AWS every route here needs IAM; an invoke
            // event without the authorizer has its X-Fault-* headers ignored).
            Optional<FaultConfig> perRequest = request.iamAuthorized()
                    ? parser.parseHeaders(request::header) : Optional.empty();
            fault = perRequest.orElseGet(activeFault::current);
            source = perRequest.isPresent() ? "header" : "persistent";
        }
        String requestId = request.gatewayRequestId();
        Duration remaining = context == null ? null : Duration.ofMillis(context.getRemainingTimeInMillis());

        return switch (injector.inject(fault, remaining)) {
            case FaultInjector.NotInjected notInjected -> payload(requestId);
            case FaultInjector.Delayed delayed -> {
                logInjected(FaultMode.LATENCY, source, requestId, delayed.delayMs());
                yield payload(requestId)
                        .withHeader(FaultInjector.INJECTED_HEADER, FaultMode.LATENCY.wireName())
                        .withHeader(FaultInjector.LATENCY_HEADER, Long.toString(delayed.delayMs()));
            }
            case FaultInjector.Answered answered -> {
                logInjected(answered.mode(), source, requestId, null);
                yield answered.response();
            }
        };
    }

    /** A small, stable payload: the item is fixed so callers (and tests) can compare it. */
    private HttpApiResponse payload(String requestId) {
        ObjectNode body = Json.object();
        body.putObject("item")
                .put("id", "sku-1001")
                .put("name", "Circuit breaker, 16 A, type B")
                .put("priceCents", 1299)
                .put("currency", "EUR")
                .put("inStock", true);
        body.put("servedAt", clock.millis());
        body.put("requestId", requestId);
        return HttpApiResponse.json(200, body);
    }

    private HttpApiResponse getFaults() {
        return HttpApiResponse.json(200, store.readActive(clock.instant()).orElse(FaultConfig.NONE).toJson());
    }

    private HttpApiResponse putFaults(HttpApiRequest request) {
        FaultConfig fault = parser.parseBody(request.body(), clock.instant());
        store.write(fault);
        activeFault.invalidate();
        LOG.info("persistent fault set", "mode", fault.mode().wireName(), "probability", fault.probability(),
                "expiresAt", fault.expiresAt().getEpochSecond(), "requestId", request.requestId());
        return HttpApiResponse.json(200, fault.toJson());
    }

    private HttpApiResponse deleteFaults() {
        store.clear();
        activeFault.invalidate();
        LOG.info("persistent fault cleared");
        return HttpApiResponse.json(200, FaultConfig.NONE.toJson());
    }

    private void logInjected(FaultMode mode, String source, String requestId, Long delayMs) {
        metrics.injected(mode);
        LOG.info("fault injected", "mode", mode.wireName(), "source", source, "requestId", requestId,
                "delayMs", delayMs);
    }

    /** The SnapStart hooks (tests drive them directly; Lambda through CRaC). */
    SnapStartPriming snapStartPriming() {
        return snapStart;
    }
}
