package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import dev.circuitlab.experiments.fleet.SimulatedDynamoDb.Api;
import java.util.Collection;
import java.util.Optional;

/**
 * One environment's {@link CircuitStateStore} in the fleet: the real breaker runs against it. Each
 * operation makes the DynamoDB requests {@code DynamoDbCircuitStateStore} makes, through the
 * upstream's SDK client model:
 * <ul>
 *   <li>load: one strongly consistent GetItem; loadRecent: one eventually consistent GetItem (half
 *       a read unit; replication lag is not modelled for it);</li>
 *   <li>replace: one conditional PutItem; if the condition failed on a retried request, one GetItem
 *       more (the store checks whether the lost first attempt was its own);</li>
 *   <li>addOutcomes: one UpdateItem, sent without SDK retries;</li>
 *   <li>claimProbeSlot: one UpdateItem; if the condition failed on a retried request, one GetItem more;</li>
 *   <li>recordProbeSuccess: one UpdateItem.</li>
 * </ul>
 * A call that fails after the SDK's retries is a {@link CircuitStateStoreException}, as there.
 */
final class SimulatedCircuitStateStore implements CircuitStateStore {

    private final SharedCircuitItem item;
    private final SimulatedDynamoDb db;
    private final Environment env;
    private final DynamoDbClientModel client;

    SimulatedCircuitStateStore(SharedCircuitItem item, SimulatedDynamoDb db, Environment env) {
        this.item = item;
        this.db = db;
        this.env = env;
        this.client = env.client(SdkRetryPolicy.JAVA_UPSTREAM);
    }

    @Override
    public CircuitSnapshot load(String circuitId) {
        return send(Api.GET_ITEM, true, true, at -> item.load());
    }

    @Override
    public CircuitSnapshot loadRecent(String circuitId) {
        return send(Api.GET_ITEM, false, true, at -> item.load());
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        boolean won = send(Api.PUT_ITEM, true, true, at -> item.replace(at, expectedVersion, next));
        return won || (client.lastAttempts() > 1 && load(next.circuitId()).madeByWrite(next.writeToken()));
    }

    @Override
    public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                 OutcomeCounts outcomes, Collection<Long> expiredBuckets, long now) {
        return send(Api.UPDATE_ITEM, true, false,
                at -> item.addOutcomes(at, expectedVersion, bucketStart, outcomes, expiredBuckets, now));
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                  String owner, long now) {
        boolean won = send(Api.UPDATE_ITEM, true, true,
                at -> item.claimProbeSlot(at, expectedVersion, slot, expectedLease, leaseUntil, owner, now));
        return won || (client.lastAttempts() > 1 && owner.equals(load(circuitId).probeOwners().get(slot)));
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                        long now) {
        return send(Api.UPDATE_ITEM, true, true, at -> item.recordProbeSuccess(at, expectedVersion, slot, owner, now));
    }

    private <T> T send(Api api, boolean consistentRead, boolean sdkRetries, SimulatedDynamoDb.ItemRequest<T> request) {
        try {
            return db.call(env, client, api, consistentRead, sdkRetries, item, request);
        } catch (StoreUnavailableException e) {
            throw new CircuitStateStoreException(api + " on the simulated circuit table failed: " + e.getMessage(), e);
        }
    }
}
