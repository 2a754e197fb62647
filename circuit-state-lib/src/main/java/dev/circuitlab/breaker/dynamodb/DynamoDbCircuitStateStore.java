package dev.circuitlab.breaker.dynamodb;

import static dev.circuitlab.breaker.dynamodb.CircuitItem.CIRCUIT_ID;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.FAILURE_COUNT;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.HALF_OPEN_SUCCESSES;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.PROBE_LEASES;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.STATE;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.UPDATED_AT;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.VERSION;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Circuit state in one DynamoDB item per circuit. Reads are strongly consistent GetItems; whole-state
 * transitions are conditional PutItems through the enhanced client; counter and probe-slot changes
 * are conditional UpdateItems with atomic ADD (the enhanced client cannot express ADD or a map-key
 * REMOVE). A lost condition is a normal outcome, reported as false / empty; any other SDK failure
 * becomes a {@link CircuitStateStoreException}.
 */
public final class DynamoDbCircuitStateStore implements CircuitStateStore {

    private final DynamoDbClient client;
    private final DynamoDbTable<CircuitItem> table;
    private final String tableName;

    public DynamoDbCircuitStateStore(DynamoDbClient client, String tableName) {
        this.client = Objects.requireNonNull(client, "client");
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException("circuit state table name must not be blank");
        }
        this.tableName = tableName;
        this.table = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, CircuitItem.SCHEMA);
    }

    public String tableName() {
        return tableName;
    }

    /** The table definition template.yaml declares too (a test keeps the two equal). */
    public static CreateTableRequest createTableRequest(String tableName) {
        String key = CircuitItem.SCHEMA.tableMetadata().primaryPartitionKey();
        return CreateTableRequest.builder()
                .tableName(tableName)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(key).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /** The partition key attribute name ({@code circuitId}). */
    public static String partitionKey() {
        return CIRCUIT_ID;
    }

    @Override
    public CircuitSnapshot load(String circuitId) {
        try {
            CircuitItem item = table.getItem(GetItemEnhancedRequest.builder()
                    .key(Key.builder().partitionValue(circuitId).build())
                    .consistentRead(true)
                    .build());
            return item == null ? CircuitSnapshot.initial(circuitId) : item.toSnapshot();
        } catch (SdkException e) {
            throw storeError("GetItem", circuitId, e);
        }
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        Expression condition = expectedVersion == 0
                ? Expression.builder().expression("attribute_not_exists(#id)").putExpressionName("#id", CIRCUIT_ID).build()
                : Expression.builder().expression("#v = :v").putExpressionName("#v", VERSION)
                        .putExpressionValue(":v", num(expectedVersion)).build();
        try {
            table.putItem(PutItemEnhancedRequest.builder(CircuitItem.class)
                    .item(CircuitItem.of(next))
                    .conditionExpression(condition)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw storeError("PutItem", next.circuitId(), e);
        }
    }

    @Override
    public Optional<CircuitSnapshot> addFailure(String circuitId, long expectedVersion, long now) {
        return update(circuitId, "ADD #fc :one SET #u = :now",
                "#v = :v AND #s = :state",
                Map.of("#fc", FAILURE_COUNT, "#u", UPDATED_AT, "#v", VERSION, "#s", STATE),
                Map.of(":one", num(1), ":now", num(now), ":v", num(expectedVersion),
                        ":state", AttributeValue.fromS(CircuitState.CLOSED.name())));
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                  long now) {
        Map<String, String> names = Map.of("#p", PROBE_LEASES, "#slot", Integer.toString(slot), "#u", UPDATED_AT,
                "#v", VERSION, "#s", STATE);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":lease", num(leaseUntil), ":now", num(now),
                ":v", num(expectedVersion), ":state", AttributeValue.fromS(CircuitState.HALF_OPEN.name())));
        String slotCondition;
        if (expectedLease == null) {
            slotCondition = "attribute_not_exists(#p.#slot)";
        } else {
            slotCondition = "#p.#slot = :expected";
            values.put(":expected", num(expectedLease));
        }
        return update(circuitId, "SET #p.#slot = :lease, #u = :now",
                "#v = :v AND #s = :state AND " + slotCondition, names, values).isPresent();
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, long lease,
                                                        long now) {
        return update(circuitId, "ADD #ok :one REMOVE #p.#slot SET #u = :now",
                "#v = :v AND #s = :state AND #p.#slot = :lease",
                Map.of("#ok", HALF_OPEN_SUCCESSES, "#p", PROBE_LEASES, "#slot", Integer.toString(slot),
                        "#u", UPDATED_AT, "#v", VERSION, "#s", STATE),
                Map.of(":one", num(1), ":lease", num(lease), ":now", num(now), ":v", num(expectedVersion),
                        ":state", AttributeValue.fromS(CircuitState.HALF_OPEN.name())));
    }

    private Optional<CircuitSnapshot> update(String circuitId, String updateExpression, String condition,
                                             Map<String, String> names, Map<String, AttributeValue> values) {
        try {
            UpdateItemResponse response = client.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(CIRCUIT_ID, AttributeValue.fromS(circuitId)))
                    .updateExpression(updateExpression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .build());
            return Optional.of(CircuitItem.SCHEMA.mapToItem(response.attributes()).toSnapshot());
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw storeError("UpdateItem", circuitId, e);
        }
    }

    private CircuitStateStoreException storeError(String operation, String circuitId, SdkException e) {
        return new CircuitStateStoreException(operation + " on " + tableName + " for circuit " + circuitId
                + " failed: " + e.getMessage(), e);
    }

    private static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
