package dev.circuitlab.breaker.internal;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.CircuitStateStore;
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
            if (version != expectedVersion) {
                return current;
            }
            won[0] = true;
            return next;
        });
        return won[0];
    }

    @Override
    public boolean restartWindow(long expectedVersion, long expectedFailureCount, CircuitSnapshot next) {
        boolean[] won = {false};
        items.compute(next.circuitId(), (id, current) -> {
            long version = current == null ? 0 : current.version();
            long failures = current == null ? 0 : current.failureCount();
            if (version != expectedVersion || (current != null && failures != expectedFailureCount)) {
                return current;
            }
            won[0] = true;
            return next;
        });
        return won[0];
    }

    @Override
    public Optional<CircuitSnapshot> addFailure(String circuitId, long expectedVersion, long now) {
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.CLOSED,
                current -> copy(current, current.failureCount() + 1, current.halfOpenSuccesses(),
                        current.probeLeases(), now));
    }

    @Override
    public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease,
                                  long leaseUntil, long now) {
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.HALF_OPEN
                        && Objects.equals(current.probeLeases().get(slot), expectedLease),
                current -> {
                    Map<Integer, Long> leases = new HashMap<>(current.probeLeases());
                    leases.put(slot, leaseUntil);
                    return copy(current, current.failureCount(), current.halfOpenSuccesses(), leases, now);
                }).isPresent();
    }

    @Override
    public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, long lease,
                                                        long now) {
        return update(circuitId, current -> current.version() == expectedVersion
                        && current.state() == CircuitState.HALF_OPEN
                        && Objects.equals(current.probeLeases().get(slot), lease),
                current -> {
                    Map<Integer, Long> leases = new HashMap<>(current.probeLeases());
                    leases.remove(slot);
                    return copy(current, current.failureCount(), current.halfOpenSuccesses() + 1, leases, now);
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

    private static CircuitSnapshot copy(CircuitSnapshot s, long failures, int successes, Map<Integer, Long> leases,
                                        long now) {
        return s.toBuilder().failureCount(failures).halfOpenSuccesses(successes).probeLeases(leases).updatedAt(now)
                .build();
    }
}
