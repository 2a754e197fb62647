package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioAnalysisTest {

    private static Map<String, Boolean> byId(List<ScenarioAnalysis.Check> checks) {
        return checks.stream().collect(Collectors.toMap(ScenarioAnalysis.Check::id, ScenarioAnalysis.Check::pass));
    }

    @Test
    void theTripAndTheWindows() {
        RunResult on = Fixtures.breakerOn(0);
        ScenarioAnalysis.Trip trip = ScenarioAnalysis.trip(on).orElseThrow();
        assertEquals(3000, trip.openedAtMs());
        assertEquals(10_000, trip.openEndMs(), "still OPEN at the end");
        double[] w = ScenarioAnalysis.steadyWindow(on);
        assertEquals(5000, w[0], "trip + one call timeout");
        assertEquals(8000, w[1], "the end of the outage");
        double[] off = ScenarioAnalysis.steadyWindow(Fixtures.breakerOff());
        assertEquals(4000, off[0], "outage start + one call timeout");
        assertEquals(8000, off[1]);
    }

    @Test
    void allAcceptanceChecksPassOnTheExpectedShape() {
        Map<String, Boolean> c = byId(ScenarioAnalysis.checks(Fixtures.breakerOn(0), Fixtures.breakerOff()));
        assertEquals(Map.of("on.upstream-p99", true, "on.no-downstream", true, "on.health", true,
                "off.upstream-p99", true, "off.saturated", true, "off.health", true), c);
    }

    @Test
    void aDownstreamCallWhileOpenFails() {
        RunResult leaky = Fixtures.breakerOn(1);
        assertEquals(1, ScenarioAnalysis.downstreamInvocationsWhileOpen(leaky));
        assertFalse(byId(ScenarioAnalysis.checks(leaky, Fixtures.breakerOff())).get("on.no-downstream"));
    }

    @Test
    void aCircuitThatNeverOpensFailsTheBreakerChecks() {
        RunResult neverOpens = Fixtures.breakerOff();
        RunResult asOn = new RunResult("breaker-on", "x", true, Map.of(), 2000, 10, neverOpens.timeline(), 0,
                neverOpens.records(), neverOpens.ticks(), List.of(), 0);
        List<ScenarioAnalysis.Check> checks = ScenarioAnalysis.checks(asOn, Fixtures.breakerOff());
        assertTrue(checks.stream().filter(ch -> ch.id().startsWith("on.")).noneMatch(ScenarioAnalysis.Check::pass));
        assertTrue(checks.get(0).detail().contains("never opened"), checks.get(0).detail());
    }

    @Test
    void headlineNumbers() {
        Map<String, Object> h = ScenarioAnalysis.headline(Fixtures.breakerOn(0));
        assertEquals(5.0, h.get("healthyUpstreamP50Ms"));
        assertEquals(1000L, h.get("tripAfterFaultMs"));
        assertEquals(0L, h.get("downstreamInvocationsWhileOpen"));
        assertEquals(0, h.get("windowUpstreamTimedOut"));
        Map<String, Object> off = ScenarioAnalysis.headline(Fixtures.breakerOff());
        assertEquals(10, off.get("windowUpstreamConcurrencyMax"));
        assertFalse(off.containsKey("tripAfterFaultMs"));
    }
}
