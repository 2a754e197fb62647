package dev.circuitlab.breaker.internal;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.OutcomeCounts;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store local to one process, with the same conditional semantics as the DynamoDB store. Used as
 * the fallback while the shared store is failing, and for benchmarks of the decision logic.
 */
public final class InMemoryCircuitStateStore implements CircuitStateStore {

    private final ConcurrentHashMap<String, CircuitSnapshot> items = new ConcurrentHashMap<>();

    @Override
    public CircuitSnapshot load(String circuitId) {
        CircuitSnapshot s = items.get(circuitId);
        return s == null ? CircuitSnapshot.initial(circuitId) : s;
    }

    @Override
    public boolean replace(long expectedVersion, CircuitSnapshot next) {
        boolean[] won = {false};
        items.compute(next.circuitId(), (id, current) -> {
            long version = current == null ? 0 : current.version();
            long claims = current == null ? 0 : current.probeRevision();
            if (version != expectedVersion || claims != next.probeRevision()) {
                return current;
            }
            won[0] = true;
            return next;
        });
        return won[0];
    }

    @Override
    public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                 OutcomeCounts outcomes, Collection<Long> expiredBuckets, long now) {
        if (!items.containsKey(circuitId)) {
            return Optional.empty(); // no item: the breaker creates it with replace
        }
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.CLOSED,
                current -> current.withOutcomesAdded(bucketStart, outcomes, expiredBuckets, now));
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease,
                                  long leaseUntil, String owner, long now) {
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.HALF_OPEN
                        && Objects.equals(current.probeLeases().get(slot), expectedLease),
                current -> {
                    Map<Integer, Long> leases = new HashMap<>(current.probeLeases());
                    Map<Integer, String> owners = new HashMap<>(current.probeOwners());
                    leases.put(slot, leaseUntil);
                    owners.put(slot, owner);
                    return current.toBuilder().probeLeases(leases).probeOwners(owners)
                            .probeRevision(current.probeRevision() + 1).updatedAt(now).build();
                }).isPresent();
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                        long now) {
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.HALF_OPEN
                        && owner != null && owner.equals(current.probeOwners().get(slot)),
                current -> {
                    Map<Integer, Long> leases = new HashMap<>(current.probeLeases());
                    Map<Integer, String> owners = new HashMap<>(current.probeOwners());
                    leases.remove(slot);
                    owners.remove(slot);
                    return current.toBuilder().probeLeases(leases).probeOwners(owners)
                            .halfOpenSuccesses(current.halfOpenSuccesses() + 1)
                            .probeRevision(current.probeRevision() + 1).updatedAt(now).build();
                });
    }

    private Optional<CircuitSnapshot> update(String circuitId, java.util.function.Predicate<CircuitSnapshot> condition,
                                             java.util.function.UnaryOperator<CircuitSnapshot> change) {
        CircuitSnapshot[] result = {null};
        items.compute(circuitId, (id, current) -> {
            CircuitSnapshot base = current == null ? CircuitSnapshot.initial(id) : current;
            if (!condition.test(base)) {
                return current;
            }
            result[0] = change.apply(base);
            return result[0];
        });
        return Optional.ofNullable(result[0]);
    }
}
