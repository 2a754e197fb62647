package dev.circuitlab.breaker;

/**
 * The one door through which the breaker calls a listener: every hook is caught here, so metrics or
 * logging can never throw into {@code acquirePermission()}, {@code onResult()} or {@code execute()},
 * nor change a decision.
 */
final class GuardedListener implements CircuitBreakerListener {

    private final CircuitBreakerListener delegate;

    GuardedListener(CircuitBreakerListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onPermitted(String circuitId, CircuitState state, boolean probe) {
        guard(() -> delegate.onPermitted(circuitId, state, probe));
    }

    @Override
    public void onRejected(String circuitId, CircuitState state) {
        guard(() -> delegate.onRejected(circuitId, state));
    }

    @Override
    public void onSuccess(String circuitId, CircuitState state) {
        guard(() -> delegate.onSuccess(circuitId, state));
    }

    @Override
    public void onFailure(String circuitId, CircuitState state, FailureReason reason) {
        guard(() -> delegate.onFailure(circuitId, state, reason));
    }

    @Override
    public void onTransition(String circuitId, Transition transition) {
        guard(() -> delegate.onTransition(circuitId, transition));
    }

    @Override
    public void onLocalTransition(String circuitId, Transition transition) {
        guard(() -> delegate.onLocalTransition(circuitId, transition));
    }

    @Override
    public void onConditionalConflict(String circuitId, String operation) {
        guard(() -> delegate.onConditionalConflict(circuitId, operation));
    }

    @Override
    public void onStoreError(String circuitId, String operation, RuntimeException error) {
        guard(() -> delegate.onStoreError(circuitId, operation, error));
    }

    @Override
    public void onStoreLatency(String circuitId, String operation, long millis) {
        guard(() -> delegate.onStoreLatency(circuitId, operation, millis));
    }

    @Override
    public void onFlush(String circuitId, OutcomeCounts batch, OutcomeCounts window) {
        guard(() -> delegate.onFlush(circuitId, batch, window));
    }

    @Override
    public void onStaleDecision(String circuitId, long ageMillis) {
        guard(() -> delegate.onStaleDecision(circuitId, ageMillis));
    }

    private static void guard(Runnable hook) {
        try {
            hook.run();
        } catch (VirtualMachineError fatal) {
            throw fatal; // out of memory and the like: nothing the breaker could go on with
        } catch (Throwable ignored) {
            // A metrics or logging failure (an exception, or e.g. NoClassDefFoundError from a
            // metrics library that failed to initialise) must never change a breaker decision.
        }
    }
}
