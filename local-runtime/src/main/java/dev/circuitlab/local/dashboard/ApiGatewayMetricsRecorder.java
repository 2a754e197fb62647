package dev.circuitlab.local.dashboard;

import dev.circuitlab.local.http.LocalApiServer;
import java.util.Map;

/**
 * The local counterparts of the AWS/ApiGateway metrics of HTTP APIs, dimension {@code ApiId} (the
 * API's logical id, which is what {@code Ref} gives locally), from the local server's answers:
 * {@code Count}, {@code 4xx} and {@code 5xx} (0 or 1 per request, as API Gateway reports them) and
 * {@code Latency} (ms, the whole request including the function).
 */
final class ApiGatewayMetricsRecorder implements LocalApiServer.ResponseListener {

    static final String NAMESPACE = "AWS/ApiGateway";

    private final MetricStore store;

    ApiGatewayMetricsRecorder(MetricStore store) {
        this.store = store;
    }

    @Override
    public void answered(String apiId, String routeKey, int status, double latencyMs) {
        long now = System.currentTimeMillis();
        Map<String, String> dims = Map.of("ApiId", apiId);
        store.record(new MetricKey(NAMESPACE, "Count", dims), "Count", 1, now);
        store.record(new MetricKey(NAMESPACE, "4xx", dims), "Count", status >= 400 && status < 500 ? 1 : 0, now);
        store.record(new MetricKey(NAMESPACE, "5xx", dims), "Count", status >= 500 ? 1 : 0, now);
        store.record(new MetricKey(NAMESPACE, "Latency", dims), "Milliseconds", latencyMs, now);
    }
}
