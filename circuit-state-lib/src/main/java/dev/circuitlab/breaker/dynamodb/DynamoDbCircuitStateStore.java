package dev.circuitlab.breaker.dynamodb;

import static dev.circuitlab.breaker.dynamodb.CircuitItem.CIRCUIT_ID;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.HALF_OPEN_SUCCESSES;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.PROBE_REVISION;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.RECENT_CALLS;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.RECENT_FAILURES;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.RECENT_SLOW_CALLS;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.PROBE_LEASES;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.PROBE_OWNERS;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.STATE;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.UPDATED_AT;
import static dev.circuitlab.breaker.dynamodb.CircuitItem.VERSION;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.UnreadableCircuitItemException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Circuit state in one DynamoDB item per circuit. Reads are GetItems on the plain client (strongly
 * consistent, or eventually consistent for refreshes), mapped by {@link CircuitItem#fromAttributes};
 * whole-state transitions are conditional PutItems through the enhanced client; counter and probe-slot changes
 * are conditional UpdateItems with atomic ADD (the enhanced client cannot express ADD or a map-key
 * REMOVE). A lost condition is a normal outcome, reported as false / empty; any other SDK failure
 * becomes a {@link CircuitStateStoreException}.
 */
public final class DynamoDbCircuitStateStore implements CircuitStateStore {

    private static final AwsRequestOverrideConfiguration NO_RETRIES = AwsRequestOverrideConfiguration.builder()
            .addPlugin(config -> config.overrideConfiguration(config.overrideConfiguration().toBuilder()
                    .retryStrategy(AwsRetryStrategy.doNotRetry()).build()))
            .build();

    private final DynamoDbClient client;
    /** Built on first use: only whole-state writes need it (see {@link #table()}). */
    private volatile DynamoDbTable<CircuitItem> table;
    private final String tableName;

    public DynamoDbCircuitStateStore(DynamoDbClient client, String tableName) {
        this.client = Objects.requireNonNull(client, "client");
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException("circuit state table name must not be blank");
        }
        this.tableName = tableName;
    }

    /**
     * The enhanced client's table, built on first use: whole-state writes need it, reads (the plain
     * client) do not, so a healthy instance never builds it. Racing first users may each build one;
     * they are equivalent and one wins.
     */
    private DynamoDbTable<CircuitItem> table() {
        DynamoDbTable<CircuitItem> t = table;
        if (t == null) {
            t = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, CircuitItem.Schema.TABLE);
            table = t;
        }
        return t;
    }

    public String tableName() {
        return tableName;
    }

    /** The table definition template.yaml declares too (a test keeps the two equal). */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(CIRCUIT_ID).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(CIRCUIT_ID).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /**
     * The item this store writes for {@code snapshot}, attribute for attribute (absent values are not
     * written): what a model of the table needs to size its requests.
     */
    public static Map<String, AttributeValue> itemAttributes(CircuitSnapshot snapshot) {
        return CircuitItem.Schema.TABLE.itemToMap(CircuitItem.of(snapshot), true);
    }

    /** The partition key attribute name ({@code circuitId}). */
    public static String partitionKey() {
        return CIRCUIT_ID;
    }

    @Override
    public CircuitSnapshot load(String circuitId) {
        return loadItem(circuitId, true).map(DynamoDbCircuitStateStore::snapshotOf)
                .orElseGet(() -> CircuitSnapshot.initial(circuitId));
    }

    /**
     * An eventually consistent GetItem: half a read unit, and it may miss the last second of writes.
     * Sent without SDK retries (a failed refresh leaves the decision to the caller's copy).
     */
    @Override
    public CircuitSnapshot loadRecent(String circuitId) {
        return loadItem(circuitId, false).map(DynamoDbCircuitStateStore::snapshotOf)
                .orElseGet(() -> CircuitSnapshot.initial(circuitId));
    }

    private Optional<CircuitItem> loadItem(String circuitId) {
        return loadItem(circuitId, true);
    }

    private Optional<CircuitItem> loadItem(String circuitId, boolean consistent) {
        Map<String, AttributeValue> raw = getItem(circuitId, consistent);
        return raw == null || raw.isEmpty() ? Optional.empty() : Optional.of(itemOf(circuitId, raw));
    }

    /** The item's attributes as stored (null or empty: no item). */
    private Map<String, AttributeValue> getItem(String circuitId, boolean consistent) {
        try {
            GetItemRequest.Builder request = GetItemRequest.builder().tableName(tableName).consistentRead(consistent)
                    .key(Map.of(CIRCUIT_ID, AttributeValue.fromS(circuitId)));
            if (!consistent) {
                // A refresh: the caller decides from its copy if this fails, so it must not wait out
                // the SDK's throttling back-off first.
                request.overrideConfiguration(NO_RETRIES);
            }
            return client.getItem(request.build()).item();
        } catch (SdkException e) {
            throw storeError("GetItem", circuitId, e);
        }
    }

    /**
     * Maps an item read with the plain client (no enhanced client on the read path: a cold start's
     * refresh then loads none of it).
     *
     * @throws UnreadableCircuitItemException when an attribute has the wrong type (an item edited by hand)
     */
    private static CircuitItem itemOf(String circuitId, Map<String, AttributeValue> raw) {
        try {
            return CircuitItem.fromAttributes(raw);
        } catch (RuntimeException e) {
            throw unreadable(circuitId, e);
        }
    }

    private static UnreadableCircuitItemException unreadable(String circuitId, RuntimeException e) {
        return new UnreadableCircuitItemException("circuit item " + circuitId + " cannot be read: " + e.getMessage(), e);
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        return put(expectedVersion, next);
    }

    /**
     * A conditional PutItem of the whole state. The SDK may retry a request whose response was lost
     * although DynamoDB applied it; the retry then fails its condition. The snapshot's write token
     * tells such a writer that the item holds its own write (or held it one write ago), so it does
     * not take a won race for a lost one.
     */
    private boolean put(long expectedVersion, CircuitSnapshot next) {
        Map<String, String> names = new HashMap<>(Map.of("#v", VERSION, "#pc", PROBE_REVISION));
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = versionIs(expectedVersion, values);
        // No probe slot claimed since the read: a claim changes no version but must not be overwritten.
        if (next.probeRevision() == 0) {
            condition += " AND (attribute_not_exists(#pc) OR #pc = :pc)";
        } else {
            condition += " AND #pc = :pc";
        }
        values.put(":pc", num(next.probeRevision()));
        Expression.Builder expression = Expression.builder().expression(condition).expressionNames(names);
        if (!values.isEmpty()) {
            expression.expressionValues(values);
        }
        try {
            table().putItem(PutItemEnhancedRequest.builder(CircuitItem.class)
                    .item(CircuitItem.of(next))
                    .conditionExpression(expression.build())
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return retried(e) && loadItem(next.circuitId()).map(DynamoDbCircuitStateStore::snapshotOf)
                    .map(current -> current.madeByWrite(next.writeToken())).orElse(false);
        } catch (SdkException e) {
            throw storeError("PutItem", next.circuitId(), e);
        }
    }

    /**
     * The condition "the stored version is {@code expected}". Version 0 also matches an item without
     * a version attribute (made by hand, or by an older writer), so such an item can still change.
     */
    private static String versionIs(long expected, Map<String, AttributeValue> values) {
        if (expected == 0) {
            return "attribute_not_exists(#v)";
        }
        values.put(":v", num(expected));
        return "#v = :v";
    }

    /**
     * Replaces an item that cannot be read, keeping its version going up if that much of it is
     * readable. Conditioned on the item still existing with that version.
     */
    @Override
    public Optional<CircuitSnapshot> overwriteUnreadable(CircuitSnapshot next) {
        Map<String, AttributeValue> raw = getItem(next.circuitId(), true);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue version = raw.get(VERSION);
        long old = 0;
        try {
            old = version == null || version.n() == null ? 0 : Long.parseLong(version.n());
        } catch (NumberFormatException e) {
            old = 0; // not even the version is readable: start over from 1
        }
        CircuitSnapshot written = next.toBuilder().version(Math.max(old, 0) + 1).build();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = "attribute_exists(#id) AND " + (version == null ? "attribute_not_exists(#v)" : "#v = :old");
        if (version != null) {
            values.put(":old", version);
        }
        Expression.Builder expression = Expression.builder().expression(condition)
                .expressionNames(Map.of("#id", CIRCUIT_ID, "#v", VERSION));
        if (!values.isEmpty()) {
            expression.expressionValues(values);
        }
        try {
            table().putItem(PutItemEnhancedRequest.builder(CircuitItem.class).item(CircuitItem.of(written))
                    .conditionExpression(expression.build()).build());
            return Optional.of(written);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw storeError("PutItem", next.circuitId(), e);
        }
    }

    /**
     * One atomic update of the window: adds to one bucket's counts (a map key of
     * {@code recentFailures}, and of {@code recentCalls} / {@code recentSlowCalls} when those are
     * counted, named by the bucket's start as ISO-8601) and removes expired buckets from every map.
     * It is sent without SDK retries: a retry of an increment whose response was lost would count
     * the outcomes twice. At most once is the right side for a count; a request that fails surfaces
     * as a store error and the fallback breaker counts the failures locally.
     */
    @Override
    public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                 OutcomeCounts outcomes, Collection<Long> expiredBuckets, long now) {
        Map<String, String> names = new HashMap<>(Map.of("#id", CIRCUIT_ID, "#b", CircuitItem.bucketKey(bucketStart),
                "#u", UPDATED_AT, "#v", VERSION, "#s", STATE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", num(0), ":now", num(now),
                ":state", AttributeValue.fromS(CircuitState.CLOSED.name())));
        StringBuilder update = new StringBuilder("SET #u = :now");
        String[][] maps = {{"#w", RECENT_FAILURES}, {"#c", RECENT_CALLS}, {"#sc", RECENT_SLOW_CALLS}};
        long[] counts = {outcomes.failures(), outcomes.calls(), outcomes.slowCalls()};
        for (int m = 0; m < maps.length; m++) {
            if (counts[m] > 0) {
                names.put(maps[m][0], maps[m][1]); // DynamoDB refuses a name the expression does not use
                String n = ":n" + m;
                values.put(n, num(counts[m]));
                update.append(", ").append(maps[m][0]).append(".#b = if_not_exists(").append(maps[m][0])
                        .append(".#b, :zero) + ").append(n);
            }
        }
        int i = 0;
        for (long expired : expiredBuckets) {
            if (expired == bucketStart) {
                continue;
            }
            names.put("#x" + i, CircuitItem.bucketKey(expired));
            for (String[] map : maps) {
                names.put(map[0], map[1]);
                update.append(i == 0 && map == maps[0] ? " REMOVE " : ", ").append(map[0]).append(".#x").append(i);
            }
            i++;
        }
        // An item without a state reads as CLOSED (see CircuitItem), so it counts as one here too.
        String condition = "attribute_exists(#id) AND " + versionIs(expectedVersion, values)
                + " AND (#s = :state OR attribute_not_exists(#s))";
        try {
            return update(circuitId, update.toString(), condition, names, values, NO_RETRIES, null);
        } catch (CircuitStateStoreException e) {
            if (!addMissingMaps(circuitId, expectedVersion, e)) {
                throw e;
            }
            return update(circuitId, update.toString(), condition, names, values, NO_RETRIES, null);
        }
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                  String owner, long now) {
        Map<String, String> names = Map.of("#p", PROBE_LEASES, "#o", PROBE_OWNERS, "#slot", Integer.toString(slot),
                "#u", UPDATED_AT, "#v", VERSION, "#s", STATE, "#pc", PROBE_REVISION);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":lease", num(leaseUntil), ":owner",
                AttributeValue.fromS(owner), ":now", num(now), ":one", num(1),
                ":state", AttributeValue.fromS(CircuitState.HALF_OPEN.name())));
        String slotCondition;
        if (expectedLease == null) {
            slotCondition = "attribute_not_exists(#p.#slot)";
        } else {
            slotCondition = "#p.#slot = :expected";
            values.put(":expected", num(expectedLease));
        }
        String condition = versionIs(expectedVersion, values) + " AND #s = :state AND " + slotCondition;
        // A retried claim that DynamoDB had applied finds the slot owned by its own token.
        Predicate<CircuitItem> ownedByThisClaim = current -> current.probeOwners != null
                && owner.equals(current.probeOwners.get(Integer.toString(slot)));
        String set = "SET #p.#slot = :lease, #o.#slot = :owner, #u = :now ADD #pc :one";
        try {
            return update(circuitId, set, condition, names, values, null, ownedByThisClaim).isPresent();
        } catch (CircuitStateStoreException e) {
            if (!addMissingMaps(circuitId, expectedVersion, e)) {
                throw e;
            }
            return update(circuitId, set, condition, names, values, null, ownedByThisClaim).isPresent();
        }
    }

    /**
     * An item written before {@code probeOwners} or the window maps existed (or edited by
     * hand) lacks a map an update sets a key of, and DynamoDB refuses such a path. Adds the missing
     * empty maps, once, so the update can go; an item that has every map leaves the error standing.
     *
     * @return whether a map was missing (and is now added, or was added by someone else meanwhile)
     */
    private boolean addMissingMaps(String circuitId, long expectedVersion, CircuitStateStoreException cause) {
        // Only a refused expression; throttling is a 400 too, and must not cost another read.
        if (!(cause.getCause() instanceof DynamoDbException d) || d.awsErrorDetails() == null
                || !"ValidationException".equals(d.awsErrorDetails().errorCode())) {
            return false;
        }
        Optional<CircuitItem> item = loadItem(circuitId);
        if (item.isEmpty() || (item.get().probeOwners != null && item.get().probeLeases != null
                && item.get().recentFailures != null && item.get().recentCalls != null
                && item.get().recentSlowCalls != null)) {
            return false;
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":empty", AttributeValue.fromM(Map.of())));
        update(circuitId, "SET #p = if_not_exists(#p, :empty), #o = if_not_exists(#o, :empty), "
                        + "#w = if_not_exists(#w, :empty), #c = if_not_exists(#c, :empty), #sc = if_not_exists(#sc, :empty)",
                versionIs(expectedVersion, values), Map.of("#p", PROBE_LEASES, "#o", PROBE_OWNERS,
                        "#w", RECENT_FAILURES, "#c", RECENT_CALLS, "#sc", RECENT_SLOW_CALLS, "#v", VERSION),
                values, null, null);
        return true;
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                        long now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", num(1), ":owner", AttributeValue.fromS(owner),
                ":now", num(now), ":state", AttributeValue.fromS(CircuitState.HALF_OPEN.name())));
        // Conditioned on the slot's owner, not its lease: two claims can write the same lease value.
        // A lost answer is not re-read here: the breaker reads and closes if the successes suffice.
        return update(circuitId, "ADD #ok :one, #pr :one REMOVE #p.#slot, #o.#slot SET #u = :now",
                versionIs(expectedVersion, values) + " AND #s = :state AND #o.#slot = :owner",
                Map.of("#ok", HALF_OPEN_SUCCESSES, "#p", PROBE_LEASES, "#o", PROBE_OWNERS, "#slot", Integer.toString(slot),
                        "#u", UPDATED_AT, "#v", VERSION, "#s", STATE, "#pr", PROBE_REVISION),
                values, null, null);
    }

    /**
     * A conditional UpdateItem returning the new state. On a failed condition, {@code appliedBefore}
     * (if given) is asked whether a re-read shows this very update already applied by an earlier
     * attempt of the same request.
     */
    private Optional<CircuitSnapshot> update(String circuitId, String updateExpression, String condition,
                                             Map<String, String> names, Map<String, AttributeValue> values,
                                             AwsRequestOverrideConfiguration override,
                                             Predicate<CircuitItem> appliedBefore) {
        UpdateItemRequest.Builder request = UpdateItemRequest.builder()
                .tableName(tableName)
                .key(Map.of(CIRCUIT_ID, AttributeValue.fromS(circuitId)))
                .updateExpression(updateExpression)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW);
        if (override != null) {
            request.overrideConfiguration(override);
        }
        try {
            UpdateItemResponse response = client.updateItem(request.build());
            return Optional.of(snapshotOf(itemOf(circuitId, response.attributes())));
        } catch (ConditionalCheckFailedException e) {
            if (appliedBefore == null || !retried(e)) {
                return Optional.empty();
            }
            return loadItem(circuitId).filter(appliedBefore).map(DynamoDbCircuitStateStore::snapshotOf);
        } catch (SdkException e) {
            throw storeError("UpdateItem", circuitId, e);
        }
    }

    /**
     * Whether the SDK sent this request more than once. Only then can an earlier attempt have been
     * applied with its response lost, so only then is the item re-read (a plain lost race costs nothing more).
     */
    private static boolean retried(SdkException e) {
        return e.numAttempts() != null && e.numAttempts() > 1;
    }

    /** An item a person edited into something unreadable is a store fault, not a crash of the caller. */
    private static CircuitSnapshot snapshotOf(CircuitItem item) {
        try {
            return item.toSnapshot();
        } catch (RuntimeException e) {
            throw unreadable(item.circuitId, e);
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
