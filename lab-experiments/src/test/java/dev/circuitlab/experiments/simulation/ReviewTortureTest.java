package dev.circuitlab.experiments.simulation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The seeded simulation with the fault it lacked: a request applied while every SDK attempt's
 * answer was lost (the breaker sees a store error). Lists the first seed per violated invariant.
 */
class ReviewTortureTest {

    @Test
    void historiesWithAppliedButFailedRequestsViolateNoInvariant() {
        int seeds = Integer.getInteger("review.seeds", 2_000);
        TortureCommand.Result r = TortureCommand.run(1, seeds, TortureCommand.DEFAULT_STEPS, InMemoryCircuitStateStore::new);
        Map<String, String> firstSeedPerInvariant = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (BreakerHistory.Violation v : r.violations()) {
            String kind = v.invariant().substring(0, v.invariant().indexOf(':'));
            counts.merge(kind, 1, Integer::sum);
            firstSeedPerInvariant.putIfAbsent(kind, "seed " + v.seed() + ": " + v.invariant());
        }
        StringBuilder report = new StringBuilder(r.violations().size() + " of " + seeds + " histories violated an invariant");
        counts.forEach((kind, n) -> report.append("\n  ").append(n).append(" x ").append(firstSeedPerInvariant.get(kind)));
        System.out.println(report);
        assertTrue(r.passed(), report.toString());
    }
}
