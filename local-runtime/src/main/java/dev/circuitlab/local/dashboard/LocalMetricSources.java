package dev.circuitlab.local.dashboard;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which metrics the local runtime has data for, and from where. Metrics in the functions' own
 * namespace come from their EMF documents ({@link EmfCollector}), exactly as in CloudWatch. Metrics
 * in an {@code AWS/} namespace are published by AWS services, so locally only those the runtime can
 * honestly derive from what it sees itself are drawn; every other one is "not available locally",
 * never a made-up number.
 */
public final class LocalMetricSources {

    /** Metric name → the dimension names it has locally, per AWS namespace derived by the runtime. */
    private static final Map<String, Map<String, Set<String>>> DERIVED = Map.of(
            LambdaMetricsRecorder.NAMESPACE, Map.of(
                    "Invocations", Set.of("FunctionName"),
                    "Errors", Set.of("FunctionName"),
                    "Duration", Set.of("FunctionName"),
                    "Throttles", Set.of("FunctionName"),
                    "ConcurrentExecutions", Set.of("FunctionName")),
            ApiGatewayMetricsRecorder.NAMESPACE, Map.of(
                    "Count", Set.of("ApiId"),
                    "4xx", Set.of("ApiId"),
                    "5xx", Set.of("ApiId"),
                    "Latency", Set.of("ApiId")),
            DynamoDbMetricsInterceptor.NAMESPACE, Map.of(
                    "ThrottledRequests", Set.of("TableName", "Operation"),
                    "ConditionalCheckFailedRequests", Set.of("TableName"),
                    "SuccessfulRequestLatency", Set.of("TableName", "Operation")));

    private static final Map<String, String> HOW = Map.of(
            LambdaMetricsRecorder.NAMESPACE, "derived locally from the runtime's own invocations",
            ApiGatewayMetricsRecorder.NAMESPACE, "derived locally from the local HTTP server's answers",
            DynamoDbMetricsInterceptor.NAMESPACE,
            "derived locally from the DynamoDB calls of this JVM's SDK clients (final outcome of each call)");

    private LocalMetricSources() {
    }

    /** Why the local runtime has no data for this metric, or empty if it has a source for it. */
    public static Optional<String> unavailable(MetricKey key) {
        if (!key.isAwsNamespace()) {
            return Optional.empty();
        }
        Map<String, Set<String>> names = DERIVED.get(key.namespace());
        if (names == null) {
            return Optional.of("not available locally: " + key.namespace() + " is published by AWS");
        }
        Set<String> dims = names.get(key.name());
        if (dims == null || !dims.equals(key.dimensions().keySet())) {
            return Optional.of("not available locally: " + key.namespace() + " " + key.name()
                    + " with dimensions " + key.dimensions().keySet() + " is published by AWS only");
        }
        return Optional.empty();
    }

    /** Where the local values of an available metric come from. */
    public static String source(MetricKey key) {
        return key.isAwsNamespace() ? HOW.getOrDefault(key.namespace(), "derived locally")
                : "the functions' EMF documents";
    }
}
