package dev.circuitlab.downstream;

import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.observability.StructuredLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The persistent fault: a single item {@code faultId = "active"} in the fault table.
 *
 * <p>Item attributes: {@code faultId} (S, partition key), {@code mode} (S), {@code probability} (N),
 * {@code latencyMinMs}/{@code latencyMaxMs} (N, latency and timeout modes), {@code statusCode}
 * (N, error mode) and {@code expiresAt} (N, epoch seconds). In AWS {@code expiresAt} is the table's
 * TTL attribute, but TTL deletes items lazily (up to days later) and local DynamoDB-API servers
 * have no TTL at all, so callers must check {@link FaultConfig#isExpiredAt} on every read;
 * {@link #readActive} does.
 *
 * <p>DynamoDB actions used: {@code GetItem}, {@code PutItem}, {@code DeleteItem}; {@link #createTable}
 * (tests and the local runtime only) also uses {@code CreateTable} and {@code DescribeTable}.
 *
 * <p>The item is mapped by hand with the plain client, not with the enhanced client the circuit
 * state store uses: seven flat attributes, no conditions and no versions do not need a schema, and
 * the downstream's cold start and package lose the enhanced client (docs/BENCHMARKS.md).
 */
public final class FaultStore {

    public static final String PARTITION_KEY = "faultId";
    public static final String ACTIVE_FAULT_ID = "active";
    /** Epoch seconds; the TTL attribute the template declares. */
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private static final StructuredLog LOG = StructuredLog.forClass(FaultStore.class);

    private static final String MODE = "mode";
    private static final String PROBABILITY = "probability";
    private static final String LATENCY_MIN_MS = "latencyMinMs";
    private static final String LATENCY_MAX_MS = "latencyMaxMs";
    private static final String STATUS_CODE = "statusCode";
    private static final Map<String, AttributeValue> ACTIVE_KEY = Map.of(PARTITION_KEY, AttributeValue.fromS(ACTIVE_FAULT_ID));

    private final DynamoDbClient client;
    private final String tableName;

    public FaultStore(DynamoDbClient client, String tableName) {
        this.client = client;
        this.tableName = tableName;
    }

    public String tableName() {
        return tableName;
    }

    /**
     * The stored fault, expired or not. Strongly consistent, so a {@code GET /faults} right after a
     * {@code PUT} sees it; the per-instance cache keeps that cost off the hot path.
     *
     * @return empty when no fault is stored or the stored item is unreadable (logged)
     * @throws FaultStoreException when DynamoDB cannot be reached or refuses the request
     */
    public Optional<FaultConfig> read() {
        Map<String, AttributeValue> item;
        try {
            item = client.getItem(b -> b.tableName(tableName).key(ACTIVE_KEY).consistentRead(true)).item();
        } catch (SdkException e) {
            throw new FaultStoreException("GetItem on fault table " + tableName + " failed: " + e.getMessage(), e);
        }
        return item == null || item.isEmpty() ? Optional.empty() : toConfig(item);
    }

    /**
     * SnapStart: before the snapshot, one read of the fault item, so the snapshot holds a client whose
     * classes, marshallers and signer are loaded and initialized (the first request would otherwise
     * pay for that).
     */
    public void registerSnapStartHooks(SnapStartPriming snapStart) {
        snapStart.register("fault store", this::read, null);
    }

    /** The stored fault if it has not expired at {@code now}. */
    public Optional<FaultConfig> readActive(Instant now) {
        return read().filter(fault -> !fault.isExpiredAt(now));
    }

    /** Replaces the stored fault. A persistent fault must carry an expiry, so it cannot outlive an experiment. */
    public void write(FaultConfig fault) {
        if (fault.expiresAt() == null) {
            throw new IllegalArgumentException("a persistent fault needs an expiresAt");
        }
        try {
            client.putItem(b -> b.tableName(tableName).item(toItem(fault)));
        } catch (SdkException e) {
            throw new FaultStoreException("PutItem on fault table " + tableName + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes the stored fault; a no-op when there is none. */
    public void clear() {
        try {
            client.deleteItem(b -> b.tableName(tableName).key(ACTIVE_KEY));
        } catch (SdkException e) {
            throw new FaultStoreException("DeleteItem on fault table " + tableName + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The table the template declares, for tests and the local runtime: partition key
     * {@code faultId} (S), on-demand billing. TTL on {@code expiresAt} is set by the template only
     * (local servers do not support UpdateTimeToLive).
     */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /** Creates the fault table unless it exists, and waits until it is active. */
    public static void createTable(DynamoDbClient client, String tableName) {
        try {
            client.createTable(createTableRequest(tableName));
        } catch (ResourceInUseException alreadyThere) {
            // Idempotent: a local runtime pointed at a long-lived endpoint finds the table from last time.
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    }

    private Optional<FaultConfig> toConfig(Map<String, AttributeValue> item) {
        String modeName = text(item, MODE);
        try {
            FaultMode mode = FaultMode.fromWireName(modeName)
                    .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + modeName + "'"));
            Long latencyMin = number(item, LATENCY_MIN_MS);
            Long latencyMax = number(item, LATENCY_MAX_MS);
            LatencyRange latency = latencyMin == null ? null
                    : new LatencyRange(latencyMin, latencyMax == null ? latencyMin : latencyMax);
            Long status = number(item, STATUS_CODE);
            Double probability = decimal(item, PROBABILITY);
            Long expiresAt = number(item, TTL_ATTRIBUTE);
            return Optional.of(new FaultConfig(mode, probability == null ? 1.0 : probability, latency,
                    status == null ? mode.defaultStatus() : Math.toIntExact(status),
                    expiresAt == null ? null : Instant.ofEpochSecond(expiresAt)));
        } catch (IllegalArgumentException | ArithmeticException e) {
            // Someone edited the item by hand (the console makes that easy): treat it as no fault.
            LOG.warn("ignoring unreadable fault item", "table", tableName, "mode", modeName, "error", e);
            return Optional.empty();
        }
    }

    /** A string attribute, or null when absent. */
    private static String text(Map<String, AttributeValue> item, String name) {
        return attribute(item, name, AttributeValue::s, "a string");
    }

    /** A whole-number attribute, or null when absent. */
    private static Long number(Map<String, AttributeValue> item, String name) {
        String n = attribute(item, name, AttributeValue::n, "a number");
        return n == null ? null : Long.valueOf(n);
    }

    private static Double decimal(Map<String, AttributeValue> item, String name) {
        String n = attribute(item, name, AttributeValue::n, "a number");
        return n == null ? null : Double.valueOf(n);
    }

    /** @param part the value's text if it is of the expected type, else null */
    private static String attribute(Map<String, AttributeValue> item, String name, Function<AttributeValue, String> part,
                                    String expected) {
        AttributeValue value = item.get(name);
        if (value == null || Boolean.TRUE.equals(value.nul())) {
            return null;
        }
        String text = part.apply(value);
        if (text == null) {
            throw new IllegalArgumentException(name + " is not " + expected);
        }
        return text;
    }

    /** Only the attributes the mode uses, so the item stays readable in the console. */
    private static Map<String, AttributeValue> toItem(FaultConfig fault) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PARTITION_KEY, AttributeValue.fromS(ACTIVE_FAULT_ID));
        item.put(MODE, AttributeValue.fromS(fault.mode().wireName()));
        item.put(PROBABILITY, AttributeValue.fromN(Double.toString(fault.probability())));
        if (fault.latency() != null) {
            item.put(LATENCY_MIN_MS, AttributeValue.fromN(Long.toString(fault.latency().minMs())));
            item.put(LATENCY_MAX_MS, AttributeValue.fromN(Long.toString(fault.latency().maxMs())));
        }
        if (fault.mode() == FaultMode.ERROR) {
            item.put(STATUS_CODE, AttributeValue.fromN(Integer.toString(fault.statusCode())));
        }
        item.put(TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(fault.expiresAt().getEpochSecond())));
        return item;
    }
}
