package dev.circuitlab.downstream;

import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The downstream's CloudWatch metrics (documented in docs/OBSERVABILITY.md; the dashboard in
 * template.yaml names each of them), all of unit Count and with exactly one dimension,
 * {@code Service} ({@code SERVICE_NAME}, {@code downstream} by default). Per-mode fault counts are
 * separate names rather than a {@code FaultMode} dimension: one dimension set per function keeps
 * every name a single CloudWatch metric, and a directive's dimension sets apply to all its metrics.
 */
record DownstreamMetrics(MetricsPublisher publisher) {

    static final String SERVICE_DIMENSION = "Service";
    static final String DEFAULT_SERVICE = "downstream";

    /** Every {@code GET /downstream}, whatever it answered. */
    static final String REQUESTS_SERVED = "RequestsServed";
    /** Every injected fault, any mode; {@link #faultsInjected(FaultMode)} splits them by mode. */
    static final String FAULTS_INJECTED = "FaultsInjected";

    /** The publisher for the downstream: namespace as configured, dimension set {@code {Service}}. */
    static MetricsPublisher publisher(String namespace, String service, Consumer<String> lines, StructuredLog log) {
        return MetricsPublisher.toLines(namespace, Map.of(SERVICE_DIMENSION, service), lines, log);
    }

    /** {@code FaultsInjectedError}, {@code FaultsInjectedLatency}, {@code FaultsInjectedTimeout}, ... */
    static String faultsInjected(FaultMode mode) {
        String wire = mode.wireName();
        return FAULTS_INJECTED + Character.toUpperCase(wire.charAt(0)) + wire.substring(1);
    }

    void served() {
        publisher.current().count(REQUESTS_SERVED);
    }

    void injected(FaultMode mode) {
        publisher.current().count(FAULTS_INJECTED);
        publisher.current().count(faultsInjected(mode));
    }
}
