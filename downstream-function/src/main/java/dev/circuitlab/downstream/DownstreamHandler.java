package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.observability.InvocationMetrics;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.crac.Core;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The downstream service the upstream protects itself from: {@code GET /downstream} answers a small
 * JSON payload, unless a fault says otherwise. Faults come from {@code X-Fault-*} request headers
 * (one request) or from the persistent fault managed with {@code GET|PUT|DELETE /faults} (every
 * request until it expires). Both work only when {@code FAULT_INJECTION_ENABLED=true}.
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
    private final SnapStartPriming snapStart;
    private final Routes routes;
    private final DownstreamMetrics metrics;

    /** Used by Lambda: configuration from the process environment. */
    public DownstreamHandler() {
        this(System.getenv());
    }

    /**
     * Configuration from the given environment (the local runtime passes the template's variables),
     * one DynamoDB client for the life of the instance, and SnapStart hooks registered.
     */
    public DownstreamHandler(Map<String, String> environment) {
        this(DownstreamConfig.fromEnvironment(environment), environment);
    }

    private DownstreamHandler(DownstreamConfig config, Map<String, String> environment) {
        // SecureRandom, not Random: SnapStart restores many instances from one snapshot, and a
        // java.util.Random seeded before it would make every instance flip the same "random" faults.
        this(new FaultStore(dynamoDbClient(config), config.faultTableName()), config, Clock.systemUTC(),
                new SecureRandom(), Sleeper.THREAD,
                DownstreamMetrics.publisher(MetricsPublisher.namespaceFrom(environment),
                        MetricsPublisher.serviceFrom(environment, DownstreamMetrics.DEFAULT_SERVICE),
                        StructuredLog.STDOUT, LOG));
        StructuredLog.useLevelFrom(environment);
        // During init, so a SnapStart snapshot (and any cold start) has paid for the EMF classes.
        metrics.publisher().prime();
        Core.getGlobalContext().register(snapStart);
    }

    /** For tests and embedding: collaborators injected, real sleeping. */
    public DownstreamHandler(FaultStore store, DownstreamConfig config, Clock clock, RandomGenerator random) {
        this(store, config, clock, random, Sleeper.THREAD);
    }

    /**
     * For tests: latency and timeout faults call {@code sleeper} instead of sleeping; metrics go to
     * stdout in the default namespace.
     */
    public DownstreamHandler(FaultStore store, DownstreamConfig config, Clock clock, RandomGenerator random,
                             Sleeper sleeper) {
        this(store, config, clock, random, sleeper, DownstreamMetrics.publisher(MetricsPublisher.DEFAULT_NAMESPACE,
                DownstreamMetrics.DEFAULT_SERVICE, StructuredLog.STDOUT, LOG));
    }

    /** For tests: as above, with the metrics publisher given (to capture the EMF documents). */
    DownstreamHandler(FaultStore store, DownstreamConfig config, Clock clock, RandomGenerator random,
                      Sleeper sleeper, MetricsPublisher metrics) {
        this.metrics = new DownstreamMetrics(metrics);
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.parser = new FaultConfigParser(config.maxFaultLatency());
        this.injector = new FaultInjector(random, sleeper, config.maxFaultLatency());
        this.activeFault = new ActiveFaultCache(store, clock, config.faultCacheTtl());
        this.snapStart = new SnapStartPriming(store, activeFault, config.faultInjectionEnabled());
        this.routes = new Routes()
                .add("GET", DOWNSTREAM_PATH, this::serveDownstream)
                .add("GET", FAULTS_PATH, (request, context) -> getFaults())
                .add("PUT", FAULTS_PATH, (request, context) -> putFaults(request))
                .add("DELETE", FAULTS_PATH, (request, context) -> deleteFaults());
    }

    /**
     * The DynamoDB client for {@code config}: the URLConnection HTTP client (small, fast to start; it
     * has no pool setting and the JDK keeps up to 5 connections alive, plenty for one request at a
     * time), standard retries (3 attempts) and tight timeouts so a sick table cannot hold a request
     * long, and for an endpoint override
     * dummy credentials when none are configured (local servers accept any).
     */
    public static DynamoDbClient dynamoDbClient(DownstreamConfig config) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(2))
                        .build())
                .overrideConfiguration(o -> o
                        // DynamoDB's legacy default is 8 retries: far too patient for a request path.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(3)));
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(config.dynamoDbEndpoint())
                    // No profile or instance-metadata lookups: a local run must not reach beyond loopback.
                    .credentialsProvider(AwsCredentialsProviderChain.builder()
                            .credentialsProviders(
                                    EnvironmentVariableCredentialsProvider.create(),
                                    SystemPropertyCredentialsProvider.create(),
                                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                            .build());
        }
        return builder.build();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // One EMF document per invocation, published when this block ends; publishing never throws.
        try (InvocationMetrics invocation = metrics.publisher().begin()) {
            invocation.requestId(requestId(event, context));
            return handle(event, context).toEvent();
        }
    }

    private ApiResponse handle(APIGatewayV2HTTPEvent event, Context context) {
        try {
            HttpApiRequest request = HttpApiRequest.from(event);
            if (!config.faultInjectionEnabled() && FAULTS_PATH.equals(request.path())) {
                return ApiResponse.error(403, FAULTS_DISABLED);
            }
            return routes.dispatch(request, context);
        } catch (BadRequestException e) {
            return ApiResponse.error(e.status(), e.getMessage());
        } catch (FaultStoreException e) {
            LOG.error("fault store call failed", "table", store.tableName(), "requestId", requestId(event, context),
                    "error", e);
            return ApiResponse.error(503, STORE_UNAVAILABLE);
        } catch (RuntimeException e) {
            // A bug, not bad input: log what an operator needs, answer JSON without internals.
            LOG.error("unexpected failure", "requestId", requestId(event, context), "error", e);
            return ApiResponse.error(500, "internal error");
        }
    }

    private ApiResponse serveDownstream(HttpApiRequest request, Context context) {
        metrics.served();
        FaultConfig fault = FaultConfig.NONE;
        String source = null;
        if (config.faultInjectionEnabled()) {
            // Headers win over the persistent fault, and skip its read entirely.
            Optional<FaultConfig> perRequest = parser.parseHeaders(request::header);
            fault = perRequest.orElseGet(activeFault::current);
            source = perRequest.isPresent() ? "header" : "persistent";
        }
        String requestId = request.requestId() != null ? request.requestId()
                : context != null ? context.getAwsRequestId() : null;
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
    private ApiResponse payload(String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("item")
                .put("id", "sku-1001")
                .put("name", "Circuit breaker, 16 A, type B")
                .put("priceCents", 1299)
                .put("currency", "EUR")
                .put("inStock", true);
        body.put("servedAt", clock.millis());
        body.put("requestId", requestId);
        return ApiResponse.json(200, body);
    }

    private ApiResponse getFaults() {
        return ApiResponse.json(200, store.readActive(clock.instant()).orElse(FaultConfig.NONE).toJson());
    }

    private ApiResponse putFaults(HttpApiRequest request) {
        FaultConfig fault = parser.parseBody(request.body(), clock.instant());
        store.write(fault);
        activeFault.invalidate();
        LOG.info("persistent fault set", "mode", fault.mode().wireName(), "probability", fault.probability(),
                "expiresAt", fault.expiresAt().getEpochSecond(), "requestId", request.requestId());
        return ApiResponse.json(200, fault.toJson());
    }

    private ApiResponse deleteFaults() {
        store.clear();
        activeFault.invalidate();
        LOG.info("persistent fault cleared");
        return ApiResponse.json(200, FaultConfig.NONE.toJson());
    }

    private void logInjected(FaultMode mode, String source, String requestId, Long delayMs) {
        metrics.injected(mode);
        LOG.info("fault injected", "mode", mode.wireName(), "source", source, "requestId", requestId,
                "delayMs", delayMs);
    }

    private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
        if (event != null && event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            return event.getRequestContext().getRequestId();
        }
        return context == null ? null : context.getAwsRequestId();
    }

    /** The SnapStart hooks, for tests. */
    SnapStartPriming snapStartPriming() {
        return snapStart;
    }
}
