package dev.circuitlab.local.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local stand-in for CloudWatch's metric storage: every metric recorded on this machine (from
 * the functions' EMF documents, and the runtime's own counterparts of AWS/Lambda, AWS/ApiGateway
 * and AWS/DynamoDB), per second, queried with a statistic and a period as a dashboard widget asks.
 */
public final class MetricStore {

    /** Who published: a namespace and one dimension set (an EMF directive of one function). */
    private record Publisher(String namespace, Map<String, String> dimensions) {
    }

    public static final long DEFAULT_RETENTION_SECONDS = 15 * 60;

    private final long retentionSeconds;
    private final Map<MetricKey, MetricSeries> series = new ConcurrentHashMap<>();
    private final Map<MetricKey, String> units = new ConcurrentHashMap<>();
    private final Map<Publisher, MetricSeries> publications = new ConcurrentHashMap<>();

    public MetricStore() {
        this(DEFAULT_RETENTION_SECONDS);
    }

    public MetricStore(long retentionSeconds) {
        this.retentionSeconds = retentionSeconds;
    }

    /** Adds values of one metric at one time. */
    public void record(MetricKey key, String unit, List<Double> values, long timeMillis) {
        series.computeIfAbsent(key, k -> new MetricSeries(retentionSeconds)).add(timeMillis, values);
        if (unit != null) {
            units.putIfAbsent(key, unit);
        }
    }

    /** Adds one value of one metric at one time. */
    public void record(MetricKey key, String unit, double value, long timeMillis) {
        record(key, unit, List.of(value), timeMillis);
    }

    /**
     * Notes that a publisher wrote a document (namespace plus dimension set) at a time: a Sum of one
     * of its counts that the document does not name is then 0 for that second, not "no data".
     */
    public void published(String namespace, Map<String, String> dimensions, long timeMillis) {
        publications.computeIfAbsent(new Publisher(namespace, Map.copyOf(dimensions)),
                p -> new MetricSeries(retentionSeconds)).add(timeMillis, List.of(1.0));
    }

    /** Every metric that has had a value. */
    public Set<MetricKey> keys() {
        return Set.copyOf(series.keySet());
    }

    public Optional<String> unit(MetricKey key) {
        return Optional.ofNullable(units.get(key));
    }

    public Optional<MetricSeries.Point> latest(MetricKey key) {
        MetricSeries s = series.get(key);
        return s == null ? Optional.empty() : s.latest();
    }

    /**
     * The statistic of the metric per period over {@code [fromSecond, toSecond)}, periods aligned to
     * multiples of {@code periodSeconds} as CloudWatch aligns them; periods without data are left out.
     * Each point's time is the start of its period.
     */
    public List<MetricSeries.Point> query(MetricKey key, Statistic stat, long fromSecond, long toSecond,
                                          int periodSeconds) {
        MetricSeries values = series.get(key);
        MetricSeries presence = stat.zeroWhenAbsent()
                ? publications.get(new Publisher(key.namespace(), Map.copyOf(key.dimensions()))) : null;
        List<MetricSeries.Point> points = new ArrayList<>();
        if (values == null && presence == null) {
            return points;
        }
        long start = Math.floorDiv(fromSecond, periodSeconds) * periodSeconds;
        for (long t = start; t < toSecond; t += periodSeconds) {
            Samples samples = values == null ? new Samples() : values.between(t, t + periodSeconds);
            if (!samples.isEmpty()) {
                points.add(new MetricSeries.Point(t * 1000, stat.of(samples)));
            } else if (presence != null && !presence.between(t, t + periodSeconds).isEmpty()) {
                points.add(new MetricSeries.Point(t * 1000, 0));
            }
        }
        return points;
    }
}
