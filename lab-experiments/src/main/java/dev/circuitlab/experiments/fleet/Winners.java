package dev.circuitlab.experiments.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which breaker wins each figure of one scenario at one rate. Lower is better for every figure but
 * the probes in flight, where the single probe a fleet needs is best. A breaker that never tripped
 * in a fault scenario loses the trip figures; one still open at the end loses the close figure;
 * figures that do not apply to a run are left out of its comparison.
 */
public final class Winners {

    /** A figure, with what winning it means (how it is scored: {@link #score}). */
    record Figure(String name, String meaning) { }

    static final List<Figure> FIGURES = List.of(
            new Figure("itemReadUnitsPeakPerSec", "fewest read units per second at the peak"),
            new Figure("itemWriteUnitsPeakPerSec", "fewest write units per second at the peak"),
            new Figure("throttledRequests", "fewest throttled DynamoDB requests"),
            new Figure("storeErrors", "fewest store errors"),
            new Figure("requestsPerUpstreamRequest", "fewest DynamoDB requests per upstream request"),
            new Figure("addedLatencyP50Ms", "least added latency, median"),
            new Figure("addedLatencyP99Ms", "least added latency, p99"),
            new Figure("tripAfterFirstFailureMs", "trips soonest after the first failure"),
            new Figure("fleetRejectingAfterFirstFailureMs", "whole fleet rejecting soonest"),
            new Figure("downstreamCallsWhileOpen", "fewest calls to the downstream while open"),
            new Figure("maxConcurrentProbes", "probes in flight closest to one"),
            new Figure("falseTrips", "fewest false trips"),
            new Figure("closeAfterFaultEndMs", "closes soonest after the fault ends"),
            new Figure("costUsdPerMillionRequests", "cheapest DynamoDB bill per million requests"));

    private Winners() {
    }

    /** For each figure, the ids of the winning breakers (ties share); figures no run applies to are left out. */
    static Map<String, List<String>> of(Scenario scenario, List<Map<String, Object>> runs) {
        Map<String, List<String>> winners = new LinkedHashMap<>();
        for (Figure f : FIGURES) {
            Map<String, Double> scores = new LinkedHashMap<>();
            for (Map<String, Object> run : runs) {
                Double score = score(f, scenario, run);
                if (score != null) {
                    scores.put((String) run.get("strategy"), score);
                }
            }
            if (scores.isEmpty() || scores.values().stream().allMatch(s -> Double.isInfinite(s))) {
                continue;
            }
            double best = scores.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            List<String> ids = new ArrayList<>();
            scores.forEach((id, s) -> {
                if (s == best) {
                    ids.add(id);
                }
            });
            winners.put(f.name(), ids); // a tie among all: each wins
        }
        return winners;
    }

    /** Lower wins; +infinity for a run that fails the figure outright; null when it does not apply. */
    private static Double score(Figure f, Scenario scenario, Map<String, Object> run) {
        Object v = run.get(f.name());
        switch (f.name()) {
            case "tripAfterFirstFailureMs", "fleetRejectingAfterFirstFailureMs" -> {
                if (scenario.shouldStayClosed()) {
                    return null;
                }
                return v == null ? Double.POSITIVE_INFINITY : ((Number) v).doubleValue();
            }
            case "closeAfterFaultEndMs" -> {
                if (v == null) {
                    return Boolean.TRUE.equals(run.get("stillOpenAtEnd")) ? Double.POSITIVE_INFINITY : null;
                }
                return ((Number) v).doubleValue();
            }
            case "maxConcurrentProbes" -> {
                long probes = ((Number) v).longValue();
                return probes == 0 ? null : (double) Math.abs(probes - 1);
            }
            default -> {
                return v == null ? null : ((Number) v).doubleValue();
            }
        }
    }
}
