package dev.circuitlab.local.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One CloudWatch metric: a namespace, a name and one dimension set (dimension name to value). Two
 * keys are equal when all three are, whatever the order of the dimensions — as in CloudWatch, where
 * the same name under another dimension set is another metric.
 */
public record MetricKey(String namespace, String name, Map<String, String> dimensions) {

    /** The prefix of the namespaces AWS services publish to; code may not use it. */
    public static final String AWS_PREFIX = "AWS/";

    public MetricKey {
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    /** Published by an AWS service (AWS/Lambda, AWS/DynamoDB, ...), not by the functions' code. */
    public boolean isAwsNamespace() {
        return namespace.startsWith(AWS_PREFIX);
    }

    /** {@code Namespace Name{Dim=Value, ...}}: how messages name a metric. */
    @Override
    public String toString() {
        return namespace + " " + name + dimensions.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
