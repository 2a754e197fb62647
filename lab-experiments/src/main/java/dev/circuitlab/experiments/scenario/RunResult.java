package dev.circuitlab.experiments.scenario;

import java.util.List;
import java.util.Map;

/**
 * Everything one run recorded (raw), before aggregation.
 *
 * @param name                     {@code breaker-on} / {@code breaker-off}
 * @param parameterOverrides       what the local runtime was started with
 * @param callTimeoutMs            the upstream's call timeout (CircuitCallTimeoutMs)
 * @param upstreamConcurrencyLimit the upstream function's concurrency limit
 * @param t0EpochMs                wall-clock time of offset 0 (the start of the timeline)
 * @param maxDispatchLagMs         how late the generator sent its most delayed request
 */
public record RunResult(String name, String label, boolean breakerEnabled, Map<String, String> parameterOverrides,
                        long callTimeoutMs, int upstreamConcurrencyLimit, Timeline timeline, long t0EpochMs,
                        List<RequestRecord> records, List<Tick> ticks, List<FaultChange> faultChanges,
                        double maxDispatchLagMs) {

    public RunResult {
        parameterOverrides = Map.copyOf(parameterOverrides);
        records = List.copyOf(records);
        ticks = List.copyOf(ticks);
        faultChanges = List.copyOf(faultChanges);
    }

    /**
     * A call to the downstream's fault API at a phase boundary.
     *
     * @param status the API's answer (-1: no answer)
     */
    public record FaultChange(double offsetMs, String mode, int status) {
    }
}
