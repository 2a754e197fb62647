package dev.circuitlab.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The metrics of one invocation, collected while it runs and published as one EMF document when it
 * is closed (see {@link MetricsPublisher#begin()}).
 *
 * <p>Counts add up into one value per name (an invocation that saw two conflicts reports
 * {@code 2}); durations keep every value (an array in the document, so percentiles stay right); a
 * gauge keeps its last value. Recording never throws and costs a map update: the expensive and
 * fallible part (validation, serialization, the write) happens once, in the publisher's guard.
 */
public final class InvocationMetrics implements AutoCloseable {

    private record Recorded(Unit unit, List<Double> values) {
    }

    private final MetricsPublisher publisher;
    private final InvocationMetrics enclosing;
    private final Map<String, Recorded> metrics = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String requestId;

    /** @param publisher null for the discarding instance that stands in outside any invocation */
    InvocationMetrics(MetricsPublisher publisher, InvocationMetrics enclosing) {
        this.publisher = publisher;
        this.enclosing = enclosing;
    }

    /** Adds 1 to a count (unit Count). */
    public void count(String name) {
        count(name, 1);
    }

    /** Adds {@code n} to a count (unit Count). */
    public synchronized void count(String name, long n) {
        if (publisher == null) {
            return;
        }
        Recorded r = metrics.computeIfAbsent(name, k -> new Recorded(Unit.COUNT, new ArrayList<>(List.of(0.0))));
        r.values().set(0, r.values().get(0) + n);
    }

    /** Records one duration (unit Milliseconds); every value is kept. */
    public synchronized void milliseconds(String name, long millis) {
        if (publisher == null) {
            return;
        }
        metrics.computeIfAbsent(name, k -> new Recorded(Unit.MILLISECONDS, new ArrayList<>())).values().add((double) millis);
    }

    /** Sets a gauge (unit None); the last value of the invocation wins. */
    public void gauge(String name, double value) {
        set(name, Unit.NONE, value);
    }

    /** Sets a percentage gauge (unit Percent); the last value of the invocation wins. */
    public void percent(String name, double value) {
        set(name, Unit.PERCENT, value);
    }

    private synchronized void set(String name, Unit unit, double value) {
        if (publisher == null) {
            return;
        }
        metrics.put(name, new Recorded(unit, new ArrayList<>(List.of(value))));
    }

    /**
     * A property of the document: searchable in Logs Insights, not a metric and not a dimension
     * (so high-cardinality values such as ids are fine here).
     */
    public synchronized void property(String key, Object value) {
        if (publisher == null || value == null) {
            return;
        }
        properties.put(key, value);
    }

    /** The invocation's request id; also written as the property {@code requestId}. */
    public void requestId(String id) {
        this.requestId = id;
        property("requestId", id);
    }

    /** The request id, or null before it is known (and outside any invocation). */
    public String requestId() {
        return requestId;
    }

    /** Names recorded so far, in order. */
    public synchronized List<String> names() {
        return List.copyOf(metrics.keySet());
    }

    synchronized boolean isEmpty() {
        return metrics.isEmpty();
    }

    InvocationMetrics enclosing() {
        return enclosing;
    }

    /** Copies everything into the library's logger; may throw (the caller guards). */
    synchronized void writeTo(MetricsLogger logger) {
        properties.forEach(logger::putProperty);
        metrics.forEach((name, recorded) -> {
            for (double value : recorded.values()) {
                logger.putMetric(name, value, recorded.unit());
            }
        });
    }

    /** Publishes the document (once; a second close does nothing). Never throws. */
    @Override
    public void close() {
        if (publisher != null && closed.compareAndSet(false, true)) {
            publisher.publish(this);
        }
    }
}
