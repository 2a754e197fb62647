package dev.circuitlab.breaker.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.Transition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads map items by hand ({@link CircuitItem#fromAttributes}), writes through the enhanced
 * client's schema: the two must agree on every item either can meet, or a read would see another
 * circuit than the one written.
 */
class CircuitItemMappingTest {

    private static final long T0 = 1_764_590_400_000L;

    @Test
    void theHandMappingReadsWhatTheSchemaWritesForSeededRandomCircuits() {
        Random random = new Random(20261201L);
        for (int n = 0; n < 2_000; n++) {
            CircuitSnapshot written = randomSnapshot(random);
            Map<String, AttributeValue> item = CircuitItem.Schema.TABLE.itemToMap(CircuitItem.of(written), true);
            CircuitSnapshot byHand = CircuitItem.fromAttributes(item).toSnapshot();
            assertEquals(written, byHand, "snapshot " + n + " read back by hand");
            assertEquals(CircuitItem.Schema.TABLE.mapToItem(item).toSnapshot(), byHand, "snapshot " + n + ": schema and hand agree");
        }
    }

    @Test
    void handEditedItemsReadAsTheSchemaReadsThem() {
        // What a person may leave in the console: numbers as strings, NULLs, missing maps, attributes
        // of an older layout.
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("circuitId", AttributeValue.fromS("payments"));
        item.put("state", AttributeValue.fromS("OPEN"));
        item.put("version", AttributeValue.fromS("7"));
        item.put("retryAt", AttributeValue.fromN(Long.toString(T0 + 30_000)));
        item.put("openedAt", AttributeValue.fromNul(true));
        item.put("consecutiveOpens", AttributeValue.fromN("2"));
        item.put("failureCount", AttributeValue.fromN("4"));
        item.put("recentFailures", AttributeValue.fromM(Map.of(CircuitItem.bucketKey(T0), AttributeValue.fromS("3"))));
        item.put("probeOwners", AttributeValue.fromM(Map.of()));
        item.put("lastTransition", AttributeValue.fromM(Map.of("from", AttributeValue.fromS("CLOSED"),
                "to", AttributeValue.fromS("OPEN"), "at", AttributeValue.fromS("2025-12-01T12:00:00Z"),
                "reason", AttributeValue.fromNul(true), "note", AttributeValue.fromNul(true))));
        CircuitItem byHand = CircuitItem.fromAttributes(item);
        CircuitItem bySchema = CircuitItem.Schema.TABLE.mapToItem(item);
        assertEquals(bySchema.toSnapshot(), byHand.toSnapshot());
        assertEquals(7L, byHand.version);
        assertNull(byHand.openedAt, "NULL reads as absent");
        assertNull(byHand.probeLeases, "a missing map is absent, as the schema leaves it");
        assertEquals(Map.of(CircuitItem.bucketKey(T0), 3L), byHand.recentFailures);
        assertNull(byHand.lastTransition.get("reason"), "a NULL map value reads as absent");
        assertEquals(CircuitState.OPEN, byHand.toSnapshot().lastTransition().to());
    }

    @Test
    void anAttributeOfTheWrongTypeIsRefusedByBothTheHandMappingNamingIt() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("circuitId", AttributeValue.fromS("payments"));
        item.put("state", AttributeValue.fromS("CLOSED"));
        item.put("probeLeases", AttributeValue.fromS("not a map"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitItem.fromAttributes(item));
        assertTrue(e.getMessage().contains("probeLeases"), e.getMessage());
        assertThrows(RuntimeException.class, () -> CircuitItem.Schema.TABLE.mapToItem(item));

        item.put("probeLeases", AttributeValue.fromM(Map.of()));
        item.put("version", AttributeValue.fromBool(true));
        e = assertThrows(IllegalArgumentException.class, () -> CircuitItem.fromAttributes(item));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        assertThrows(RuntimeException.class, () -> CircuitItem.Schema.TABLE.mapToItem(item));

        for (String notANumber : List.of("seven", " 5", "2.0", "99999999999999999999")) {
            item.put("version", AttributeValue.fromS(notANumber));
            assertThrows(NumberFormatException.class, () -> CircuitItem.fromAttributes(item), notANumber);
            assertThrows(RuntimeException.class, () -> CircuitItem.Schema.TABLE.mapToItem(item), notANumber);
        }
        item.put("version", AttributeValue.fromN("3"));
        item.put("consecutiveOpens", AttributeValue.fromN("99999999999"));
        assertThrows(ArithmeticException.class, () -> CircuitItem.fromAttributes(item), "past an int");
        assertThrows(RuntimeException.class, () -> CircuitItem.Schema.TABLE.mapToItem(item), "past an int");
    }

    @Test
    void aStringAttributeHoldingABooleanIsRefusedWhereTheSchemaTakesItsText() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("circuitId", AttributeValue.fromS("payments"));
        item.put("writeToken", AttributeValue.fromBool(true));
        assertEquals("true", CircuitItem.Schema.TABLE.mapToItem(item).writeToken);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircuitItem.fromAttributes(item));
        assertTrue(e.getMessage().contains("writeToken"), e.getMessage());
    }

    private static CircuitSnapshot randomSnapshot(Random random) {
        CircuitState[] states = CircuitState.values();
        CircuitSnapshot.Builder b = CircuitSnapshot.builder("circuit-" + random.nextInt(5))
                .state(states[random.nextInt(states.length)])
                .recentFailures(buckets(random))
                .recentCalls(buckets(random))
                .recentSlowCalls(buckets(random))
                .openedAt(random.nextBoolean() ? 0 : T0 + random.nextInt(1_000_000))
                .retryAt(random.nextBoolean() ? 0 : T0 + random.nextInt(1_000_000))
                .consecutiveOpens(random.nextInt(10))
                .halfOpenSuccesses(random.nextInt(3))
                .version(random.nextInt(1_000))
                .updatedAt(T0 + random.nextInt(1_000_000))
                .probeRevision(random.nextInt(50))
                .writeToken(random.nextBoolean() ? null : Long.toHexString(random.nextLong()))
                .previousWriteToken(random.nextBoolean() ? null : Long.toHexString(random.nextLong()));
        Map<Integer, Long> leases = new LinkedHashMap<>();
        Map<Integer, String> owners = new LinkedHashMap<>();
        for (int slot = 0; slot < random.nextInt(3); slot++) {
            leases.put(slot, T0 + random.nextInt(10_000));
            owners.put(slot, Long.toHexString(random.nextLong()));
        }
        b.probeLeases(leases).probeOwners(owners);
        if (random.nextBoolean()) {
            b.lastTransition(new Transition(states[random.nextInt(states.length)], states[random.nextInt(states.length)],
                    random.nextBoolean() ? "" : "failure threshold reached", T0 + random.nextInt(1_000_000)));
        }
        return b.build();
    }

    private static Map<Long, Long> buckets(Random random) {
        Map<Long, Long> buckets = new HashMap<>();
        for (int i = 0; i < random.nextInt(4); i++) {
            buckets.put(T0 + i * 10_000L, 1L + random.nextInt(500));
        }
        return buckets;
    }
}
