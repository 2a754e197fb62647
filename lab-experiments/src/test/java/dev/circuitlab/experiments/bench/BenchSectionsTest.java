package dev.circuitlab.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.experiments.DynaliteTable;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bench's counting sections on dynalite, in quick mode. Request counts and probe counts are
 * exact properties of the breaker, so they are asserted; latencies are only reported.
 */
class BenchSectionsTest {

    private static DynaliteTable dynalite;

    @BeforeAll
    static void start() {
        dynalite = DynaliteTable.start("bench");
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    @Test
    @Timeout(60)
    void requestCostsByState() throws Exception {
        RequestCostBench.Result r = BenchCommand.quietly(() -> new RequestCostBench(dynalite.endpoint(), dynalite.table(), true).run());
        RequestCostBench.Cost healthy = r.costs().get(0);
        assertEquals("CLOSED", healthy.state());
        assertEquals(healthy.requests(), healthy.reads(), "one GetItem per healthy request");
        assertEquals(0, healthy.writes());
        assertEquals(healthy.requests(), healthy.downstreamCalls());
        RequestCostBench.Cost open = r.costs().stream().filter(c -> c.state().equals("OPEN")).findFirst().orElseThrow();
        assertEquals(open.requests(), open.reads());
        assertEquals(0, open.writes());
        assertEquals(0, open.downstreamCalls());
        RequestCostBench.Cost failing = r.costs().get(1);
        assertEquals(failing.requests(), failing.writes(), "one write per failure below the threshold");
        RequestCostBench.Cost trip = r.costs().get(2);
        assertEquals(2, trip.writes(), "count + trip");
        assertTrue(r.cache().reads() <= r.cache().periods() * r.cache().environments(), r.cache().toString());
        assertTrue(r.healthyOn().p50() > 0 && r.healthyOff().p50() > 0, "both healthy paths were timed");
        assertEquals(0, r.cache().writes());
        assertTrue(r.openLatency().count() > 0);
        List<dev.circuitlab.experiments.scenario.ScenarioAnalysis.Check> checks = BenchCommand.checks(r, List.of(), 1);
        assertTrue(checks.stream().filter(c -> c.id().startsWith("healthy.")).allMatch(c -> c.pass()), checks.toString());
    }

    @Test
    @Timeout(60)
    void halfOpenAdmitsAtMostTheConfiguredProbes() throws Exception {
        HalfOpenProbeBench.Result r = BenchCommand.quietly(() -> new HalfOpenProbeBench(dynalite.endpoint(), dynalite.table()).run(2, 20, 3));
        assertEquals(3, r.admitted().size());
        assertTrue(r.withinLimitEveryTime(), r.admitted().toString());
        assertTrue(r.min() >= 1, "somebody probes: " + r.admitted());
    }
}
