package dev.circuitlab.local.dashboard;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One metric's values per second (CloudWatch's high-resolution storage), for the last
 * {@code retentionSeconds} before its newest value. Thread-safe: functions publish from their own
 * threads while the dashboard reads.
 */
public final class MetricSeries {

    /** A value at a time: the newest value of a gauge, for example. */
    public record Point(long timeMillis, double value) {
    }

    private final long retentionSeconds;
    private final TreeMap<Long, Samples> bySecond = new TreeMap<>();
    private Point latest;

    public MetricSeries(long retentionSeconds) {
        this.retentionSeconds = retentionSeconds;
    }

    public synchronized void add(long timeMillis, Iterable<Double> values) {
        long second = Math.floorDiv(timeMillis, 1000);
        Samples samples = bySecond.computeIfAbsent(second, s -> new Samples());
        double last = Double.NaN;
        for (double v : values) {
            samples.add(v);
            last = v;
        }
        if (!Double.isNaN(last) && (latest == null || timeMillis >= latest.timeMillis())) {
            latest = new Point(timeMillis, last);
        }
        long oldest = bySecond.lastKey() - retentionSeconds;
        while (!bySecond.isEmpty() && bySecond.firstKey() < oldest) {
            bySecond.pollFirstEntry();
        }
    }

    /** The samples of the seconds in {@code [fromSecond, toSecond)}, empty if there are none. */
    public synchronized Samples between(long fromSecond, long toSecond) {
        Samples merged = new Samples();
        for (Map.Entry<Long, Samples> e : bySecond.subMap(fromSecond, toSecond).entrySet()) {
            merged.addAll(e.getValue());
        }
        return merged;
    }

    /** The most recently timed value, if any was ever added. */
    public synchronized Optional<Point> latest() {
        return Optional.ofNullable(latest);
    }
}
