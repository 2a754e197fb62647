package dev.circuitlab.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One CloudWatch Embedded Metric Format document read back from a log line: what CloudWatch Logs
 * would extract from it. Tests use it to check what a function emitted; the local runtime uses it
 * to draw the dashboard from the functions' stdout.
 *
 * <p>{@link #parse(String)} follows the EMF specification: a JSON object whose {@code _aws} member
 * has a numeric {@code Timestamp} (epoch ms) and a {@code CloudWatchMetrics} array of directives,
 * each with a {@code Namespace}, {@code Dimensions} (arrays of member names) and {@code Metrics}
 * ({@code Name}, optional {@code Unit}). A metric's values are the root member of its name, a
 * number or an array of numbers; a dimension's value is the root member of its name, a string.
 * Any other line (plain text, JSON logs, malformed EMF) parses to empty, so a whole stdout can be
 * fed through it. Like CloudWatch, a metric whose member is missing or not numeric, and a dimension
 * set with a missing or non-string member, are left out.
 */
public final class EmfDocument {

    /**
     * One metric as CloudWatch stores it: a metric definition under one dimension set.
     *
     * @param dimensions dimension name to value, in the document's order
     * @param unit       the declared unit, {@code None} when the document gives none
     * @param values     the values of this document (a count is usually one value; durations may be many)
     * @param timestamp  epoch ms of the document
     */
    public record Metric(String namespace, String name, Map<String, String> dimensions, String unit,
                         List<Double> values, long timestamp) {

        public Metric {
            dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
            values = List.copyOf(values);
        }

        public double sum() {
            return values.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Far above any real document; a runaway line is not worth parsing. */
    private static final int MAX_LINE_CHARS = 1024 * 1024;

    private final long timestamp;
    private final List<Metric> metrics;
    private final JsonNode root;

    private EmfDocument(long timestamp, List<Metric> metrics, JsonNode root) {
        this.timestamp = timestamp;
        this.metrics = List.copyOf(metrics);
        this.root = root;
    }

    /** The document on {@code line}, or empty if the line is not an EMF document. */
    public static Optional<EmfDocument> parse(String line) {
        if (line == null) {
            return Optional.empty();
        }
        String text = line.strip();
        // Cheap rejection first: most stdout lines are log lines, not metrics.
        if (text.isEmpty() || text.charAt(0) != '{' || text.length() > MAX_LINE_CHARS || !text.contains("\"_aws\"")) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode aws = root.get("_aws");
        if (aws == null || !aws.isObject() || !aws.path("Timestamp").isNumber()
                || !aws.path("CloudWatchMetrics").isArray()) {
            return Optional.empty();
        }
        long timestamp = aws.get("Timestamp").asLong();
        List<Metric> metrics = new ArrayList<>();
        for (JsonNode directive : aws.get("CloudWatchMetrics")) {
            if (!readDirective(directive, root, timestamp, metrics)) {
                return Optional.empty();
            }
        }
        return Optional.of(new EmfDocument(timestamp, metrics, root));
    }

    /** Adds the directive's metrics; false if the directive is malformed. */
    private static boolean readDirective(JsonNode directive, JsonNode root, long timestamp, List<Metric> into) {
        if (!directive.isObject() || !directive.path("Namespace").isTextual()
                || !directive.path("Dimensions").isArray() || !directive.path("Metrics").isArray()) {
            return false;
        }
        String namespace = directive.get("Namespace").asText();
        List<Map<String, String>> dimensionSets = new ArrayList<>();
        for (JsonNode set : directive.get("Dimensions")) {
            if (!set.isArray()) {
                return false;
            }
            Map<String, String> dims = new LinkedHashMap<>();
            boolean complete = true;
            for (JsonNode name : set) {
                JsonNode value = name.isTextual() ? root.get(name.asText()) : null;
                if (value == null || !value.isTextual()) {
                    complete = false;
                    break;
                }
                dims.put(name.asText(), value.asText());
            }
            if (complete) {
                dimensionSets.add(dims);
            }
        }
        // A directive without dimension sets still yields its metrics, with no dimensions.
        if (directive.get("Dimensions").isEmpty()) {
            dimensionSets.add(Map.of());
        }
        for (JsonNode definition : directive.get("Metrics")) {
            if (!definition.isObject() || !definition.path("Name").isTextual()) {
                return false;
            }
            String name = definition.get("Name").asText();
            String unit = definition.path("Unit").isTextual() ? definition.get("Unit").asText() : "None";
            List<Double> values = values(root.get(name));
            if (values.isEmpty()) {
                continue;
            }
            for (Map<String, String> dims : dimensionSets) {
                into.add(new Metric(namespace, name, dims, unit, values, timestamp));
            }
        }
        return true;
    }

    private static List<Double> values(JsonNode member) {
        if (member == null) {
            return List.of();
        }
        if (member.isNumber()) {
            return List.of(member.asDouble());
        }
        if (!member.isArray()) {
            return List.of();
        }
        List<Double> values = new ArrayList<>();
        for (JsonNode v : member) {
            if (!v.isNumber()) {
                return List.of();
            }
            values.add(v.asDouble());
        }
        return values;
    }

    /** Epoch ms of the document ({@code _aws.Timestamp}). */
    public long timestamp() {
        return timestamp;
    }

    /** Every metric of the document, one entry per metric and dimension set. */
    public List<Metric> metrics() {
        return metrics;
    }

    /** The namespaces of the document's directives. */
    public Set<String> namespaces() {
        Set<String> namespaces = new LinkedHashSet<>();
        metrics.forEach(m -> namespaces.add(m.namespace()));
        return namespaces;
    }

    /** The metric names of the document. */
    public Set<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        metrics.forEach(m -> names.add(m.name()));
        return names;
    }

    /** The metric of that name under exactly these dimensions, if the document has it. */
    public Optional<Metric> metric(String name, Map<String, String> dimensions) {
        return metrics.stream().filter(m -> m.name().equals(name) && m.dimensions().equals(dimensions)).findFirst();
    }

    /** A root member that is text (a property such as {@code requestId}, or a dimension value). */
    public Optional<String> property(String name) {
        JsonNode value = root.get(name);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
