package dev.circuitlab.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The fault table against a real DynamoDB-API server. */
@ExtendWith(DynamoDbExtension.class)
class FaultStoreTest {

    static FaultTable faults;

    static final Instant EXPIRES = Instant.parse("2026-01-01T00:05:00Z");
    static final CountingInterceptor CALLS = new CountingInterceptor();

    @BeforeAll
    static void createTable(DynamoDbEndpoint endpoint) {
        faults = FaultTable.create(endpoint, CALLS);
    }

    @AfterAll
    static void closeTable() {
        faults.close();
    }

    @BeforeEach
    void emptyTable() {
        faults.store().clear();
        CALLS.reset();
    }

    Map<String, AttributeValue> rawItem() {
        return faults.client().getItem(b -> b.tableName(faults.name()).key(Map.of("faultId", AttributeValue.fromS("active")))
                .consistentRead(true)).item();
    }

    @Test
    void createTableDeclaresTheKeySchemaTheTemplateUses() {
        TableDescription description = faults.client().describeTable(b -> b.tableName(faults.name())).table();

        assertEquals(1, description.keySchema().size());
        KeySchemaElement key = description.keySchema().get(0);
        assertEquals("faultId", key.attributeName());
        assertEquals(KeyType.HASH, key.keyType());
        assertEquals(ScalarAttributeType.S, description.attributeDefinitions().get(0).attributeType());
    }

    @Test
    void createTableIsIdempotent() {
        FaultStore.createTable(faults.client(), faults.name());
        assertEquals(Optional.empty(), faults.store().read());
    }

    @Test
    void aNewTableHoldsNoFault() {
        assertEquals(Optional.empty(), faults.store().read());
    }

    @Test
    void everyKindOfFaultRoundTrips() {
        for (FaultConfig fault : new FaultConfig[] {
                new FaultConfig(FaultMode.ERROR, 0.25, null, 502, EXPIRES),
                new FaultConfig(FaultMode.LATENCY, 1.0, new LatencyRange(100, 300), 200, EXPIRES),
                new FaultConfig(FaultMode.LATENCY, 1.0, LatencyRange.fixed(50), 200, EXPIRES),
                new FaultConfig(FaultMode.TIMEOUT, 1.0, null, 504, EXPIRES),
                new FaultConfig(FaultMode.TIMEOUT, 0.5, LatencyRange.fixed(900), 504, EXPIRES),
                new FaultConfig(FaultMode.THROTTLE, 1.0, null, 429, EXPIRES),
                new FaultConfig(FaultMode.UNAVAILABLE, 0.0, null, 503, EXPIRES),
                new FaultConfig(FaultMode.NONE, 1.0, null, 200, EXPIRES)}) {
            faults.store().write(fault);
            assertEquals(Optional.of(fault), faults.store().read());
        }
    }

    @Test
    void theItemIsHumanReadableAndCarriesOnlyTheFieldsItsModeUses() {
        faults.store().write(new FaultConfig(FaultMode.LATENCY, 1.0, new LatencyRange(100, 300), 200, EXPIRES));

        Map<String, AttributeValue> item = rawItem();
        assertEquals("active", item.get("faultId").s());
        assertEquals("latency", item.get("mode").s());
        assertEquals("100", item.get("latencyMinMs").n());
        assertEquals("300", item.get("latencyMaxMs").n());
        assertEquals(Long.toString(EXPIRES.getEpochSecond()), item.get("expiresAt").n(), "TTL attribute, epoch seconds");
        assertFalse(item.containsKey("statusCode"), item::toString);
    }

    @Test
    void readActiveHidesAnExpiredFault() {
        faults.store().write(new FaultConfig(FaultMode.THROTTLE, 1.0, null, 429, EXPIRES));

        assertTrue(faults.store().readActive(EXPIRES.minusSeconds(1)).isPresent());
        assertEquals(Optional.empty(), faults.store().readActive(EXPIRES));
        assertTrue(faults.store().read().isPresent(), "expired faults stay until TTL deletes them; readers skip them");
    }

    @Test
    void clearRemovesTheFaultAndIsANoOpWhenThereIsNone() {
        faults.store().write(new FaultConfig(FaultMode.THROTTLE, 1.0, null, 429, EXPIRES));
        faults.store().clear();
        faults.store().clear();

        assertEquals(Optional.empty(), faults.store().read());
    }

    @Test
    void anItemEditedIntoNonsenseReadsAsNoFault() {
        faults.client().putItem(b -> b.tableName(faults.name()).item(Map.of(
                "faultId", AttributeValue.fromS("active"),
                "mode", AttributeValue.fromS("explode"),
                "expiresAt", AttributeValue.fromN(Long.toString(EXPIRES.getEpochSecond())))));

        assertEquals(Optional.empty(), faults.store().read());
    }

    @Test
    void anAttributeOfTheWrongTypeReadsAsNoFault() {
        faults.client().putItem(b -> b.tableName(faults.name()).item(Map.of(
                "faultId", AttributeValue.fromS("active"),
                "mode", AttributeValue.fromS("error"),
                "probability", AttributeValue.fromS("often"),
                "expiresAt", AttributeValue.fromN(Long.toString(EXPIRES.getEpochSecond())))));
        assertEquals(Optional.empty(), faults.store().read());

        faults.client().putItem(b -> b.tableName(faults.name()).item(Map.of(
                "faultId", AttributeValue.fromS("active"),
                "mode", AttributeValue.fromS("error"),
                "statusCode", AttributeValue.fromN("503.5"))));
        assertEquals(Optional.empty(), faults.store().read());
    }

    @Test
    void anItemWithOnlyAModeGetsTheModeDefaults() {
        faults.client().putItem(b -> b.tableName(faults.name()).item(Map.of(
                "faultId", AttributeValue.fromS("active"),
                "mode", AttributeValue.fromS("error"))));

        assertEquals(Optional.of(new FaultConfig(FaultMode.ERROR, 1.0, null, 500, null)), faults.store().read());
    }

    @Test
    void aPersistentFaultMustHaveAnExpiry() {
        assertThrows(IllegalArgumentException.class,
                () -> faults.store().write(new FaultConfig(FaultMode.ERROR, 1.0, null, 500, null)));
        assertEquals(0, CALLS.writes());
    }

    @Test
    void eachOperationIsOneRequest() {
        faults.store().write(new FaultConfig(FaultMode.ERROR, 1.0, null, 500, EXPIRES));
        faults.store().read();
        faults.store().clear();

        assertEquals(1, CALLS.count("PutItem"));
        assertEquals(1, CALLS.count("GetItem"));
        assertEquals(1, CALLS.count("DeleteItem"));
        assertEquals(3, CALLS.total(), CALLS::toString);
    }
}
