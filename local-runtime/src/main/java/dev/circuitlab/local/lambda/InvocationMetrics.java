package dev.circuitlab.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One function's counterparts of the AWS/Lambda metrics: Invocations (throttled requests are not
 * invocations), Errors (handler errors and timeouts), Throttles, Duration and
 * ConcurrentExecutions, plus timeouts and cold starts. Percentiles come from the most recent
 * {@value #WINDOW} durations.
 */
public final class InvocationMetrics {

    static final int WINDOW = 4096;

    /** Told about each invocation as it happens (the local dashboard's AWS/Lambda series). Must be fast. */
    public interface Observer {
        /** An invocation began; {@code concurrentExecutions} counts it. */
        void started(int concurrentExecutions);

        /** It ended: {@code error} for a handler error or a timeout, as the Errors metric counts them. */
        void finished(boolean error, double durationMs);

        /** A request found no free environment and was not invoked. */
        void throttled();
    }

    private final List<Observer> observers = new CopyOnWriteArrayList<>();

    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong throttles = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong coldStarts = new AtomicLong();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();

    private final double[] recentDurations = new double[WINDOW];
    private long durationCount;
    private double durationSum;
    private double durationMax;

    void started() {
        invocations.incrementAndGet();
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        observers.forEach(o -> o.started(now));
    }

    void finished(InvocationResult result, double durationMs) {
        concurrent.decrementAndGet();
        if (result instanceof InvocationResult.FunctionError) {
            errors.incrementAndGet();
        } else if (result instanceof InvocationResult.TimedOut) {
            errors.incrementAndGet();
            timeouts.incrementAndGet();
        }
        synchronized (recentDurations) {
            recentDurations[(int) (durationCount % WINDOW)] = durationMs;
            durationCount++;
            durationSum += durationMs;
            durationMax = Math.max(durationMax, durationMs);
        }
        boolean error = result instanceof InvocationResult.FunctionError || result instanceof InvocationResult.TimedOut;
        observers.forEach(o -> o.finished(error, durationMs));
    }

    void throttled() {
        throttles.incrementAndGet();
        observers.forEach(Observer::throttled);
    }

    public void addObserver(Observer observer) {
        observers.add(observer);
    }

    public void removeObserver(Observer observer) {
        observers.remove(observer);
    }

    void coldStart() {
        coldStarts.incrementAndGet();
    }

    public long invocations() {
        return invocations.get();
    }

    public long errors() {
        return errors.get();
    }

    public long throttles() {
        return throttles.get();
    }

    public long timeouts() {
        return timeouts.get();
    }

    public long coldStarts() {
        return coldStarts.get();
    }

    public int concurrentExecutions() {
        return concurrent.get();
    }

    public int maxConcurrentExecutions() {
        return maxConcurrent.get();
    }

    /** The metrics as the {@code /_local/metrics} JSON object of one function. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("invocations", invocations.get());
        json.put("errors", errors.get());
        json.put("throttles", throttles.get());
        json.put("timeouts", timeouts.get());
        json.put("coldStarts", coldStarts.get());
        ObjectNode duration = json.putObject("durationMs");
        synchronized (recentDurations) {
            int n = (int) Math.min(durationCount, WINDOW);
            double[] sorted = Arrays.copyOf(recentDurations, n);
            Arrays.sort(sorted);
            duration.put("count", durationCount);
            duration.put("sum", round(durationSum));
            duration.put("max", round(durationMax));
            duration.put("avg", durationCount == 0 ? 0 : round(durationSum / durationCount));
            duration.put("p50", round(percentile(sorted, 0.50)));
            duration.put("p90", round(percentile(sorted, 0.90)));
            duration.put("p99", round(percentile(sorted, 0.99)));
        }
        ObjectNode concurrency = json.putObject("concurrentExecutions");
        concurrency.put("current", concurrent.get());
        concurrency.put("max", maxConcurrent.get());
        return json;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
