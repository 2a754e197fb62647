package dev.circuitlab.downstream;

import dev.circuitlab.function.DynamoDbClientSettings;
import dev.circuitlab.function.DynamoDbClients;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.function.StartupWarmup;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What a {@link DownstreamHandler} is built from. {@link #fromEnvironment} builds the real ones
 * (Lambda, through the handler's no-arg constructor, and the local runtime); tests put in their own.
 *
 * @param random    rolls each fault's probability
 * @param sleeper   holds a request for latency and timeout faults
 * @param metrics   where the invocations' EMF documents go (see {@link DownstreamMetrics#publisher})
 * @param snapStart where the handler's components register their SnapStart hooks
 */
public record DownstreamComponents(DownstreamConfig config, FaultStore store, Clock clock, RandomGenerator random,
                                   Sleeper sleeper, MetricsPublisher metrics, SnapStartPriming snapStart) {

    /**
     * The fault table is off the hot path (read at most once per cache TTL), so this client may be
     * more patient than the upstream's, but a sick table still cannot hold a request long: 3
     * attempts within 3 s.
     */
    static final DynamoDbClientSettings DYNAMODB_CLIENT = new DynamoDbClientSettings(
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), null, 3);


    private static final StructuredLog LOG = StructuredLog.forClass(DownstreamHandler.class);

    /**
     * The function from an environment (Lambda's, or the local runtime's per-function copy of the
     * template's), read by name and never from {@code System.getenv()}: one DynamoDB client for the
     * life of the instance, metrics to stdout, the SnapStart hooks to CRaC. Sends nothing.
     *
     * <p>While this thread builds the DynamoDB client, a {@link StartupWarmup} loads what the first
     * request needs besides it: the metrics document and the JSON body. SnapStart waits for it before
     * its own priming, so the snapshot holds those classes too.
     *
     * @throws IllegalArgumentException naming the variable, if the configuration is invalid
     */
    public static DownstreamComponents fromEnvironment(Map<String, String> environment) {
        DownstreamConfig config = DownstreamConfig.fromEnvironment(environment);
        StructuredLog.useLevelFrom(environment);
        MetricsPublisher metrics = DownstreamMetrics.publisher(MetricsPublisher.namespaceFrom(environment),
                MetricsPublisher.serviceFrom(environment, DownstreamMetrics.DEFAULT_SERVICE), StructuredLog.STDOUT, LOG);
        // What GET /downstream, the usual first request, needs: no log line (it logs only faults).
        StartupWarmup warmup = StartupWarmup.start("downstream", List.of(StartupWarmup::httpApi, metrics::prime));
        SnapStartPriming snapStart = SnapStartPriming.registeredWithCrac(LOG);
        // First of the hooks: the snapshot is taken after the warm-up, never in the middle of it.
        warmup.holdSnapshotsFor(snapStart);
        // SecureRandom, not Random: SnapStart restores many instances from one snapshot, and a
        // java.util.Random seeded before it would make every instance flip the same "random" faults.
        return new DownstreamComponents(config,
                new FaultStore(DynamoDbClients.create(DYNAMODB_CLIENT, config.dynamoDbEndpoint(), config.region(),
                        environment), config.faultTableName()),
                Clock.systemUTC(), new SecureRandom(), Sleeper.THREAD, metrics, snapStart);
    }

    /**
     * For tests and embedding: the given collaborators, metrics to stdout in the default namespace,
     * SnapStart hooks that run only when called.
     */
    public static DownstreamComponents of(FaultStore store, DownstreamConfig config, Clock clock,
                                          RandomGenerator random, Sleeper sleeper) {
        return new DownstreamComponents(config, store, clock, random, sleeper,
                DownstreamMetrics.publisher(MetricsPublisher.DEFAULT_NAMESPACE, DownstreamMetrics.DEFAULT_SERVICE,
                        StructuredLog.STDOUT, LOG),
                SnapStartPriming.unregistered(LOG));
    }
}
