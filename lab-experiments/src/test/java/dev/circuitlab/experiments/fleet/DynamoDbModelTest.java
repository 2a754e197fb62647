package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.experiments.fleet.SimulatedDynamoDb.Api;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB capacity model: item sizes, unit rounding, the per-item caps, throttling and the SDKs' retries. */
class DynamoDbModelTest {

    private static final FleetParameters P = ModelHarness.FIXED;
    private final RunMeters meters = new RunMeters(60);

    private SimulatedDynamoDb db(FleetParameters p) {
        return new SimulatedDynamoDb(new ItemCapacity(p.readUnitsPerSecond(), p.writeUnitsPerSecond(), p.burst(), 60),
                meters, p, new SplittableRandom(7));
    }

    /** An item of a fixed size. */
    private record Sized(int sizeBytes) implements SimulatedDynamoDb.SizedItem { }

    @Test
    void itemSizeCountsNamesAndValuesByDynamoDbsRules() {
        assertEquals(2 + 5, ItemSize.of(Map.of("id", AttributeValue.fromS("hello"))));
        assertEquals(2, ItemSize.numberSize("5"));
        assertEquals(3, ItemSize.numberSize("1800000000000"), "2 significant digits, even exponent: one byte more");
        assertEquals(4, ItemSize.numberSize("123456"), "6 digits: 1 + 3");
        assertEquals(1, ItemSize.numberSize("0"));
        assertEquals(3, ItemSize.numberSize("-12"));
        // a map: 3 bytes + 1 per element + names and values
        assertEquals(1 + (3 + 1 + 1 + 2), ItemSize.of(Map.of("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromN("7"))))));
    }

    @Test
    void unitsRoundUpPerStartedUnitAndEventualReadsCostHalf() {
        assertEquals(1, ItemSize.readUnits(0, true), "a read of a missing item still costs a unit");
        assertEquals(1, ItemSize.readUnits(4096, true));
        assertEquals(2, ItemSize.readUnits(4097, true));
        assertEquals(1, ItemSize.readUnits(4097, false));
        assertEquals(0.5, ItemSize.readUnits(600, false));
        assertEquals(1, ItemSize.writeUnits(1024, 0));
        assertEquals(2, ItemSize.writeUnits(1025, 10), "the larger of before and after");
        assertEquals(2, ItemSize.writeUnits(10, 1025));
    }

    @Test
    void anItemTakesThreeThousandReadUnitsAndOneThousandWriteUnitsPerSecondThenThrottles() {
        ItemCapacity c = new ItemCapacity(3_000, 1_000, false, 10);
        for (int i = 0; i < 3_000; i++) {
            assertTrue(c.admit(true, 500_000, 1));
        }
        assertFalse(c.admit(true, 999_999, 1), "the 3,001st read unit of the second");
        assertTrue(c.admit(true, 1_000_000, 1), "the next second has its own window");
        for (int i = 0; i < 2_000; i++) {
            assertTrue(c.admit(false, 2_000_000 + i, 0.5));
        }
        assertFalse(c.admit(false, 2_999_999, 0.5));
    }

    @Test
    void burstSpendsUnusedCapacityOfEarlierSeconds() {
        ItemCapacity c = new ItemCapacity(3_000, 1_000, true, 400);
        c.advanceTo(10_000_000); // seconds 0..7 sealed with nothing used
        for (int i = 0; i < 3_000; i++) {
            assertTrue(c.admit(true, 8_000_000, 1));
        }
        assertTrue(c.admit(true, 8_000_000, 1), "over the cap, from the burst pool");
        ItemCapacity none = new ItemCapacity(3_000, 1_000, false, 400);
        none.advanceTo(10_000_000);
        for (int i = 0; i < 3_000; i++) {
            none.admit(true, 8_000_000, 1);
        }
        assertFalse(none.admit(true, 8_000_000, 1));
    }

    @Test
    void aFailedConditionalWriteIsChargedItsWriteUnitAndAThrottledRequestNothing() {
        SimulatedDynamoDb db = db(P);
        Environment env = new Environment(0);
        DynamoDbClientModel client = env.client(SdkRetryPolicy.JAVA_UPSTREAM);
        boolean applied = db.call(env, client, Api.PUT_ITEM, true, true, new Sized(700), at -> false);
        assertFalse(applied);
        assertEquals(1, meters.total(Metric.WRITE_UNITS_CONSUMED), "the condition failed, the unit is billed");
        Sized big = new Sized(2_000);
        db.call(env, client, Api.UPDATE_ITEM, true, true, big, at -> null);
        assertEquals(3, meters.total(Metric.WRITE_UNITS_CONSUMED), "2,000 bytes: 2 units");

        ItemCapacity full = new ItemCapacity(3_000, 1_000, false, 60);
        while (full.admit(false, 0, 1)) { /* fill second 0 */ }
        SimulatedDynamoDb throttling = new SimulatedDynamoDb(full, meters, P, new SplittableRandom(1));
        double before = meters.total(Metric.WRITE_UNITS_CONSUMED);
        Environment other = new Environment(1);
        assertThrows(StoreUnavailableException.class, () -> throttling.call(other,
                other.client(SdkRetryPolicy.JAVA_UPSTREAM), Api.UPDATE_ITEM, true, false, new Sized(700), at -> true));
        assertEquals(before, meters.total(Metric.WRITE_UNITS_CONSUMED), "throttled: nothing billed");
        assertEquals(1, meters.total(Metric.THROTTLED));
        assertEquals(1, other.client(SdkRetryPolicy.JAVA_UPSTREAM).lastAttempts(), "retries off: one attempt");
        assertEquals(1, meters.total(Metric.STORE_ERRORS));
    }

    @Test
    void aThrottledRequestIsRetriedAfterTheBackOffOfItsSdk() {
        ItemCapacity c = new ItemCapacity(3_000, 1_000, false, 60);
        while (c.admit(true, 0, 1)) { /* fill second 0 */ }
        SimulatedDynamoDb db = new SimulatedDynamoDb(c, meters, P, new SplittableRandom(1));
        Environment env = new Environment(0);
        env.now = 800_000;
        DynamoDbClientModel boto = env.client(SdkRetryPolicy.BOTOCORE_LEGACY_DYNAMODB);
        String value = db.call(env, boto, Api.GET_ITEM, true, true, new Sized(500), at -> "read at " + at);
        // 0.8 s: throttled, +50 ms, throttled, +100 ms, throttled, +200 ms: now in second 1, served
        assertEquals(4, boto.lastAttempts());
        assertEquals(3, meters.total(Metric.THROTTLED));
        assertEquals(800_000 + 4 * 2_000 + 350_000, env.now, "four round trips of 2 ms and 350 ms of back-off");
        assertEquals("read at " + (env.now - 1_000), value, "served halfway through its round trip");
    }

    @Test
    void theUpstreamsClientGivesUpWithinItsOneSecondCallTimeout() {
        ItemCapacity c = new ItemCapacity(3_000, 1_000, false, 60);
        for (int s = 0; s < 5; s++) {
            while (c.admit(true, s * 1_000_000L, 1)) { /* fill seconds 0..4 */ }
        }
        SimulatedDynamoDb db = new SimulatedDynamoDb(c, meters, P, new SplittableRandom(3));
        for (int i = 0; i < 20; i++) {
            Environment env = new Environment(i);
            env.now = 100_000L * i;
            long start = env.now;
            DynamoDbClientModel client = env.client(SdkRetryPolicy.JAVA_UPSTREAM);
            assertThrows(StoreUnavailableException.class,
                    () -> db.call(env, client, Api.GET_ITEM, true, true, new Sized(500), at -> null));
            assertTrue(client.lastAttempts() <= 2, "at most 2 attempts");
            assertTrue(env.now - start <= 1_000_000 + 2_000, "within the API call timeout: " + (env.now - start));
        }
    }

    @Test
    void theRetryQuotaRunsOutAfterAHundredThrottledRetries() {
        ItemCapacity c = new ItemCapacity(3_000, 1_000, false, 60);
        for (int s = 0; s < 60; s++) {
            while (c.admit(true, s * 1_000_000L, 1)) { /* every second full */ }
        }
        SimulatedDynamoDb db = new SimulatedDynamoDb(c, meters, P, new SplittableRandom(3));
        Environment env = new Environment(0);
        DynamoDbClientModel client = env.client(SdkRetryPolicy.JAVA_UPSTREAM);
        int retried = 0;
        for (int i = 0; i < 150; i++) {
            env.now = 0;
            assertThrows(StoreUnavailableException.class,
                    () -> db.call(env, client, Api.GET_ITEM, true, true, new Sized(500), at -> null));
            if (client.lastAttempts() > 1) {
                retried++;
            }
        }
        assertTrue(retried <= 100, "500 tokens at 5 per retry: " + retried);
        assertEquals(0, client.quota() / SdkRetryPolicy.JAVA_UPSTREAM.retryCost(), "the quota is spent");
    }

    @Test
    void anEventuallyConsistentReadMaySeeAnOlderVersion() {
        FleetParameters stale = P.withStaleReads(1.0, Duration.ofMillis(100));
        SimulatedDynamoDb db = db(stale);
        VersionedItem<String> item = new VersionedItem<>(v -> Map.of("id", AttributeValue.fromS(v)));
        item.write(0, "v1");
        item.write(1_000_000, "v2");
        int old = 0;
        for (int i = 0; i < 200; i++) {
            String seen = db.readEventually(item, 1_050_000);
            old += seen.equals("v1") ? 1 : 0;
        }
        assertTrue(old > 50 && old < 150, "about half the reads 50 ms after the write lag it by more than 50 ms: " + old);
        assertEquals("v2", db.readEventually(item, 1_200_000), "never older than the lag bound");
    }
}
