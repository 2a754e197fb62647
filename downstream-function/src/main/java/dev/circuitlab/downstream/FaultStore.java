package dev.circuitlab.downstream;

import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.observability.StructuredLog;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
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
 */
public final class FaultStore {

    public static final String PARTITION_KEY = "faultId";
    public static final String ACTIVE_FAULT_ID = "active";
    /** Epoch seconds; the TTL attribute the template declares. */
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private static final StructuredLog LOG = StructuredLog.forClass(FaultStore.class);

    /** Built once per JVM; a static schema maps the item without bean reflection. */
    static final TableSchema<FaultItem> SCHEMA = StaticTableSchema.builder(FaultItem.class)
            .newItemSupplier(FaultItem::new)
            .addAttribute(String.class, a -> a.name(PARTITION_KEY)
                    .getter(FaultItem::getFaultId).setter(FaultItem::setFaultId)
                    .tags(StaticAttributeTags.primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("mode").getter(FaultItem::getMode).setter(FaultItem::setMode))
            .addAttribute(Double.class, a -> a.name("probability")
                    .getter(FaultItem::getProbability).setter(FaultItem::setProbability))
            .addAttribute(Long.class, a -> a.name("latencyMinMs")
                    .getter(FaultItem::getLatencyMinMs).setter(FaultItem::setLatencyMinMs))
            .addAttribute(Long.class, a -> a.name("latencyMaxMs")
                    .getter(FaultItem::getLatencyMaxMs).setter(FaultItem::setLatencyMaxMs))
            .addAttribute(Integer.class, a -> a.name("statusCode")
                    .getter(FaultItem::getStatusCode).setter(FaultItem::setStatusCode))
            .addAttribute(Long.class, a -> a.name(TTL_ATTRIBUTE)
                    .getter(FaultItem::getExpiresAt).setter(FaultItem::setExpiresAt))
            .build();

    private static final Key ACTIVE_KEY = Key.builder().partitionValue(ACTIVE_FAULT_ID).build();

    private final DynamoDbTable<FaultItem> table;
    private final String tableName;

    public FaultStore(DynamoDbClient client, String tableName) {
        this.table = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
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
        FaultItem item;
        try {
            item = table.getItem(GetItemEnhancedRequest.builder().key(ACTIVE_KEY).consistentRead(true).build());
        } catch (SdkException e) {
            throw new FaultStoreException("GetItem on fault table " + tableName + " failed: " + e.getMessage(), e);
        }
        return item == null ? Optional.empty() : toConfig(item);
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
            table.putItem(toItem(fault));
        } catch (SdkException e) {
            throw new FaultStoreException("PutItem on fault table " + tableName + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes the stored fault; a no-op when there is none. */
    public void clear() {
        try {
            table.deleteItem(ACTIVE_KEY);
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

    private Optional<FaultConfig> toConfig(FaultItem item) {
        Optional<FaultMode> mode = FaultMode.fromWireName(item.getMode());
        try {
            if (mode.isEmpty()) {
                throw new IllegalArgumentException("unknown mode '" + item.getMode() + "'");
            }
            LatencyRange latency = item.getLatencyMinMs() == null ? null
                    : new LatencyRange(item.getLatencyMinMs(),
                            item.getLatencyMaxMs() == null ? item.getLatencyMinMs() : item.getLatencyMaxMs());
            int status = item.getStatusCode() == null ? mode.get().defaultStatus() : item.getStatusCode();
            double probability = item.getProbability() == null ? 1.0 : item.getProbability();
            Instant expiresAt = item.getExpiresAt() == null ? null : Instant.ofEpochSecond(item.getExpiresAt());
            return Optional.of(new FaultConfig(mode.get(), probability, latency, status, expiresAt));
        } catch (IllegalArgumentException e) {
            // Someone edited the item by hand (the console makes that easy): treat it as no fault.
            LOG.warn("ignoring unreadable fault item", "table", tableName, "mode", item.getMode(), "error", e);
            return Optional.empty();
        }
    }

    private static FaultItem toItem(FaultConfig fault) {
        FaultItem item = new FaultItem();
        item.setFaultId(ACTIVE_FAULT_ID);
        item.setMode(fault.mode().wireName());
        item.setProbability(fault.probability());
        if (fault.latency() != null) {
            item.setLatencyMinMs(fault.latency().minMs());
            item.setLatencyMaxMs(fault.latency().maxMs());
        }
        if (fault.mode() == FaultMode.ERROR) {
            item.setStatusCode(fault.statusCode());
        }
        item.setExpiresAt(fault.expiresAt().getEpochSecond());
        return item;
    }

    /** The item as DynamoDB sees it. Mutable because the enhanced client's static schema fills it by setters. */
    static final class FaultItem {
        private String faultId;
        private String mode;
        private Double probability;
        private Long latencyMinMs;
        private Long latencyMaxMs;
        private Integer statusCode;
        private Long expiresAt;

        String getFaultId() {
            return faultId;
        }

        void setFaultId(String faultId) {
            this.faultId = faultId;
        }

        String getMode() {
            return mode;
        }

        void setMode(String mode) {
            this.mode = mode;
        }

        Double getProbability() {
            return probability;
        }

        void setProbability(Double probability) {
            this.probability = probability;
        }

        Long getLatencyMinMs() {
            return latencyMinMs;
        }

        void setLatencyMinMs(Long latencyMinMs) {
            this.latencyMinMs = latencyMinMs;
        }

        Long getLatencyMaxMs() {
            return latencyMaxMs;
        }

        void setLatencyMaxMs(Long latencyMaxMs) {
            this.latencyMaxMs = latencyMaxMs;
        }

        Integer getStatusCode() {
            return statusCode;
        }

        void setStatusCode(Integer statusCode) {
            this.statusCode = statusCode;
        }

        Long getExpiresAt() {
            return expiresAt;
        }

        void setExpiresAt(Long expiresAt) {
            this.expiresAt = expiresAt;
        }
    }
}
