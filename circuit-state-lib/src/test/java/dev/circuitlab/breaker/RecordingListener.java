package dev.circuitlab.breaker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects what the breaker reports, shared by many breaker instances in concurrency tests. */
final class RecordingListener implements CircuitBreakerListener {

    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final List<Transition> localTransitions = new CopyOnWriteArrayList<>();
    final AtomicInteger permitted = new AtomicInteger();
    final AtomicInteger storeErrors = new AtomicInteger();
    final AtomicInteger conflicts = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final List<OutcomeCounts> flushedBatches = new CopyOnWriteArrayList<>();
    final AtomicInteger staleDecisions = new AtomicInteger();

    @Override
    public void onFlush(String circuitId, OutcomeCounts batch, OutcomeCounts window) {
        flushedBatches.add(batch);
    }

    @Override
    public void onStaleDecision(String circuitId, long ageMillis) {
        staleDecisions.incrementAndGet();
    }

    @Override
    public void onTransition(String circuitId, Transition transition) {
        transitions.add(transition);
    }

    @Override
    public void onLocalTransition(String circuitId, Transition transition) {
        localTransitions.add(transition);
    }

    @Override
    public void onPermitted(String circuitId, CircuitState state, boolean probe) {
        permitted.incrementAndGet();
    }

    @Override
    public void onStoreError(String circuitId, String operation, RuntimeException error) {
        storeErrors.incrementAndGet();
    }

    @Override
    public void onConditionalConflict(String circuitId, String operation) {
        conflicts.incrementAndGet();
    }

    @Override
    public void onRejected(String circuitId, CircuitState state) {
        rejected.incrementAndGet();
    }

    long transitionsTo(CircuitState to) {
        return transitions.stream().filter(t -> t.to() == to).count();
    }
}
