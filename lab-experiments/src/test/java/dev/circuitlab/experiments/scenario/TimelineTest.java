package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void theDefaultIsHealthyTimeoutHealthy() {
        Timeline t = Timeline.defaults();
        assertEquals(List.of("healthy", "timeout", "healthy"), t.phases().stream().map(Timeline.Phase::mode).toList());
        assertEquals(60_000, t.totalMs());
        assertEquals(10_000, t.startOf(1));
        assertEquals(40_000, t.startOf(2));
        assertEquals(1, t.firstFaultIndex());
        assertEquals(0, t.phaseIndexAt(9_999));
        assertEquals(1, t.phaseIndexAt(10_000));
        assertEquals(2, t.phaseIndexAt(59_999));
        assertEquals(2, t.phaseIndexAt(70_000), "after the end: the last phase");
        assertEquals("healthy:10s,timeout:30s,healthy:20s", t.spec());
    }

    @Test
    void unitsModesAndRoundTrip() {
        Timeline t = Timeline.parse(" healthy:1500ms , latency=800:2m,none:5, error:0.5s ");
        assertEquals(List.of(1500L, 120_000L, 5_000L, 500L), t.phases().stream().map(Timeline.Phase::durationMs).toList());
        assertEquals(800L, t.phases().get(1).latencyMs());
        assertEquals("healthy", t.phases().get(2).mode(), "none is healthy");
        assertEquals(t, Timeline.parse(t.spec()));
    }

    @Test
    void durationScalesThePhasesInProportion() {
        Timeline t = Timeline.defaults().scaledTo(30_000);
        assertEquals(List.of(5_000L, 15_000L, 10_000L), t.phases().stream().map(Timeline.Phase::durationMs).toList());
        Timeline odd = Timeline.defaults().scaledTo(3_000);
        assertEquals(3_000, odd.totalMs());
        assertTrue(odd.phases().stream().allMatch(p -> p.durationMs() >= Timeline.MIN_PHASE_MS));
    }

    @Test
    void mistakesAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("slow:10s"));
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("timeout"));
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("timeout:ten"));
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("timeout:50ms"), "too short to apply");
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("latency:10s"), "latency needs a value");
        assertThrows(IllegalArgumentException.class, () -> Timeline.parse("timeout=5:10s"), "only latency takes one");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timeline.parse("slow:10s"));
        assertTrue(e.getMessage().contains("slow"), e.getMessage());
    }

    @Test
    void outcomesAreClassifiedByStatusAndLatency() {
        assertEquals(Outcome.OK, Outcome.classify(200, 5, false, 200));
        assertEquals(Outcome.FAST_503, Outcome.classify(503, 5, false, 200));
        assertEquals(Outcome.ERROR, Outcome.classify(503, 900, false, 200), "a slow 503 is not a fast rejection");
        assertEquals(Outcome.THROTTLED, Outcome.classify(429, 1, false, 200));
        assertEquals(Outcome.TIMED_OUT, Outcome.classify(504, 2000, false, 200));
        assertEquals(Outcome.TIMED_OUT, Outcome.classify(-1, 5000, true, 200));
        assertEquals(Outcome.ERROR, Outcome.classify(502, 3, false, 200));
        assertEquals(Outcome.ERROR, Outcome.classify(-1, 3, false, 200), "connection error");
    }
}
