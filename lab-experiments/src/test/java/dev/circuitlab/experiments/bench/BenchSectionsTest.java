package dev.circuitlab.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The bench's counting sections on dynalite, in quick mode. Request counts and probe counts are
 * exact properties of the breaker, so they are asserted; latencies are only reported.
 */
class BenchSectionsTest {

    private static DynaliteServer dynalite;
    private static final String TABLE = DynamoDbEndpoint.uniqueTableName("bench");

    @BeforeAll
    static void start() {
        dynalite = DynaliteServer.start(DynaliteServer.projectRoot());
        try (DynamoDbClient c = DynamoDbEndpoint.clientBuilder(dynalite.endpoint()).build()) {
            c.createTable(DynamoDbCircuitStateStore.createTableRequest(TABLE));
        }
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
        RequestCostBench.Result r = BenchCommand.quietly(() -> new RequestCostBench(dynalite.endpoint(), TABLE, true).run());
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
        assertEquals(0, r.cache().writes());
        assertTrue(r.openLatency().count() > 0);
        List<dev.circuitlab.experiments.scenario.ScenarioAnalysis.Check> checks = BenchCommand.checks(r, List.of(), 1);
        assertTrue(checks.stream().filter(c -> c.id().startsWith("healthy.")).allMatch(c -> c.pass()), checks.toString());
    }

    @Test
    @Timeout(60)
    void halfOpenAdmitsAtMostTheConfiguredProbes() throws Exception {
        HalfOpenProbeBench.Result r = BenchCommand.quietly(() -> new HalfOpenProbeBench(dynalite.endpoint(), TABLE).run(2, 20, 3));
        assertEquals(3, r.admitted().size());
        assertTrue(r.withinLimitEveryTime(), r.admitted().toString());
        assertTrue(r.min() >= 1, "somebody probes: " + r.admitted());
    }
}
