package dev.circuitlab.upstream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.observability.InvocationMetrics;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.crac.Core;

/**
 * The upstream Lambda (HTTP API, payload 2.0): {@code GET /upstream} calls the downstream through
 * the circuit breaker; {@code GET /health}; admin {@code /circuits/{id}...}. See {@link UpstreamRouter}
 * for the routes, {@link GuardedDownstreamCall} and {@link CircuitAdminRoutes} for the answers.
 *
 * <p>Everything expensive (config, DynamoDB client, HTTP client, breaker) is built once per
 * instance, in the constructor, which fails with a message naming the variable when the
 * configuration is wrong. Every response carries {@code X-Circuit-State}; no response carries a
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
    private final SnapStartPriming priming;

    /** Lambda's entry point. */
    public UpstreamHandler() {
        this(System.getenv());
    }

    /**
     * Builds the function from an environment (Lambda's, or the local runtime's per-function copy of
     * the template's). Reads nothing from {@code System.getenv()} itself, so several differently
     * configured instances can live in one JVM. Registers the SnapStart hooks.
     *
     * @throws IllegalArgumentException naming the variable, if the configuration is invalid
     */
    public UpstreamHandler(Map<String, String> environment) {
        this(UpstreamConfig.fromEnvironment(Objects.requireNonNull(environment, "environment")), environment);
    }

    private UpstreamHandler(UpstreamConfig config, Map<String, String> environment) {
        this(config,
                new DynamoDbCircuitStateStore(DynamoDbClients.forFunction(config, environment), config.tableName()),
                new HttpDownstreamClient(HttpDownstreamClient.newHttpClient(config.breaker().callTimeout()),
                        config.downstreamCallUrl()),
                Clock.systemUTC(), StructuredLog.STDOUT, MetricsPublisher.namespaceFrom(environment),
                StructuredLog.STDOUT);
        StructuredLog.useLevelFrom(environment);
        Core.getGlobalContext().register(priming);
    }

    /**
     * For tests and embedding: every collaborator given, logs and metrics to stdout in the default
     * namespace, no SnapStart hooks registered.
     */
    public UpstreamHandler(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream, Clock clock) {
        this(config, store, downstream, clock, StructuredLog.STDOUT, MetricsPublisher.DEFAULT_NAMESPACE,
                StructuredLog.STDOUT);
    }

    /** As above, with the JSON log lines going to {@code logSink} (tests assert on them) and metrics discarded. */
    UpstreamHandler(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream, Clock clock,
                    Consumer<String> logSink) {
        this(config, store, downstream, clock, logSink, MetricsPublisher.DEFAULT_NAMESPACE, line -> { });
    }

    /**
     * Every collaborator given; log lines go to {@code logSink}, EMF documents (one line each) to
     * {@code metricLines} in {@code namespace}. Tests capture both, or pass a failing metric sink.
     */
    UpstreamHandler(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream, Clock clock,
                    Consumer<String> logSink, String namespace, Consumer<String> metricLines) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(clock, "clock");
        this.log = new StructuredLog("upstream", logSink);
        this.metrics = CircuitMetrics.publisher(namespace, config.circuitId(), metricLines, log);
        CircuitMetrics circuitMetrics = new CircuitMetrics(metrics);
        if (!config.breakerEnabled()) {
            observed.saw(GuardedDownstreamCall.BYPASSED);
        }
        this.breaker = new ResettableBreaker(config.circuitId(), config.breaker(), store, clock,
                new CircuitMetricsListener(log, circuitMetrics, observed));
        this.router = new UpstreamRouter(
                new GuardedDownstreamCall(config, breaker, downstream, clock, observed, log, circuitMetrics),
                new CircuitAdminRoutes(config, breaker, clock, observed, log));
        this.priming = new SnapStartPriming(config, breaker, downstream, this::warmRoute, log);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // One EMF document per invocation, published when this block ends; publishing never throws.
        try (InvocationMetrics invocation = metrics.begin()) {
            Reply reply;
            String requestId = "-";
            try {
                IncomingRequest request = IncomingRequest.from(event, context);
                requestId = request.requestId();
                invocation.requestId(requestId);
                reply = router.route(request);
            } catch (RuntimeException e) {
                // A bug, not bad input: say so without details, and leave the details to the log.
                log.error("unhandled error", "requestId", requestId, "error", e);
                reply = Reply.error(500, "internal error", "requestId", requestId);
            }
            return reply.withHeaderIfAbsent(Reply.CIRCUIT_STATE, observed.last()).toApiGateway();
        }
    }

    /** Publications of metrics that failed (each was logged); the responses were not affected. */
    long failedMetricFlushes() {
        return metrics.failedFlushes();
    }

    /** The SnapStart hooks (tests drive them directly; Lambda through CRaC). */
    org.crac.Resource snapStartHooks() {
        return priming;
    }

    /** The breaker's current instance; replaced after a SnapStart restore. */
    ResettableBreaker breaker() {
        return breaker;
    }

    private void warmRoute() {
        metrics.prime();
        APIGatewayV2HTTPEvent health = APIGatewayV2HTTPEvent.builder()
                .withRawPath("/health")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath("/health").build())
                        .withRequestId("snapstart-priming")
                        .build())
                .build();
        handleRequest(health, null);
    }
}
