package dev.circuitlab.upstream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.function.StartupWarmup;
import dev.circuitlab.observability.InvocationMetrics;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.util.Map;

/**
 * The upstream Lambda (HTTP API, payload 2.0): {@code GET /upstream} calls the downstream through
 * the circuit breaker; {@code GET /health}; admin {@code /circuits/{id}...}. See {@link UpstreamRouter}
 * for the routes, {@link GuardedDownstreamCall} and {@link CircuitAdminRoutes} for the answers.
 *
 * <p>Everything expensive (config, DynamoDB client, HTTP client, breaker) is built once per
 * instance, at construction (the HTTP client on first use, usually by the start-up warm-up thread,
 * see {@link UpstreamComponents#fromEnvironment}), which fails with a message naming the variable
 * when the configuration is wrong. Every response carries {@code X-Circuit-State}; no response carries a
 * stack trace.
 *
 * <p>Each invocation publishes one EMF document with the metrics it recorded (see
 * {@link CircuitMetrics}), in the namespace {@code METRICS_NAMESPACE}; publishing can fail without
 * changing the response (it is logged and counted).
 */
public final class UpstreamHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ObservedState observed = new ObservedState();
    private final StructuredLog log;
    private final MetricsPublisher metrics;
    private final UpstreamRouter router;
    private final ResettableBreaker breaker;
    /** Held strongly: CRaC contexts may keep registered resources only weakly. */
    private final SnapStartPriming snapStart;

    /** Lambda's entry point: the function from the process environment. */
    public UpstreamHandler() {
        this(UpstreamComponents.fromEnvironment(System.getenv()));
    }

    /** The function from its collaborators (tests and embedding build them; see {@link UpstreamComponents}). */
    public UpstreamHandler(UpstreamComponents components) {
        UpstreamConfig config = components.config();
        this.log = components.log();
        this.metrics = components.metrics();
        this.snapStart = components.snapStart();
        CircuitMetrics circuitMetrics = new CircuitMetrics(metrics);
        if (!config.breakerEnabled()) {
            observed.saw(GuardedDownstreamCall.BYPASSED);
        }
        this.breaker = new ResettableBreaker(config.circuitId(), config.breaker(), components.store(),
                components.clock(), new CircuitMetricsListener(log, circuitMetrics, observed));
        this.router = new UpstreamRouter(
                new GuardedDownstreamCall(config, breaker, components.downstream(), components.clock(), observed, log,
                        circuitMetrics),
                new CircuitAdminRoutes(config, breaker, components.clock(), observed, log));
        breaker.registerSnapStartHooks(snapStart, config.breakerEnabled());
        snapStart.register("downstream client", components.downstream()::prime, null);
        snapStart.register("routes", this::warmRoutes, null);
    }

    /**
     * The function from an environment other than the process's (the local runtime's per-function
     * copy of the template's): what the no-arg constructor does with {@code System.getenv()}.
     *
     * @throws IllegalArgumentException naming the variable, if the configuration is invalid
     */
    public static UpstreamHandler fromEnvironment(Map<String, String> environment) {
        return new UpstreamHandler(UpstreamComponents.fromEnvironment(environment));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // One EMF document per invocation, published when this block ends; publishing never throws.
        try (InvocationMetrics invocation = metrics.begin()) {
            HttpApiResponse response;
            String requestId = "-";
            try {
                HttpApiRequest request = HttpApiRequest.from(event, context);
                requestId = request.requestId();
                invocation.requestId(requestId);
                response = router.route(request);
            } catch (RuntimeException e) {
                // A bug, not bad input: say so without details, and leave the details to the log.
                log.error("unhandled error", "requestId", requestId, "error", e);
                response = HttpApiResponse.error(500, "internal error", "requestId", requestId);
            }
            return response.withHeaderIfAbsent(ObservedState.HEADER, observed.last()).toApiGateway();
        }
    }

    /** Publications of metrics that failed (each was logged); the responses were not affected. */
    long failedMetricFlushes() {
        return metrics.failedFlushes();
    }

    /** The SnapStart hooks (tests drive them directly; Lambda through CRaC). */
    SnapStartPriming snapStartHooks() {
        return snapStart;
    }

    /** The breaker's current instance; replaced after a SnapStart restore. */
    ResettableBreaker breaker() {
        return breaker;
    }

    /** A request through the whole handler that touches no dependency (GET /health), and the EMF classes. */
    private void warmRoutes() {
        metrics.prime();
        handleRequest(StartupWarmup.syntheticGet("/health", "snapstart-priming"), null);
    }
}
