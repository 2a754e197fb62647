package dev.circuitlab.local.dashboard;

import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.local.lambda.InvocationMetrics;
import java.util.Map;

/**
 * The local counterparts of one function's AWS/Lambda metrics, dimension {@code FunctionName}, from
 * the runtime's own invocation bookkeeping ({@link InvocationMetrics}): {@code Invocations},
 * {@code Errors} (0 or 1 per invocation, as Lambda reports them), {@code Duration} (ms),
 * {@code Throttles} (1 per throttled request, 0 per invocation) and {@code ConcurrentExecutions}
 * (the count at each start, and once a second from {@link #sample}).
 */
final class LambdaMetricsRecorder implements InvocationMetrics.Observer {

    static final String NAMESPACE = "AWS/Lambda";

    private final MetricStore store;
    private final ExecutionEnvironmentPool pool;
    private final MetricKey invocations;
    private final MetricKey errors;
    private final MetricKey duration;
    private final MetricKey throttles;
    private final MetricKey concurrent;

    LambdaMetricsRecorder(MetricStore store, ExecutionEnvironmentPool pool) {
        this.store = store;
        this.pool = pool;
        Map<String, String> dims = Map.of("FunctionName", pool.function().functionName());
        invocations = new MetricKey(NAMESPACE, "Invocations", dims);
        errors = new MetricKey(NAMESPACE, "Errors", dims);
        duration = new MetricKey(NAMESPACE, "Duration", dims);
        throttles = new MetricKey(NAMESPACE, "Throttles", dims);
        concurrent = new MetricKey(NAMESPACE, "ConcurrentExecutions", dims);
    }

    void attach() {
        pool.metrics().addObserver(this);
    }

    void detach() {
        pool.metrics().removeObserver(this);
    }

    @Override
    public void started(int concurrentExecutions) {
        store.record(concurrent, "Count", concurrentExecutions, System.currentTimeMillis());
    }

    @Override
    public void finished(boolean error, double durationMs) {
        long now = System.currentTimeMillis();
        store.record(invocations, "Count", 1, now);
        store.record(errors, "Count", error ? 1 : 0, now);
        store.record(throttles, "Count", 0, now);
        store.record(duration, "Milliseconds", durationMs, now);
    }

    @Override
    public void throttled() {
        store.record(throttles, "Count", 1, System.currentTimeMillis());
    }

    /** Records the current concurrency, so a long invocation shows in every second it runs. */
    void sample(long nowMillis) {
        store.record(concurrent, "Count", pool.metrics().concurrentExecutions(), nowMillis);
    }
}
