package dev.circuitlab.experiments.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run measured: the counters and the figures of the summary.
 *
 * @param addedLatencyP50Micros            time the breaker's decide and record took per request, median (NaN if none)
 * @param addedLatencyP99Micros            ... and its 99th percentile
 * @param tripAfterFirstFailureMs          first transition of the shared item to OPEN after the first failed call
 * @param fleetRejectingAfterFirstFailureMs first moment at least 99 % of recently active environments rejected
 * @param trips                            transitions of the shared item into OPEN
 * @param closeAfterFaultEndMs             null when it never tripped (or there is no fault end) or never closed
 * @param stillOpenAtEnd                   tripped and not CLOSED when the run ended
 */
public record RunResult(String strategy, Scenario scenario, double rps, RunMeters meters, double addedLatencyP50Micros,
                        double addedLatencyP99Micros,
                        Long tripAfterFirstFailureMs, Long fleetRejectingAfterFirstFailureMs, int trips,
                        Long closeAfterFaultEndMs, boolean stillOpenAtEnd) {

    /** DynamoDB on-demand, us-east-1, per million request units: read, write (prices in effect since 2024-11-01). */
    public static final double USD_PER_MILLION_READ_UNITS = 0.125;
    public static final double USD_PER_MILLION_WRITE_UNITS = 0.625;
    public static final String PRICES = "DynamoDB on-demand, us-east-1: $0.125 per million read request units, "
            + "$0.625 per million write request units (the prices in effect since 2024-11-01)";

    public double durationSeconds() {
        return scenario.durationMs() / 1000.0;
    }

    /**
     * The summary's figures, in the order of the {@code --json} format (null where a figure does
     * not apply), then a few more that explain them.
     */
    public Map<String, Object> figures() {
        RunMeters m = meters;
        double invocations = m.total(Metric.INVOCATIONS);
        double requests = m.total(Metric.GET_ITEM) + m.total(Metric.PUT_ITEM) + m.total(Metric.UPDATE_ITEM);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("strategy", strategy);
        f.put("scenario", scenario.name());
        f.put("rps", rps == Math.rint(rps) ? (Object) (long) rps : (Object) rps);
        f.put("instancesPeak", (long) m.total(Metric.ENVIRONMENTS));
        f.put("itemReadUnitsPeakPerSec", round(m.peak(Metric.READ_UNITS), 1));
        f.put("itemWriteUnitsPeakPerSec", round(m.peak(Metric.WRITE_UNITS), 1));
        f.put("throttledRequests", (long) m.total(Metric.THROTTLED));
        f.put("storeErrors", (long) m.total(Metric.STORE_ERRORS));
        f.put("requestsPerUpstreamRequest", invocations == 0 ? null : round(requests / invocations, 3));
        f.put("addedLatencyP50Ms", ms(addedLatencyP50Micros));
        f.put("addedLatencyP99Ms", ms(addedLatencyP99Micros));
        boolean fault = !scenario.shouldStayClosed();
        f.put("tripAfterFirstFailureMs", fault ? tripAfterFirstFailureMs : null);
        f.put("fleetRejectingAfterFirstFailureMs", fault ? fleetRejectingAfterFirstFailureMs : null);
        f.put("downstreamCallsWhileOpen", (long) m.total(Metric.CALLS_WHILE_OPEN));
        f.put("maxConcurrentProbes", (long) m.total(Metric.PROBES_IN_FLIGHT));
        f.put("falseTrips", scenario.shouldStayClosed() ? (Object) (long) trips : null);
        f.put("closeAfterFaultEndMs", closeAfterFaultEndMs);
        f.put("costUsdPerMillionRequests", invocations == 0 ? null : round(cost() / invocations * 1e6, 4));
        // explaining figures
        f.put("itemReadUnitsMeanPerSec", round(m.total(Metric.READ_UNITS) / durationSeconds(), 1));
        f.put("itemWriteUnitsMeanPerSec", round(m.total(Metric.WRITE_UNITS) / durationSeconds(), 1));
        f.put("itemReadUnitsServedPeakPerSec", round(m.peak(Metric.READ_UNITS_CONSUMED), 1));
        f.put("itemWriteUnitsServedPeakPerSec", round(m.peak(Metric.WRITE_UNITS_CONSUMED), 1));
        f.put("readRequestsPerUpstreamRequest", invocations == 0 ? null : round(m.total(Metric.GET_ITEM) / invocations, 3));
        f.put("writeRequestsPerUpstreamRequest", invocations == 0 ? null
                : round((m.total(Metric.PUT_ITEM) + m.total(Metric.UPDATE_ITEM)) / invocations, 3));
        f.put("fallbackDecisions", (long) m.total(Metric.FALLBACK_DECISIONS));
        f.put("upstreamRequests", (long) m.total(Metric.ARRIVALS));
        f.put("lambdaThrottles", (long) m.total(Metric.LAMBDA_THROTTLES));
        f.put("timedOutInvocations", (long) m.total(Metric.KILLED));
        f.put("coldStarts", (long) m.total(Metric.COLD_STARTS));
        f.put("downstreamCalls", (long) m.total(Metric.DOWNSTREAM_CALLS));
        f.put("rejectedCalls", (long) m.total(Metric.REJECTED));
        f.put("trips", (long) trips);
        f.put("stillOpenAtEnd", stillOpenAtEnd);
        return f;
    }

    /** USD billed for the item's requests in this run (throttled requests are not billed). */
    public double cost() {
        return (meters.total(Metric.READ_UNITS_CONSUMED) * USD_PER_MILLION_READ_UNITS
                + meters.total(Metric.WRITE_UNITS_CONSUMED) * USD_PER_MILLION_WRITE_UNITS) / 1e6;
    }

    private static Double ms(double micros) {
        return Double.isNaN(micros) ? null : round(micros / 1000, 2);
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
