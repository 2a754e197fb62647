package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.util.Optional;

/**
 * The one circuit item the whole fleet's breakers share, with the conditional semantics of the
 * DynamoDB store ({@link InMemoryCircuitStateStore} implements the same conditions). It knows its
 * size in bytes and reports its state after each write to the run.
 */
final class SharedCircuitItem implements SimulatedDynamoDb.SizedItem {

    private final InMemoryCircuitStateStore store = new InMemoryCircuitStateStore();
    private final FleetContext context;
    private final String circuitId;
    private boolean exists;
    private CircuitSnapshot sized;
    private int size;

    SharedCircuitItem(FleetContext context) {
        this.context = context;
        this.circuitId = context.circuitId();
    }

    @Override
    public int sizeBytes() {
        if (!exists) {
            return 0;
        }
        CircuitSnapshot s = store.load(circuitId);
        if (s != sized) {
            sized = s;
            size = ItemSize.of(DynamoDbCircuitStateStore.itemAttributes(s));
        }
        return size;
    }

    CircuitSnapshot load() {
        return store.load(circuitId);
    }

    boolean replace(long at, long expectedVersion, CircuitSnapshot next) {
        return written(at, store.replace(expectedVersion, next));
    }

    Optional<CircuitSnapshot> addOutcomes(long at, long expectedVersion, long bucketStart, OutcomeCounts outcomes,
                                          java.util.Collection<Long> expiredBuckets, long now) {
        return written(at, store.addOutcomes(circuitId, expectedVersion, bucketStart, outcomes, expiredBuckets, now));
    }

    boolean claimProbeSlot(long at, long expectedVersion, int slot, Long expectedLease, long leaseUntil, String owner,
                           long now) {
        return written(at, store.claimProbeSlot(circuitId, expectedVersion, slot, expectedLease, leaseUntil, owner, now));
    }

    Optional<CircuitSnapshot> recordProbeSuccess(long at, long expectedVersion, int slot, String owner, long now) {
        return written(at, store.recordProbeSuccess(circuitId, expectedVersion, slot, owner, now));
    }

    private boolean written(long at, boolean applied) {
        if (applied) {
            changed(at);
        }
        return applied;
    }

    private Optional<CircuitSnapshot> written(long at, Optional<CircuitSnapshot> applied) {
        if (applied.isPresent()) {
            changed(at);
        }
        return applied;
    }

    private void changed(long at) {
        exists = true;
        context.sharedStateChanged(at, of(store.load(circuitId).state()));
    }

    static SharedState of(CircuitState s) {
        return switch (s) {
            case CLOSED, DISABLED -> SharedState.CLOSED;
            case HALF_OPEN -> SharedState.HALF_OPEN;
            case OPEN, FORCED_OPEN -> SharedState.OPEN;
        };
    }
}
