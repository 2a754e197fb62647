package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.function.DynamoDbClientSettings;
import dev.circuitlab.function.DynamoDbClients;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.function.StartupWarmup;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link UpstreamHandler} is built from. {@link #fromEnvironment} builds the real ones
 * (Lambda, through the handler's no-arg constructor, and the local runtime); tests and benchmarks
 * put in their own.
 *
 * @param log       the function's JSON log
 * @param metrics   where the invocations' EMF documents go (see {@link CircuitMetrics#publisher})
 * @param snapStart where the handler's components register their SnapStart hooks
 */
public record UpstreamComponents(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream,
                                 Clock clock, StructuredLog log, MetricsPublisher metrics,
                                 SnapStartPriming snapStart) {

    /**
     * The breaker consults DynamoDB on the request path, so its client gives up quickly: an unhealthy
     * table must cost a call at most about a second before the breaker falls back, not the SDK's
     * default retries. One attempt of 600 ms leaves room for the one retry within the second.
     */
    static final DynamoDbClientSettings DYNAMODB_CLIENT = new DynamoDbClientSettings(
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(600), 2);


    public UpstreamComponents {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(snapStart, "snapStart");
    }

    /**
     * The function from an environment (Lambda's, or the local runtime's per-function copy of the
     * template's), read by name and never from {@code System.getenv()}, so differently configured
     * instances can share a JVM. Logs and metrics go to stdout, the SnapStart hooks to CRaC. Builds
     * clients but sends nothing.
     *
     * <p>While this thread builds the DynamoDB client, a {@link StartupWarmup} loads what the first
     * request needs besides it: the HTTP client and the signer, the metrics document, a log line and
     * the JSON bodies.
     * SnapStart waits for it before its own priming.
     *
     * @throws IllegalArgumentException naming the variable, if the configuration is invalid
     */
    public static UpstreamComponents fromEnvironment(Map<String, String> environment) {
        UpstreamConfig config = UpstreamConfig.fromEnvironment(environment);
        StructuredLog.useLevelFrom(environment);
        StructuredLog log = new StructuredLog("upstream", StructuredLog.STDOUT);
        HttpDownstreamClient downstream = HttpDownstreamClient.forFunction(config, environment);
        MetricsPublisher metrics = CircuitMetrics.publisher(MetricsPublisher.namespaceFrom(environment), config.circuitId(),
                StructuredLog.STDOUT, log);
        StartupWarmup warmup = StartupWarmup.start("upstream", List.of(
                downstream::warmUp,
                StartupWarmup::httpApi,
                StartupWarmup::logLine,
                metrics::prime));
        DynamoDbCircuitStateStore store = new DynamoDbCircuitStateStore(DynamoDbClients.create(DYNAMODB_CLIENT,
                config.dynamoDbEndpoint(), config.region(), environment), config.tableName());
        SnapStartPriming snapStart = SnapStartPriming.registeredWithCrac(log);
        // First of the hooks: the snapshot is taken after the warm-up, never in the middle of it.
        warmup.holdSnapshotsFor(snapStart);
        return new UpstreamComponents(config, store, downstream, Clock.systemUTC(), log, metrics, snapStart);
    }

    /**
     * For embedding: the given collaborators, logs and metrics to stdout in the default namespace,
     * SnapStart hooks that run only when called.
     */
    public static UpstreamComponents of(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream,
                                        Clock clock) {
        StructuredLog log = new StructuredLog("upstream", StructuredLog.STDOUT);
        return new UpstreamComponents(config, store, downstream, clock, log,
                CircuitMetrics.publisher(MetricsPublisher.DEFAULT_NAMESPACE, config.circuitId(), StructuredLog.STDOUT,
                        log),
                SnapStartPriming.unregistered(log));
    }
}
