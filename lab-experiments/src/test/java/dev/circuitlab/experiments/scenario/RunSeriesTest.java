package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSeriesTest {

    @Test
    void perSecondColumnsFromRecordsAndTicks() {
        Map<String, List<Object>> s = RunSeries.perSecond(Fixtures.breakerOn(0));
        assertEquals(10, s.get("second").size(), "one row per second of the timeline");
        for (List<Object> column : s.values()) {
            assertEquals(10, column.size());
        }
        assertEquals("healthy", s.get("phase").get(0));
        assertEquals("timeout", s.get("phase").get(2));
        // Second 0: 20 /upstream requests at 5 ms, all ok.
        assertEquals(20, s.get("upstream.sent").get(0));
        assertEquals(20, s.get("upstream.ok").get(0));
        assertEquals(5.0, s.get("upstream.p99Ms").get(0));
        // Second 2: all timed out at 2000 ms.
        assertEquals(20, s.get("upstream.timedOut").get(2));
        assertEquals(2000.0, s.get("upstream.p50Ms").get(2));
        // Second 5: fast 503s of 3..9 ms.
        assertEquals(20, s.get("upstream.fast503").get(5));
        assertTrue(((Double) s.get("upstream.p99Ms").get(5)) <= 9.0);
        assertEquals(5, s.get("health.ok").get(5));
        // Concurrency: max of the samples; downstream: counter increase over the second.
        assertEquals(10, s.get("upstream.concurrencyMax").get(2));
        assertEquals(1, s.get("upstream.concurrencyMax").get(5));
        assertEquals(50L, s.get("downstream.invocations").get(0));
        assertEquals(0L, s.get("downstream.invocations").get(5));
        assertEquals("CLOSED", s.get(RunSeries.CIRCUIT_STATE).get(1));
        assertEquals("OPEN", s.get(RunSeries.CIRCUIT_STATE).get(3));
    }

    @Test
    void secondsWithoutRequestsHaveNoPercentile() {
        RunResult run = new RunResult("r", "r", true, Map.of(), 2000, 10, Timeline.parse("healthy:2s"), 0,
                List.of(new RequestRecord(Route.UPSTREAM, 100, 4, 200, Outcome.OK),
                        new RequestRecord(Route.UPSTREAM, 200, Double.NaN, -1, Outcome.DROPPED)),
                List.of(), List.of(), 0);
        Map<String, List<Object>> s = RunSeries.perSecond(run);
        assertEquals(2, s.get("upstream.sent").get(0));
        assertEquals(1, s.get("upstream.dropped").get(0));
        assertEquals(4.0, s.get("upstream.p99Ms").get(0), "dropped requests have no latency");
        assertNull(s.get("upstream.p99Ms").get(1));
        assertNull(s.get("upstream.concurrencyMax").get(1), "no samples, no value");
        assertEquals("CLOSED", s.get(RunSeries.CIRCUIT_STATE).get(1), "carried over");
    }

    @Test
    void stateChangesAreTheStepsOfTheStateChart() {
        List<List<Object>> changes = RunSeries.stateChanges(Fixtures.breakerOn(0));
        assertEquals(List.of(0.0, "CLOSED"), changes.get(0));
        assertEquals(List.of(3.0, "OPEN"), changes.get(1));
        assertEquals(List.of(10.0, "OPEN"), changes.get(changes.size() - 1));
        assertEquals("BYPASSED", RunSeries.stateChanges(Fixtures.breakerOff()).get(0).get(1));
        assertEquals("BYPASSED", RunSeries.perSecond(Fixtures.breakerOff()).get(RunSeries.CIRCUIT_STATE).get(4));
    }
}
