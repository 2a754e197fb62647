package dev.circuitlab.breaker;

/**
 * Hooks for metrics and logs. Called on the caller's thread; implementations must be fast and must
 * not throw (a throwing listener is caught and ignored so it can never change a decision).
 */
public interface CircuitBreakerListener {

    CircuitBreakerListener NONE = new CircuitBreakerListener() { };

    default void onPermitted(String circuitId, CircuitState state, boolean probe) { }

    default void onRejected(String circuitId, CircuitState state) { }

    default void onSuccess(String circuitId, CircuitState state) { }

    default void onFailure(String circuitId, CircuitState state, FailureReason reason) { }

    /** A transition of the shared circuit (written to the store). */
    default void onTransition(String circuitId, Transition transition) { }

    /**
     * A transition of this instance's in-memory fallback breaker, which decides only while the
     * store is failing. Reported apart so it is never mistaken for a fleet-wide transition.
     */
    default void onLocalTransition(String circuitId, Transition transition) { }

    /** A conditional write lost a race (another caller changed the circuit first). */
    default void onConditionalConflict(String circuitId, String operation) { }

    /** The store failed; the breaker fell back per its {@link StoreFailurePolicy}. */
    default void onStoreError(String circuitId, String operation, RuntimeException error) { }

    /** How long a store request took, successful or not. */
    default void onStoreLatency(String circuitId, String operation, long millis) { }

    /**
     * This instance wrote one batch of outcomes to the shared window.
     *
     * @param batch  what the update added
     * @param window the window's outcomes after it, as this instance now knows them (calls and slow
     *               calls are counted only with a rate threshold)
     */
    default void onFlush(String circuitId, OutcomeCounts batch, OutcomeCounts window) { }

    /**
     * A decision was made from this instance's copy of the shared state although its refresh was
     * due, because the refresh failed (e.g. the item was throttled); {@code ageMillis} is how old the
     * copy was, at most {@link CircuitBreakerConfig#maxStaleness()}.
     */
    default void onStaleDecision(String circuitId, long ageMillis) { }
}
