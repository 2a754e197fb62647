package dev.circuitlab.upstream;

import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import java.time.Clock;
import java.util.function.Consumer;

/** Upstream handlers over given collaborators, with their log lines and EMF documents captured. */
final class TestHandlers {

    private TestHandlers() {
    }

    /** Log lines to {@code logLines}, metrics discarded, SnapStart hooks driven by the test. */
    static UpstreamHandler upstream(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream,
                                    Clock clock, Consumer<String> logLines) {
        return upstream(config, store, downstream, clock, logLines, MetricsPublisher.DEFAULT_NAMESPACE, line -> { });
    }

    /** EMF documents (one line each) to {@code metricLines} in {@code namespace}. */
    static UpstreamHandler upstream(UpstreamConfig config, CircuitStateStore store, DownstreamClient downstream,
                                    Clock clock, Consumer<String> logLines, String namespace,
                                    Consumer<String> metricLines) {
        StructuredLog log = new StructuredLog("upstream", logLines);
        return new UpstreamHandler(new UpstreamComponents(config, store, downstream, clock, log,
                CircuitMetrics.publisher(namespace, config.circuitId(), metricLines, log),
                SnapStartPriming.unregistered(log)));
    }
}
