package dev.circuitlab.observability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.util.Validator;

/**
 * Publishes a function's CloudWatch metrics as Embedded Metric Format documents, written by the
 * {@code aws-embedded-metrics} library: one document per invocation, in one namespace, with one
 * fixed dimension set (each distinct dimension set is a separate CloudWatch metric, which the
 * dashboard has to name, so the set is chosen once per function instance).
 *
 * <p>Usage, once per invocation:
 * <pre>{@code
 * try (InvocationMetrics metrics = publisher.begin()) {
 *     ... code anywhere on this thread records through publisher.current() ...
 * } // published here
 * }</pre>
 * {@link #current()} is bound to the invoking thread, so listeners that are built once per instance
 * (the breaker's) record into the invocation they run in; outside any invocation they get a
 * discarding stand-in.
 *
 * <p><b>A failure to publish never changes a response.</b> Validation, serialization and the write
 * happen in one guarded step: a failure is logged as one JSON line (type and message, no stack
 * trace) and counted ({@link #failedFlushes()}), and the invocation goes on.
 */
public final class MetricsPublisher {

    /** The environment variable holding the CloudWatch namespace. */
    public static final String NAMESPACE_VARIABLE = "METRICS_NAMESPACE";
    /** The environment variable naming the service ({@code upstream} / {@code downstream}). */
    public static final String SERVICE_VARIABLE = "SERVICE_NAME";
    public static final String DEFAULT_NAMESPACE = "CircuitBreakerLab";

    private final String namespace;
    private final Map<String, String> dimensions;
    private final Environment environment;
    private final StructuredLog log;
    private final AtomicLong failedFlushes = new AtomicLong();
    private final AtomicLong publishedDocuments = new AtomicLong();
    private final ThreadLocal<InvocationMetrics> current = new ThreadLocal<>();
    private final InvocationMetrics discarding = new InvocationMetrics(null, null);

    /**
     * @param namespace   CloudWatch namespace
     * @param dimensions  the one dimension set of every metric, in order (name to value)
     * @param environment where documents go; pass one explicitly, never let the library probe
     * @param log         where a failed publication is reported
     * @throws IllegalArgumentException if the namespace or a dimension is not acceptable to CloudWatch
     */
    public MetricsPublisher(String namespace, Map<String, String> dimensions, Environment environment,
                            StructuredLog log) {
        this.namespace = validNamespace("namespace", namespace);
        this.dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(dimensions,
                "dimensions")));
        this.environment = Objects.requireNonNull(environment, "environment");
        this.log = Objects.requireNonNull(log, "log");
        try {
            dimensionSet(); // fails construction, not every publication, on a bad dimension
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid CloudWatch dimension set " + dimensions + ": "
                    + e.getMessage(), e);
        }
    }

    /** Documents go to the process's stdout (the function log), looked up at write time. */
    public static MetricsPublisher toStdout(String namespace, Map<String, String> dimensions, StructuredLog log) {
        return toLines(namespace, dimensions, StructuredLog.STDOUT, log);
    }

    /** Documents go to {@code lines}, one serialized document per call (tests collect them). */
    public static MetricsPublisher toLines(String namespace, Map<String, String> dimensions, Consumer<String> lines,
                                           StructuredLog log) {
        return new MetricsPublisher(namespace, dimensions, new LambdaLogEnvironment(lines), log);
    }

    /**
     * The namespace configured in a function's environment ({@value #NAMESPACE_VARIABLE}), or
     * {@value #DEFAULT_NAMESPACE}.
     *
     * @throws IllegalArgumentException naming the variable, if CloudWatch would not accept the value
     */
    public static String namespaceFrom(Map<String, String> environment) {
        String value = environment.get(NAMESPACE_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_NAMESPACE;
        }
        return validNamespace(NAMESPACE_VARIABLE, value.strip());
    }

    /** {@value #SERVICE_VARIABLE} from a function's environment, or {@code fallback}. */
    public static String serviceFrom(Map<String, String> environment, String fallback) {
        String value = environment.get(SERVICE_VARIABLE);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static String validNamespace(String name, String value) {
        try {
            Validator.validateNamespace(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a valid CloudWatch namespace ('" + value + "'): "
                    + e.getMessage(), e);
        }
        if (value.startsWith("AWS/")) {
            throw new IllegalArgumentException(name + " must not start with AWS/ (reserved for AWS services): '"
                    + value + "'");
        }
        return value;
    }

    public String namespace() {
        return namespace;
    }

    /** The dimension set every metric carries, in order. */
    public Map<String, String> dimensions() {
        return dimensions;
    }

    /** Starts collecting the metrics of this thread's invocation; close the result to publish them. */
    public InvocationMetrics begin() {
        InvocationMetrics metrics = new InvocationMetrics(this, current.get());
        current.set(metrics);
        return metrics;
    }

    /** The invocation running on this thread, or a stand-in that discards what it is given. */
    public InvocationMetrics current() {
        InvocationMetrics metrics = current.get();
        return metrics == null ? discarding : metrics;
    }

    /** Publications that failed since this publisher was built (each was logged once). */
    public long failedFlushes() {
        return failedFlushes.get();
    }

    /** Invocations published (an invocation that recorded nothing publishes nothing). */
    public long publishedDocuments() {
        return publishedDocuments.get();
    }

    /**
     * Runs the whole publication path once into a discarding sink, so that a SnapStart snapshot
     * already holds its classes (validation, serialization) and the first request does not pay for
     * them. Never throws.
     */
    public void prime() {
        try {
            MetricsLogger logger = new MetricsLogger(new LambdaLogEnvironment(line -> { }));
            logger.setNamespace(namespace);
            logger.setDimensions(dimensionSet());
            logger.putMetric("Primed", 1, Unit.COUNT);
            logger.putMetric("PrimedLatency", 1, Unit.MILLISECONDS);
            logger.flush();
        } catch (RuntimeException | LinkageError ignored) {
            // Priming is an optimization; the real publication path reports its own failures.
        }
    }

    /** Called by {@link InvocationMetrics#close()}: ends the invocation and writes its document. */
    void publish(InvocationMetrics metrics) {
        if (current.get() == metrics) {
            InvocationMetrics enclosing = metrics.enclosing();
            if (enclosing == null) {
                current.remove();
            } else {
                current.set(enclosing);
            }
        }
        if (metrics.isEmpty()) {
            return;
        }
        try {
            // A logger per document: it is cheap, and nothing of one invocation leaks into the next.
            MetricsLogger logger = new MetricsLogger(environment);
            logger.setNamespace(namespace);
            // Setting the dimensions explicitly also drops the library's default ones (LogGroup,
            // ServiceName, ServiceType), which would otherwise be prepended to ours.
            logger.setDimensions(dimensionSet());
            metrics.writeTo(logger);
            logger.flush();
            publishedDocuments.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            // LinkageError too: a packaging mistake (a missing library jar) must cost metrics, not answers.
            long failures = failedFlushes.incrementAndGet();
            log.warn("metrics not published", "namespace", namespace, "metrics", String.join(",", metrics.names()),
                    "requestId", metrics.requestId(), "failedFlushes", failures, "error", e);
        }
    }

    private DimensionSet dimensionSet() {
        DimensionSet set = new DimensionSet();
        dimensions.forEach(set::addDimension);
        return set;
    }
}
