package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Powertools model behaves as its source says, on small histories. */
class PowertoolsModelTest {

    private final ModelHarness h = new ModelHarness(new PowertoolsModel());

    private PowertoolsModel.Item item() {
        return ((PeerFleet<PowertoolsModel.Item>) h.fleet).item().latest();
    }

    @Test
    void theStateIsReadEventuallyConsistentOnceAndCachedForUnderFiveSeconds() {
        Environment env = h.environment();
        h.call(env, 0, true);
        assertEquals(1, h.count(Metric.GET_ITEM));
        assertEquals(0.5, h.units(Metric.READ_UNITS_CONSUMED));
        h.call(env, 3_000, true);
        h.call(env, 4_900, true);
        assertEquals(1, h.count(Metric.GET_ITEM), "cached: the healthy path costs nothing");
        h.call(env, 5_000, true); // int(now) reached int(saved) + 5
        assertEquals(2, h.count(Metric.GET_ITEM));
        assertEquals(0, h.count(Metric.PUT_ITEM) + h.count(Metric.UPDATE_ITEM), "nothing is written while CLOSED and healthy");
    }

    @Test
    void oneEnvironmentsFiveConsecutiveFailuresOpenTheWholeFleet() {
        Environment sick = h.environment();
        Environment healthy = h.environment();
        for (int i = 0; i < 5; i++) {
            assertTrue(h.call(sick, i * 100L, false).permitted());
            h.call(healthy, i * 100L + 50, true);
        }
        assertEquals(SharedState.OPEN, h.state());
        assertEquals(1, h.count(Metric.PUT_ITEM), "one unconditional PutItem writes OPEN");
        assertTrue(h.decide(healthy, 4_900).permitted(), "its cached CLOSED lasts until the cache expires");
        assertFalse(h.decide(healthy, 5_100).permitted(), "then it reads OPEN: the healthy environment rejects too");
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        Environment env = h.environment();
        for (int i = 0; i < 4; i++) {
            h.call(env, i * 100L, false);
        }
        h.call(env, 500, true);
        for (int i = 0; i < 4; i++) {
            h.call(env, 600 + i * 100L, false);
        }
        assertEquals(SharedState.CLOSED, h.state());
        assertEquals(0, h.count(Metric.PUT_ITEM));
    }

    @Test
    void oneProberIsElectedByAConditionalPutAndEveryLoserPaysAWriteUnitUntilItsCacheExpires() {
        List<Environment> envs = h.environments(10);
        for (Environment e : envs) {
            h.decide(e, 0); // each caches CLOSED
        }
        Environment tripper = envs.get(0);
        h.failures(tripper, 5, 100);
        long recovery = PowertoolsModel.RECOVERY_TIMEOUT_S * 1000L;
        for (Environment e : envs) {
            assertFalse(h.decide(e, recovery - 1_000).permitted()); // each reads OPEN (opened at second 0) and caches it
        }
        long writes = h.count(Metric.PUT_ITEM);
        double units = h.units(Metric.WRITE_UNITS_CONSUMED);
        List<Decision> first = envs.stream().map(e -> h.decide(e, recovery + 1_000)).toList();
        assertEquals(1, first.stream().filter(Decision::permitted).count(), "one prober");
        assertTrue(first.stream().filter(Decision::permitted).allMatch(Decision::probe));
        assertEquals(writes + 10, h.count(Metric.PUT_ITEM), "every caller tried the conditional PutItem");
        assertEquals(units + 10, h.units(Metric.WRITE_UNITS_CONSUMED), 1e-9, "the nine failed conditions are billed too");
        // The losers cached nothing: their next call tries again.
        List<Decision> second = envs.subList(1, 10).stream().map(e -> h.decide(e, recovery + 1_100)).toList();
        assertTrue(second.stream().noneMatch(Decision::permitted));
        assertEquals(writes + 19, h.count(Metric.PUT_ITEM));
        assertEquals(SharedState.HALF_OPEN, h.state());
    }

    @Test
    void theProbersThreeSuccessesCloseTheCircuit() {
        Environment env = h.environment();
        h.failures(env, 5, 0);
        long t = PowertoolsModel.RECOVERY_TIMEOUT_S * 1000L + 1_000;
        for (int i = 0; i < 2; i++) {
            Decision d = h.call(env, t + i * 100L, true);
            assertTrue(d.probe());
            assertEquals(SharedState.HALF_OPEN, h.state());
        }
        assertTrue(h.call(env, t + 200, true).probe());
        assertEquals(SharedState.CLOSED, h.state());
        assertEquals(PowertoolsModel.State.CLOSED, item().state());
        assertEquals(null, item().owner(), "the owner and lease are removed");
    }

    @Test
    void aFailedProbeReopensWithANewOpenedAt() {
        Environment env = h.environment();
        h.failures(env, 5, 0);
        long t = PowertoolsModel.RECOVERY_TIMEOUT_S * 1000L + 1_000;
        assertTrue(h.call(env, t, false).probe());
        assertEquals(SharedState.OPEN, h.state());
        assertEquals((Environment.EPOCH_MILLIS + t) / 1000, item().openedAt(), "epoch seconds of the failed probe");
    }
}
